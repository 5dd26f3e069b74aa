/**
 * 2,000 SMS through the faults that leave a client not knowing what happened, counted by the
 * sandbox: every item is either sent once (some of them found by looking up), or reported as
 * outcome unknown and truly absent. Nothing is duplicated and nothing is silently lost.
 */
import type { Sandbox } from '../../sandbox';
import { useSandbox } from '../sandbox/helpers';
import { runNode } from '../support/twilioWorkflows';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 600_000 }, (s) => {
	sandbox = s;
});

const COUNT = 2000;
const CREATE = 'twilio.messages.create';
const LIST = 'twilio.messages.list';

describe('reconciling "outcome unknown" in bulk', () => {
	it('2,000 sends with 2% 5xx-after-store, 2% reset-after-store, 2% reset-before, 30% 429 and a lagging list: 0 duplicated, 0 missing', async () => {
		sandbox.faults.set({
			latencyMs: 5,
			rate429: 0.3,
			retryAfterSec: 0,
			rate5xx: 0.02,
			rateResetAfter: 0.02,
			rateReset: 0.02,
			// The list shows a message 800 ms after its create: the first look-up, after 1 s, sees it.
			listLagMs: 800,
			seed: 14,
			routes: [CREATE, LIST],
		});
		// One recipient each, as a bulk send has: a look-up reads the newest sends to one recipient
		// from one sender, and 2,000 to a single phone within seconds would bury the one it seeks.
		const items = Array.from({ length: COUNT }, (_, n) => ({ n, to: `+1415555${String(n).padStart(4, '0')}` }));
		const r = await runNode({
			type: 'CUSTOM.sendSms',
			parameters: { to: '={{ $json.to }}', body: '=Reconcile {{ $json.n }}' },
			items,
			baseUrl: sandbox.url,
			continueOnFail: true,
			timeoutMs: 150_000,
		});
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(out).toHaveLength(COUNT);

		const stored = new Map<string, string[]>();
		for (const m of sandbox.state.messages.values()) stored.set(m.body, [...(stored.get(m.body) ?? []), m.sid]);
		const stats = sandbox.stats();
		const faulted = new Set(stats.faultedCreates.filter((f) => f.route === CREATE).map((f) => f.sid));
		const count = { sent: 0, reconciled: 0, unknown: 0, duplicated: 0, missing: 0 };
		for (const [n, o] of out.entries()) {
			const sids = stored.get(`Reconcile ${n}`) ?? [];
			if (sids.length > 1) count.duplicated++;
			if (typeof o.sid === 'string') {
				expect(sids).toEqual([o.sid]);
				// An item is reconciled exactly when Twilio stored it but never told us.
				expect({ n, reconciled: o.reconciled === true }).toEqual({ n, reconciled: faulted.has(o.sid) });
				if (o.reconciled === true) count.reconciled++;
				else count.sent++;
			} else {
				expect({ n, outcomeUnknown: o.outcomeUnknown, lookUp: (o.lookUp as { result?: string } | undefined)?.result, stored: sids }).toEqual({
					n,
					outcomeUnknown: true,
					lookUp: 'not found',
					stored: [],
				});
				count.unknown++;
			}
			if (sids.length === 0 && o.outcomeUnknown !== true) count.missing++;
		}

		const creates = sandbox.state.requests.filter((q) => q.route === CREATE);
		const resetsBefore = creates.filter((q) => q.fault === 'reset').length;
		const lists = sandbox.state.requests.filter((q) => q.route === LIST).length;
		// For the record, in the test's output.
		console.log(
			`reconcile bulk: ${COUNT} items; ${count.sent} sent, ${count.reconciled} reconciled (of ${faulted.size} stored then failed), ` +
				`${count.unknown} outcome unknown (of ${resetsBefore} resets before storing), ${count.duplicated} duplicated, ${count.missing} missing; ` +
				`${creates.length} create requests, ${lists} list requests (${(lists / COUNT).toFixed(3)} per item)`,
		);
		expect(faulted.size).toBeGreaterThan(40);
		expect(resetsBefore).toBeGreaterThan(10);
		expect(count.reconciled).toBe(faulted.size);
		expect(count.unknown).toBe(resetsBefore);
		expect(count.duplicated).toBe(0);
		expect(count.missing).toBe(0);
		expect(stats.duplicates).toBe(0);
		expect(count.sent + count.reconciled + count.unknown).toBe(COUNT);
	}, 200_000);
});

