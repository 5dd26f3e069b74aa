/**
 * listLagMs: list endpoints leave out what was created less than listLagMs ago, as an eventually
 * consistent list may; fetching by SID or id is not affected.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, RESEND_FROM, RESEND_FULL_KEY, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { basic, createRaw, postForm, postJson, request, useSandbox } from './helpers';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 20 }, (s) => (sandbox = s));

const auth = { Authorization: basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken) };
const base = () => `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}`;
const sids = (list: Array<{ sid: string }>) => list.map((x) => x.sid);
const listMessages = async () => sids((await request(`${base()}/Messages.json`, { headers: auth })).json.messages);
const listCalls = async () => sids((await request(`${base()}/Calls.json`, { headers: auth })).json.calls);
const bearer = { Authorization: `Bearer ${RESEND_FULL_KEY.token}` };
const listEmails = async () => ((await request(`${sandbox.url}/emails`, { headers: bearer })).json.data as Array<{ id: string }>).map((e) => e.id);

/** Polls `probe` until true; returns how long after `since` that was. */
async function until(probe: () => Promise<boolean>, since: number, timeoutMs = 3000): Promise<number> {
	for (;;) {
		if (await probe()) return Date.now() - since;
		if (Date.now() - since > timeoutMs) throw new Error('still not listed');
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('listLagMs', () => {
	it('hides a fresh message from the list but not from fetch, and lists it after the lag', async () => {
		sandbox.faults.set({ listLagMs: 400 });
		const older = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Body: 'older' });
		// Made visible at once by backdating: the lag counts from the internal creation time.
		sandbox.state.messages.get(older.json.sid)!.dateCreated = new Date(Date.now() - 1000);
		const fresh = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Body: 'fresh' });
		const createdAt = sandbox.state.messages.get(fresh.json.sid)!.dateCreated.getTime();
		expect(fresh.status).toBe(201);

		expect(await listMessages()).toEqual([older.json.sid]);
		const fetched = await request(`${base()}/Messages/${fresh.json.sid}.json`, { headers: auth });
		expect(fetched.status).toBe(200);
		expect(fetched.json.sid).toBe(fresh.json.sid);

		const after = await until(async () => (await listMessages()).includes(fresh.json.sid), createdAt);
		expect(after).toBeGreaterThanOrEqual(400);
		expect(await listMessages()).toEqual([fresh.json.sid, older.json.sid]);
	});

	it('applies to the Calls list and the Resend emails list too', async () => {
		sandbox.faults.set({ listLagMs: 60_000 });
		const call = await postForm(`${base()}/Calls.json`, { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: '<Response/>' }, auth.Authorization);
		expect(call.status).toBe(201);
		const sent = await request(`${sandbox.url}/emails`, {
			method: 'POST',
			headers: { ...bearer, 'Content-Type': 'application/json' },
			body: JSON.stringify({ from: RESEND_FROM, to: ['ada@example.com'], subject: 'Hi', text: 'x' }),
		});
		expect(sent.status).toBe(200);
		expect(await listCalls()).toEqual([]);
		expect(await listEmails()).toEqual([]);
		expect((await request(`${base()}/Calls/${call.json.sid}.json`, { headers: auth })).status).toBe(200);
		expect((await request(`${sandbox.url}/emails/${sent.json.id}`, { headers: bearer })).json.id).toBe(sent.json.id);

		sandbox.faults.set({ listLagMs: 0 });
		expect(await listCalls()).toEqual([call.json.sid]);
		expect(await listEmails()).toEqual([sent.json.id]);
	});

	it('is scoped by `routes` like the faults', async () => {
		sandbox.faults.set({ listLagMs: 60_000, routes: ['twilio.calls.*'] });
		const m = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Body: 'x' });
		await postForm(`${base()}/Calls.json`, { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: '<Response/>' }, auth.Authorization);
		expect(await listMessages()).toEqual([m.json.sid]);
		expect(await listCalls()).toEqual([]);
	});

	it('is set through /__sandbox/faults, validated, and cleared by DELETE and reset', async () => {
		const set = await postJson(`${sandbox.url}/__sandbox/faults`, { listLagMs: 250 });
		expect(set.status).toBe(200);
		expect(set.json.listLagMs).toBe(250);
		expect((await request(`${sandbox.url}/__sandbox/faults`)).json.listLagMs).toBe(250);
		const bad = await postJson(`${sandbox.url}/__sandbox/faults`, { listLagMs: -1 });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toBe('listLagMs must be a number >= 0');
		expect((await request(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).json.listLagMs).toBe(0);
		sandbox.faults.set({ listLagMs: 250 });
		sandbox.reset();
		expect(sandbox.faults.get().listLagMs).toBe(0);
	});

	it('can be a startup setting that reset() returns to', async () => {
		const lagging = await startSandbox({ faults: { listLagMs: 60_000 } });
		try {
			lagging.faults.clear();
			lagging.reset();
			expect(lagging.faults.get()).toMatchObject({ listLagMs: 60_000, rateResetAfter: 0 });
		} finally {
			await lagging.close();
		}
	});
});
