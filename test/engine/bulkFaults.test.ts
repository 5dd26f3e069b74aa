import { startSandbox, type Sandbox } from '../../sandbox';
import { SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { DEFAULT_CONCURRENCY } from '../../nodes/shared/runner/options';
import { runNode } from '../support/twilioWorkflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 600_000 });
});
afterAll(async () => {
	await sandbox.close();
});

const COUNT = 2000;
const CREATE = 'twilio.messages.create';

describe('bulk Send SMS under faults, counted by the sandbox', () => {
	it('2,000 items through 429s, resets and slow answers: each sent at most once, every item accounted for', async () => {
		sandbox.reset();
		sandbox.faults.set({ latencyMs: 20, rate429: 0.3, retryAfterSec: 1, rateReset: 0.02, rateSlow: 0.02, slowMs: 1000, seed: 2024, routes: [CREATE] });
		const items = Array.from({ length: COUNT }, (_, n) => ({ n }));
		const r = await runNode({
			type: 'CUSTOM.sendSms',
			parameters: { to: SAMPLE_RECIPIENT, body: '=Bulk {{ $json.n }}' },
			items,
			baseUrl: sandbox.url,
			continueOnFail: true,
			timeoutMs: 120_000,
		});
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out).toHaveLength(COUNT);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, item) => ({ item })));

		const stored = new Map<string, string[]>();
		for (const m of sandbox.state.messages.values()) stored.set(m.body, [...(stored.get(m.body) ?? []), m.sid]);
		const sent = out.filter((o) => typeof o.json.sid === 'string');
		const failed = out.filter((o) => o.json.error !== undefined);
		expect(sent.length + failed.length).toBe(COUNT);
		for (const [n, o] of out.entries()) {
			const body = `Bulk ${n}`;
			if (typeof o.json.sid === 'string') expect(stored.get(body)).toEqual([o.json.sid]);
			// A reset on a create is "outcome unknown" and never re-sent; the sandbox resets before
			// processing, so nothing may exist for these items.
			else expect({ n, outcomeUnknown: o.json.outcomeUnknown, stored: stored.get(body) }).toEqual({ n, outcomeUnknown: true, stored: undefined });
		}

		const stats = sandbox.stats();
		expect(stats.faults.rate429).toBeGreaterThan(0);
		expect(stats.faults.reset).toBeGreaterThan(0);
		expect(stats.faults.slow).toBeGreaterThan(0);
		expect(stats.duplicates).toBe(0);
		expect(stats.uniqueSends).toBe(sent.length);
		// Every 429 was retried exactly once more and nothing else was: a reset ends its item.
		expect(stats.requestsByRoute[CREATE]).toBe(COUNT + stats.faults.rate429);
		expect(failed).toHaveLength(stats.faults.reset);
		expect(stats.maxInFlight).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
	}, 180_000);
});