describe('reconciling "outcome unknown" for one recipient', () => {
	it('300 sends to one phone, list lagging 1.5 s: items share listings, stop looking once the list shows later sends, and still find every stored one', async () => {
		sandbox.faults.set({
			latencyMs: 5,
			rate5xx: 0.04,
			rateResetAfter: 0.04,
			rateReset: 0.04,
			// Longer than the first settle delay (1 s): the first look-up sees neither the unknown send
			// nor anything stored after it, so it must not conclude, and the second finds what was stored.
			listLagMs: 1500,
			seed: 21,
			routes: [CREATE, LIST],
		});
		const count = 300;
		const r = await runNode({
			type: 'CUSTOM.sendSms',
			parameters: { to: '+15555550123', body: '=Pager {{ $json.n }}' },
			items: Array.from({ length: count }, (_, n) => ({ n })),
			baseUrl: sandbox.url,
			continueOnFail: true,
			timeoutMs: 120_000,
		});
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(out).toHaveLength(count);

		const stored = new Map<string, string[]>();
		for (const m of sandbox.state.messages.values()) stored.set(m.body, [...(stored.get(m.body) ?? []), m.sid]);
		const faulted = new Set(sandbox.stats().faultedCreates.filter((f) => f.route === CREATE).map((f) => f.sid));
		const resetsBefore = sandbox.state.requests.filter((q) => q.route === CREATE && q.fault === 'reset').length;
		const notFound: Array<{ tries: number }> = [];
		let reconciled = 0;
		for (const [n, o] of out.entries()) {
			const sids = stored.get(`Pager ${n}`) ?? [];
			if (typeof o.sid === 'string') {
				expect(sids).toEqual([o.sid]);
				expect({ n, reconciled: o.reconciled === true }).toEqual({ n, reconciled: faulted.has(o.sid) });
				if (o.reconciled === true) reconciled++;
			} else {
				expect({ n, outcomeUnknown: o.outcomeUnknown, lookUp: (o.lookUp as { result?: string }).result, stored: sids }).toEqual({ n, outcomeUnknown: true, lookUp: 'not found', stored: [] });
				notFound.push(o.lookUp as { tries: number });
			}
		}
		expect(faulted.size).toBeGreaterThan(10);
		expect(resetsBefore).toBeGreaterThan(5);
		expect(reconciled).toBe(faulted.size);
		expect(notFound).toHaveLength(resetsBefore);
		// Not the full 1 + 2 + 4 s: the second look-up already shows sends made after the failure.
		const cutShort = notFound.filter((l) => l.tries < 3).length;
		const lists = sandbox.state.requests.filter((q) => q.route === LIST).length;
		const lookUps = reconciled + notFound.reduce((sum, l) => sum + l.tries, 0);
		console.log(`one recipient: ${faulted.size} reconciled, ${notFound.length} not found (${cutShort} before the third look-up), ${lists} list requests for at least ${lookUps} look-ups`);
		expect(cutShort).toBeGreaterThan(notFound.length / 2);
		expect(notFound.every((l) => l.tries >= 2)).toBe(true);
		// Shared listings: fewer list requests than look-ups, and they count in Max Concurrent Requests (25).
		expect(lists).toBeLessThan(lookUps);
		expect(sandbox.stats().maxInFlight).toBeLessThanOrEqual(25);
	}, 150_000);
});
