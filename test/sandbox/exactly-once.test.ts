/**
 * What the sandbox tells a test about exactly-once: a reset after the create was stored, the list
 * of creates a fault hid from their client (faultedCreates), and duplicates across messages, calls
 * and emails. All over real HTTP against a started sandbox.
 */
import type { Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, RESEND_FROM, RESEND_FULL_KEY, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { basic, createRaw, postForm, postJson, request, useSandbox } from './helpers';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 20 }, (s) => (sandbox = s));

const SMS = { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Body: 'reset after store' };
const CALL = { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: '<Response><Say>Hi</Say></Response>' };
const EMAIL = { from: RESEND_FROM, to: ['ada@example.com'], subject: 'Hello', text: 'Hi Ada' };
const twilioAuth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
const messagesUrl = () => `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`;
const callsUrl = () => `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Calls.json`;

/** Resend over node:http (no keep-alive), so a destroyed socket is a plain rejection. */
const resend = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	request(`${sandbox.url}${path}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});

const HANG_UP = /socket hang up|ECONNRESET/;

describe('reset after store (rateResetAfter)', () => {
	it('stores the message, answers nothing, and a later list shows it', async () => {
		sandbox.faults.set({ rateResetAfter: 1 });
		await expect(createRaw(sandbox, SMS)).rejects.toThrow(HANG_UP);
		sandbox.faults.clear();

		const [stored] = [...sandbox.state.messages.values()];
		expect(stored).toMatchObject({ to: SMS.To, body: SMS.Body });
		const stats = sandbox.stats();
		expect(stats.faults).toMatchObject({ resetAfter: 1, reset: 0, rate5xx: 0 });
		expect(stats.faultedCreates).toEqual([{ route: 'twilio.messages.create', fault: 'resetAfter', kind: 'message', sid: stored.sid, to: SMS.To }]);
		expect(stats.createsAccepted).toBe(1);
		// The client got no status: the request is recorded like a reset, with this fault's name.
		expect(sandbox.state.requests.at(-1)).toMatchObject({ route: 'twilio.messages.create', status: 0, fault: 'resetAfter' });
		expect(stats.responsesByStatus).toEqual({});

		// Reconciling: the list shows what the client never saw.
		const list = await request(`${messagesUrl()}?To=${encodeURIComponent(SMS.To)}`, { headers: { Authorization: twilioAuth } });
		expect(list.status).toBe(200);
		expect(list.json.messages.map((m: { sid: string }) => m.sid)).toEqual([stored.sid]);
	});

	it('a blind re-send after it is a duplicate', async () => {
		sandbox.faults.set({ rateResetAfter: 1 });
		await expect(createRaw(sandbox, SMS)).rejects.toThrow(HANG_UP);
		sandbox.faults.clear();
		const again = await createRaw(sandbox, SMS);
		expect(again.status).toBe(201);
		const stats = sandbox.stats();
		expect(stats).toMatchObject({ createsAccepted: 2, uniqueSends: 1, duplicates: 1 });
		expect(stats.duplicateKeys).toEqual([expect.objectContaining({ kind: 'message', count: 2, sids: [stats.faultedCreates[0].sid, again.json.sid] })]);
	});

	it('wins over rate5xx when both are drawn, and is counted once', async () => {
		sandbox.faults.set({ rateResetAfter: 1, rate5xx: 1 });
		await expect(createRaw(sandbox, SMS)).rejects.toThrow(HANG_UP);
		expect(sandbox.stats().faults).toMatchObject({ resetAfter: 1, rate5xx: 0 });
		expect(sandbox.stats().faultedCreates.map((f) => f.fault)).toEqual(['resetAfter']);
	});

	it('a request the handler refused stores nothing and lists nothing', async () => {
		sandbox.faults.set({ rateResetAfter: 1 });
		await expect(createRaw(sandbox, { ...SMS, To: 'not-a-number' })).rejects.toThrow(HANG_UP);
		expect(sandbox.state.messages.size).toBe(0);
		expect(sandbox.stats()).toMatchObject({ createsAccepted: 0, faultedCreates: [], faults: expect.objectContaining({ resetAfter: 1 }) });
	});

	it('on reads, only resets the answer', async () => {
		sandbox.faults.set({ rateResetAfter: 1, routes: ['twilio.messages.list'] });
		await expect(request(messagesUrl(), { headers: { Authorization: twilioAuth } })).rejects.toThrow(HANG_UP);
		expect(sandbox.stats()).toMatchObject({ faultedCreates: [], faults: expect.objectContaining({ resetAfter: 1 }) });
		expect((await createRaw(sandbox, SMS)).status).toBe(201);
	});

	it('is set, checked and cleared through /__sandbox/faults', async () => {
		const set = await postJson(`${sandbox.url}/__sandbox/faults`, { rateResetAfter: 0.25 });
		expect(set.status).toBe(200);
		expect(set.json).toMatchObject({ rateResetAfter: 0.25 });
		const bad = await postJson(`${sandbox.url}/__sandbox/faults`, { rateResetAfter: 1.5 });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toBe('rateResetAfter must be a number from 0 to 1');
		expect((await request(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).json.rateResetAfter).toBe(0);
	});
});

describe('seeded fault sequences', () => {
	const listStatuses = async (faults: Parameters<Sandbox['faults']['set']>[0], n = 16): Promise<Array<number | 'reset'>> => {
		sandbox.reset();
		sandbox.faults.set(faults);
		const out: Array<number | 'reset'> = [];
		for (let i = 0; i < n; i++) {
			out.push(await request(messagesUrl(), { headers: { Authorization: twilioAuth } }).then((r) => r.status, () => 'reset' as const));
		}
		return out;
	};

	// rate429 0.5 with seed 42, as the sandbox drew it before rateResetAfter existed.
	const PINNED = [200, 200, 429, 200, 429, 429, 200, 200, 429, 200, 429, 200, 429, 429, 200, 429];

	it('the six older draws keep their order and alignment: seed 42 gives what it always gave', async () => {
		expect(await listStatuses({ rate429: 0.5, seed: 42 })).toEqual(PINNED);
	});

	it('adding rateResetAfter moves no other fault, and is repeatable itself', async () => {
		const a = await listStatuses({ rate429: 0.5, rateResetAfter: 0.5, seed: 42 });
		const b = await listStatuses({ rate429: 0.5, rateResetAfter: 0.5, seed: 42 });
		expect(a).toEqual(b);
		// Where a 429 was drawn it still answers 429 (429 comes before the handler); elsewhere the
		// handler ran and the answer is either 200 or a reset-after.
		expect(a.map((s) => (s === 429 ? 429 : 200))).toEqual(PINNED);
		expect(a).toContain('reset');
		expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
		expect(sandbox.stats().faults.resetAfter).toBe(a.filter((s) => s === 'reset').length);
	});
});

describe('faultedCreates', () => {
	it('lists a call stored under a 500, and a re-sent call is a duplicate', async () => {
		sandbox.faults.set({ rate5xx: 1, routes: ['twilio.calls.create'] });
		const res = await postForm(callsUrl(), CALL, twilioAuth);
		expect(res.status).toBe(500);
		sandbox.faults.clear();
		const [call] = [...sandbox.state.calls.values()];
		expect(sandbox.stats().faultedCreates).toEqual([{ route: 'twilio.calls.create', fault: 'rate5xx', kind: 'call', sid: call.sid, to: SAMPLE_RECIPIENT }]);
		expect((await postForm(callsUrl(), CALL, twilioAuth)).status).toBe(201);
		expect(sandbox.stats()).toMatchObject({ createsAcceptedByKind: { call: 2 }, uniqueSends: 1, duplicates: 1 });
	});

	it('lists a Resend email stored before a reset, and a re-send is a duplicate', async () => {
		sandbox.faults.set({ rateResetAfter: 1, routes: ['resend.*'] });
		await expect(resend('/emails', EMAIL)).rejects.toThrow(HANG_UP);
		sandbox.faults.clear();
		const [email] = [...sandbox.state.emails.values()];
		expect(sandbox.stats().faultedCreates).toEqual([{ route: 'resend.emails.send', fault: 'resetAfter', kind: 'email', sid: email.id, to: 'ada@example.com' }]);
		expect((await resend('/emails', EMAIL)).status).toBe(200);
		expect(sandbox.stats()).toMatchObject({ createsAcceptedByKind: { email: 2 }, uniqueSends: 1, duplicates: 1 });
	});

	it('lists every email of a batch answered 500, in order', async () => {
		sandbox.faults.set({ rate5xx: 1, routes: ['resend.emails.batch'] });
		const res = await resend('/emails/batch', [EMAIL, { ...EMAIL, to: ['grace@example.com'] }]);
		expect(res.status).toBe(500);
		expect(res.json).toMatchObject({ statusCode: 500, name: 'internal_server_error' });
		const ids = [...sandbox.state.emails.keys()];
		expect(sandbox.stats().faultedCreates).toEqual([
			{ route: 'resend.emails.batch', fault: 'rate5xx', kind: 'email', sid: ids[0], to: 'ada@example.com' },
			{ route: 'resend.emails.batch', fault: 'rate5xx', kind: 'email', sid: ids[1], to: 'grace@example.com' },
		]);
	});

	it('leaves out an Idempotency-Key replay under a 500: it stored nothing', async () => {
		const first = await resend('/emails', EMAIL, { 'Idempotency-Key': 'once' });
		expect(first.status).toBe(200);
		sandbox.faults.set({ rate5xx: 1, routes: ['resend.*'] });
		expect((await resend('/emails', EMAIL, { 'Idempotency-Key': 'once' })).status).toBe(500);
		const stats = sandbox.stats();
		expect(stats.emails.idempotentReplays).toBe(1);
		expect(stats).toMatchObject({ createsAccepted: 1, duplicates: 0, faultedCreates: [] });
	});

	it('lists nothing for 5xx-before, 429 or a reset before the handler, which store nothing', async () => {
		for (const fault of [{ rate5xxBefore: 1 }, { rate429: 1 }, { rateReset: 1 }]) {
			sandbox.faults.clear();
			sandbox.faults.set(fault);
			await createRaw(sandbox, SMS).catch(() => undefined);
		}
		expect(sandbox.state.messages.size).toBe(0);
		expect(sandbox.stats().faultedCreates).toEqual([]);
	});

	it('comes over GET /__sandbox/stats and is emptied by reset', async () => {
		sandbox.faults.set({ rate5xx: 1 });
		expect((await createRaw(sandbox, SMS)).status).toBe(500);
		const over = await request(`${sandbox.url}/__sandbox/stats`);
		expect(over.json.faultedCreates).toEqual([expect.objectContaining({ route: 'twilio.messages.create', fault: 'rate5xx', kind: 'message', to: SMS.To })]);
		expect(over.json.faults.resetAfter).toBe(0);
		expect((await request(`${sandbox.url}/__sandbox/reset`, { method: 'POST' })).status).toBe(200);
		expect(sandbox.stats().faultedCreates).toEqual([]);
	});

	it('lets a test check every faulted item: found again by SID, or reported outcome unknown', async () => {
		// A client that retries nothing and reconciles by listing: the pattern the nodes' tests follow.
		sandbox.faults.set({ rate5xx: 0.3, rateResetAfter: 0.3, seed: 5, routes: ['twilio.messages.create'] });
		const unknown = new Set<number>();
		for (let i = 0; i < 20; i++) {
			const r = await createRaw(sandbox, { ...SMS, Body: `item ${i}` }).catch(() => undefined);
			if (!r || r.status >= 500) unknown.add(i);
		}
		sandbox.faults.clear();
		const faulted = sandbox.stats().faultedCreates;
		expect(faulted.length).toBe(unknown.size);
		expect(faulted.length).toBeGreaterThan(0);
		const list = await request(`${messagesUrl()}?PageSize=100`, { headers: { Authorization: twilioAuth } });
		const listed = new Map<string, string>(list.json.messages.map((m: { sid: string; body: string }) => [m.sid, m.body]));
		for (const f of faulted) {
			const body = listed.get(f.sid);
			expect(body).toBeDefined();
			expect(unknown.has(Number(body!.replace('item ', '')))).toBe(true);
		}
	});
});
