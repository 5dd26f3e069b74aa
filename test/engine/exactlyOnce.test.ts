/**
 * Exactly once beyond one request, in n8n-core's WorkflowExecute against the sandbox: what Send SMS
 * and the call nodes do when Twilio did not confirm a create (look it up), and the duplicate guard.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Sandbox } from '../../sandbox';
import { FaultController } from '../../sandbox/faults';
import { NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { runNode } from '../support/twilioWorkflows';
import { sdk, useSandbox } from '../sandbox/helpers';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 1000 }, (s) => {
	sandbox = s;
});

// Every look-up after an outcome unknown waits 1 + 2 + 4 s at most.
jest.setTimeout(30_000);

const sms = (parameters: IDataObject, items: IDataObject[] = [{}]) =>
	runNode({ type: 'CUSTOM.sendSms', parameters: parameters as never, items: items as never, baseUrl: sandbox.url, continueOnFail: true });

const routeCount = (route: string) => sandbox.stats().requestsByRoute[route] ?? 0;
const messagesTo = (to: string, body: string) => [...sandbox.state.messages.values()].filter((m) => m.to === to && m.body === body);

/** Resolves once the sandbox has seen `n` requests on `route`. */
async function seen(route: string, n = 1): Promise<void> {
	for (let waited = 0; routeCount(route) < n; waited += 10) {
		if (waited > 5_000) throw new Error(`no ${route} request within 5 s`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

describe('If the Outcome Is Unknown (a Twilio create that was not confirmed)', () => {
	it('stored, then answered 500: looked up and reconciled with the real SID; nothing is sent twice', async () => {
		sandbox.faults.set({ rate5xx: 1, routes: ['twilio.messages.create'] });
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Reconcile me' });
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toBeUndefined();
		expect(item.json).toMatchObject({ reconciled: true, to: SAMPLE_RECIPIENT, body: 'Reconcile me' });
		const stored = messagesTo(SAMPLE_RECIPIENT, 'Reconcile me');
		expect(stored.map((m) => m.sid)).toEqual([item.json.sid]);
		expect(routeCount('twilio.messages.create')).toBe(1);
		expect(routeCount('twilio.messages.list')).toBe(1);
		expect(sandbox.stats().duplicates).toBe(0);
	});

	it('not stored (503 before the work): looked up three times over about 7 s, stays outcome unknown, and is not re-sent', async () => {
		sandbox.faults.set({ rate5xxBefore: 1, routes: ['twilio.messages.create'] });
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Never stored' });
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toMatch(/Outcome unknown/);
		expect(item.json.outcomeUnknown).toBe(true);
		expect(item.json.lookUp).toMatchObject({ result: 'not found', tries: 3 });
		expect(Number((item.json.lookUp as IDataObject).waitedMs)).toBeGreaterThanOrEqual(7_000);
		expect(String(item.json.errorDescription)).toMatch(/looked up 3 time\(s\) .* and not found/);
		expect(routeCount('twilio.messages.create')).toBe(1);
		expect(routeCount('twilio.messages.list')).toBe(3);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Never stored')).toHaveLength(0);
	});

	it('with Re-Send If Not Found: a create that was not stored is sent once more and marked resent', async () => {
		sandbox.faults.set({ rate5xxBefore: 1, routes: ['twilio.messages.create'] });
		const run = sms({ to: SAMPLE_RECIPIENT, body: 'Second chance', options: { ifOutcomeUnknown: 'lookUpThenResend' } });
		// The first create fails; Twilio is healthy again before the look-ups end.
		await seen('twilio.messages.create');
		sandbox.faults.clear();
		const r = await run;
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toBeUndefined();
		expect(item.json.resent).toBe(true);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Second chance').map((m) => m.sid)).toEqual([item.json.sid]);
		expect(routeCount('twilio.messages.create')).toBe(2);
		expect(routeCount('twilio.messages.list')).toBe(3);
	});

	it('two identical messages since the request started: ambiguous, stays outcome unknown and names both', async () => {
		const first = await sms({ to: SAMPLE_RECIPIENT, body: 'Twice the same' });
		const earlierSid = first.outputs(first.nodeName)[0].json.sid;
		sandbox.faults.set({ rate5xx: 1, routes: ['twilio.messages.create'] });
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Twice the same' });
		const [item] = r.outputs(r.nodeName);
		expect(item.json.outcomeUnknown).toBe(true);
		const lookUp = item.json.lookUp as { result: string; candidates: string[] };
		expect(lookUp.result).toBe('ambiguous');
		expect(lookUp.candidates.sort()).toEqual(messagesTo(SAMPLE_RECIPIENT, 'Twice the same').map((m) => m.sid).sort());
		expect(lookUp.candidates).toContain(earlierSid);
		expect(String(item.json.errorDescription)).toMatch(/2 identical ones/);
	});

	it('an identical message sent earlier in the same run is never claimed twice: the unconfirmed item reconciles to its own SID', async () => {
		// A seed whose first create goes through and whose second is stored, then answered 500.
		const seed = Array.from({ length: 200 }, (_, s) => s).find((s) => {
			const f = new FaultController({ rate5xx: 0.5, seed: s });
			return !f.decide('twilio.messages.create').errorAfter && f.decide('twilio.messages.create').errorAfter;
		});
		sandbox.faults.set({ rate5xx: 0.5, seed, routes: ['twilio.messages.create'] });
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Same text', options: { maxConcurrency: 1 } }, [{}, {}]);
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(sandbox.stats().faults.rate5xx).toBe(1);
		expect(out[0].reconciled).toBeUndefined();
		expect(out[1].reconciled).toBe(true);
		expect(out[1].sid).not.toBe(out[0].sid);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Same text').map((m) => m.sid).sort()).toEqual([out[0].sid, out[1].sid].sort());
	});

	it('identical items unconfirmed at the same time cannot be told apart: each stays outcome unknown (ambiguous)', async () => {
		sandbox.faults.set({ rate5xx: 1, routes: ['twilio.messages.create'] });
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Same moment' }, [{}, {}]);
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(out.map((o) => (o.lookUp as IDataObject | undefined)?.result)).toEqual(['ambiguous', 'ambiguous']);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Same moment')).toHaveLength(2);
	});
});

describe('Skip Duplicates Within (Minutes)', () => {
	// This process remembers guarded sends for their window, so every test sends its own text.
	const alert = (body: string) => sms({ to: SAMPLE_RECIPIENT, body, options: { skipDuplicatesMinutes: 10 } });

	it('the same alert twice within the window: one SMS, and the second is skipped with the earlier SID', async () => {
		const a = await alert('Disk full on db-1');
		const b = await alert('Disk full on db-1');
		const first = a.outputs(a.nodeName)[0].json;
		const second = b.outputs(b.nodeName)[0].json;
		expect(first.skipped).toBeUndefined();
		expect(second).toMatchObject({ skipped: 'duplicate', duplicateOf: first.sid, sid: first.sid });
		expect(messagesTo(SAMPLE_RECIPIENT, 'Disk full on db-1')).toHaveLength(1);
	});

	it('two executions of the same alert at the same moment (a trigger that fired twice): one SMS', async () => {
		const [a, b] = await Promise.all([alert('Disk full on db-3'), alert('Disk full on db-3')]);
		const outs = [a.outputs(a.nodeName)[0].json, b.outputs(b.nodeName)[0].json];
		expect(outs.filter((o) => o.skipped === 'duplicate')).toHaveLength(1);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Disk full on db-3')).toHaveLength(1);
	});

	it("found at Twilio (sent by something else, so this process never saw it): skipped, at one list request's cost", async () => {
		const earlier = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: 'Sent elsewhere' });
		const listsBefore = routeCount('twilio.messages.list');
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Sent elsewhere', options: { skipDuplicatesMinutes: 10 } });
		expect(r.outputs(r.nodeName)[0].json).toMatchObject({ skipped: 'duplicate', duplicateOf: earlier.sid });
		expect(routeCount('twilio.messages.list') - listsBefore).toBe(1);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Sent elsewhere')).toHaveLength(1);
	});

	it('outside the window (the earlier one is 20 minutes old): sent again', async () => {
		const earlier = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: 'Old news' });
		(sandbox.state.messages.get(earlier.sid) as { dateCreated: Date }).dateCreated = new Date(Date.now() - 20 * 60_000);
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Old news', options: { skipDuplicatesMinutes: 10 } });
		const out = r.outputs(r.nodeName)[0].json;
		expect(out.skipped).toBeUndefined();
		expect(out.sid).not.toBe(earlier.sid);
		expect(messagesTo(SAMPLE_RECIPIENT, 'Old news')).toHaveLength(2);
	});

	it('a different text to the same recipient is not a duplicate', async () => {
		await alert('Disk full on db-4');
		const r = await alert('Disk full on db-5');
		expect(r.outputs(r.nodeName)[0].json.skipped).toBeUndefined();
	});

	it('Voice Message: the same number called twice within the window places one call', async () => {
		const call = () =>
			runNode({
				type: 'CUSTOM.voiceMessage',
				parameters: { to: SAMPLE_RECIPIENT, message: 'Wake up', options: { skipDuplicatesMinutes: 5 } } as never,
				items: [{}] as never,
				baseUrl: sandbox.url,
			});
		const a = await call();
		const b = await call();
		const first = a.outputs(a.nodeName)[0].json;
		expect(b.outputs(b.nodeName)[0].json).toMatchObject({ skipped: 'duplicate', duplicateOf: first.sid });
		expect(sandbox.state.calls.size).toBe(1);
	});
});
