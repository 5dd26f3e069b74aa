/**
 * The runner's window against an account-wide concurrency limit (nodes/shared/runner/adaptive.ts,
 * slots.ts), on a fake clock: the rules one by one, then whole runs against a simulated Twilio that
 * refuses requests over its limit, as the sandbox's `concurrencyLimit` does. Virtual time only: no
 * figure here depends on how fast this machine is.
 */
import { jest } from '@jest/globals';
import { AdaptiveLimit, AGAIN_FACTOR, ALONE_MS, DECREASE_FACTOR, PROBE_SLOWDOWN, reportedConcurrency } from '../../nodes/shared/runner/adaptive';
import { runInSlots } from '../../nodes/shared/runner/runItems';
import { beginAttempt, sleepBeforeRetry, Slots } from '../../nodes/shared/runner/slots';
import { backoffMs, DEFAULT_RETRY } from '../../nodes/shared/http/retryPolicy';

describe('AdaptiveLimit', () => {
	it('starts at the ceiling and never grows past it', () => {
		const limit = new AdaptiveLimit(25, () => 0);
		expect(limit.current).toBe(25);
		for (let i = 0; i < 100; i++) limit.answered();
		expect(limit.current).toBe(25);
	});

	it('a refusal reporting the account count lands just under it at once', () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0, 10);
		expect(limit.current).toBe(Math.floor(10 * DECREASE_FACTOR));
	});

	it('without a count it shrinks by the factor', () => {
		const limit = new AdaptiveLimit(20, () => 1);
		limit.refused429(0);
		expect(limit.current).toBe(18);
	});

	it('decreases once per episode: refusals of requests sent before the last decrease are counted but ignored', () => {
		let now = 100;
		const limit = new AdaptiveLimit(25, () => now);
		limit.refused429(50, 10);
		const after = limit.current;
		for (let i = 0; i < 14; i++) limit.refused429(60 + i, 10);
		expect(limit.current).toBe(after);
		expect(limit.refused).toBe(15);
		now = 300;
		limit.refused429(200, 10);
		expect(limit.current).toBe(Math.floor(after * AGAIN_FACTOR));
	});

	it('while the limit is unknown, grows by about one request per window of answers', () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0);
		expect(limit.current).toBe(22);
		for (let i = 0; i < 23; i++) limit.answered();
		expect(limit.current).toBe(23);
	});

	it(`once a refusal reported the limit, grows ${PROBE_SLOWDOWN} times slower`, () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0, 10);
		expect(limit.current).toBe(9);
		// From 9 to 10 takes 76 answers at one eighth of the speed (about 9.5 without the slowdown).
		for (let i = 0; i < 75; i++) limit.answered(5);
		expect(limit.current).toBe(9);
		limit.answered(5);
		expect(limit.current).toBe(10);
	});

	it('does not grow a window the run does not fill', () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0);
		for (let i = 0; i < 100; i++) limit.answered(undefined, 3);
		expect(limit.current).toBe(22);
	});

	it('does not grow on answers saying the account is at the limit a refusal reported; grows again when it has room', () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0, 10);
		for (let i = 0; i < 50; i++) limit.answered(10);
		expect(limit.current).toBe(9);
		for (let i = 0; i < 80; i++) limit.answered(8);
		expect(limit.current).toBeGreaterThan(9);
	});

	it(`back at the known limit at once after a whole round of answers, over ${ALONE_MS} ms, that saw only its own requests`, () => {
		let now = 1;
		const limit = new AdaptiveLimit(25, () => now);
		limit.refused429(0, 10);
		expect(limit.current).toBe(9);
		// Someone else's requests in the count (8 of ours, 10 in all) break the streak.
		for (let i = 0; i < 8; i++) limit.answered(9, 9);
		limit.answered(10, 8);
		now += ALONE_MS;
		for (let i = 0; i < 8; i++) limit.answered(9, 9);
		expect(limit.current).toBe(9);
		// A whole round (9 answers), but not yet for ALONE_MS: the other run may only be asleep before a retry.
		limit.answered(9, 9);
		now += ALONE_MS - 1;
		limit.answered(9, 9);
		expect(limit.current).toBe(9);
		now += 1;
		limit.answered(9, 9);
		expect(limit.current).toBe(10);
		// Never past the known limit, however long it stays alone.
		for (let i = 0; i < 200; i++) limit.answered(10, 10);
		expect(limit.current).toBe(10);
	});

	it('answers without our own count (unknown) never count as alone', () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0, 10);
		for (let i = 0; i < 20; i++) limit.answered(1);
		expect(limit.current).toBe(9);
	});

	it('a count above the known limit means the limit was raised: answers at it no longer stop the growth', () => {
		const limit = new AdaptiveLimit(25, () => 1);
		limit.refused429(0, 10);
		limit.answered(12);
		for (let i = 0; i < 80; i++) limit.answered(11);
		expect(limit.current).toBeGreaterThan(9);
	});

	it('refusals and answers without a count (Resend) make plain AIMD', () => {
		let now = 1;
		const limit = new AdaptiveLimit(25, () => now);
		limit.refused429(0);
		now = 2;
		limit.refused429(1.5);
		expect(limit.current).toBe(Math.floor(25 * DECREASE_FACTOR * AGAIN_FACTOR));
		for (let i = 0; i < 30; i++) limit.answered();
		expect(limit.current).toBeGreaterThan(Math.floor(25 * DECREASE_FACTOR * AGAIN_FACTOR));
	});

	it('never goes below one request', () => {
		let now = 0;
		const limit = new AdaptiveLimit(4, () => now);
		for (let i = 0; i < 50; i++) {
			now = i + 1;
			limit.refused429(i + 0.5, 1);
		}
		expect(limit.current).toBe(1);
	});

	it('reads the header as undici hands it over', () => {
		expect(reportedConcurrency({ 'twilio-concurrent-requests': '10' })).toBe(10);
		expect(reportedConcurrency({ 'twilio-concurrent-requests': 'x' })).toBeUndefined();
		expect(reportedConcurrency({})).toBeUndefined();
	});
});

describe('Slots follow the window', () => {
	it('a refusal stops new grants until enough slots come back; an answer lets waiters in again', async () => {
		const slots = new Slots(4, () => 10);
		for (let i = 0; i < 4; i++) await slots.acquire(false);
		slots.beginAttempt().answered(429, { 'twilio-concurrent-requests': '2' });
		expect(slots.limit.current).toBe(1);
		let granted = false;
		void slots.acquire(false).then(() => (granted = true));
		for (let i = 0; i < 3; i++) slots.release();
		await Promise.resolve();
		expect(granted).toBe(false);
		slots.release();
		await Promise.resolve();
		expect(granted).toBe(true);
	});
});

/** A Twilio account that refuses requests over `limit` in flight, each taking `latencyMs` of virtual time. */
class SimulatedAccount {
	inFlight = 0;
	maxInFlight = 0;
	accepted = 0;
	refused = 0;

	private seed = 7;

	constructor(
		private readonly limit: number,
		private readonly latencyMs: number,
		/** ± this many ms on each request, from a fixed pseudo-random sequence: real answers never come back in lockstep. */
		private readonly jitterMs = 0,
	) {}

	private jitter(): number {
		this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
		return Math.round((this.seed / 2147483648) * 2 * this.jitterMs - this.jitterMs);
	}

	/** One item's send: retried on 429 after the policy's backoff, its slot given back meanwhile. */
	async send(): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			const request = beginAttempt();
			if (this.inFlight >= this.limit) {
				this.refused++;
				const reported = this.inFlight;
				// A refusal is answered at once, but still takes a round trip to come back.
				await new Promise((r) => setTimeout(r, 5));
				request.answered(429, { 'twilio-concurrent-requests': String(reported) });
				await sleepBeforeRetry(backoffMs(Math.min(attempt, 6), DEFAULT_RETRY));
				continue;
			}
			this.inFlight++;
			this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
			await new Promise((r) => setTimeout(r, this.latencyMs + this.jitter()));
			this.inFlight--;
			this.accepted++;
			// As at Twilio (and the sandbox), the count on an answer includes the request answered.
			request.answered(201, { 'twilio-concurrent-requests': String(this.inFlight + 1) });
			return;
		}
	}
}

async function runOnFakeClock(runs: Array<Promise<void>>): Promise<number> {
	const start = Date.now();
	const all = Promise.all(runs);
	let done = false;
	void all.then(() => (done = true));
	while (!done) await jest.advanceTimersByTimeAsync(1);
	await all;
	return Date.now() - start;
}

describe('runs against an account limit of 10, at the default Max Concurrent Requests (25), 100 ± 20 ms a request', () => {
	const N = 1000;
	const L = 100;
	const bound = (n: number) => (n * L) / 10;

	beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
	afterEach(() => jest.useRealTimers());

	it('one run reaches at least 90% of the N·L/10 bound with at most 5% of requests refused', async () => {
		const account = new SimulatedAccount(10, L, 20);
		const elapsed = await runOnFakeClock([runInSlots(N, { concurrency: 25 }, () => account.send(), () => false)]);
		expect(account.accepted).toBe(N);
		expect(account.maxInFlight).toBeLessThanOrEqual(10);
		expect(bound(N) / elapsed).toBeGreaterThanOrEqual(0.9);
		expect(account.refused / (account.refused + account.accepted)).toBeLessThanOrEqual(0.05);
	});

	it('two runs (two queue-mode workers) sharing the limit: the same goals, and both progress', async () => {
		const account = new SimulatedAccount(10, L, 20);
		const finishedAt: number[] = [];
		const start = Date.now();
		const worker = () => runInSlots(N, { concurrency: 25 }, () => account.send(), () => false).then(() => void finishedAt.push(Date.now() - start));
		const elapsed = await runOnFakeClock([worker(), worker()]);
		expect(account.accepted).toBe(2 * N);
		expect(bound(2 * N) / elapsed).toBeGreaterThanOrEqual(0.9);
		expect(account.refused / (account.refused + account.accepted)).toBeLessThanOrEqual(0.05);
		// Neither starves: the first to finish takes at least 70% of the whole run's time.
		expect(Math.min(...finishedAt) / elapsed).toBeGreaterThanOrEqual(0.7);
	});

	it('two runs of different sizes: the one left alone goes back to the whole limit, not probing slowly up to it', async () => {
		const account = new SimulatedAccount(10, L, 20);
		const finishedAt: number[] = [];
		const start = Date.now();
		const worker = (n: number) => runInSlots(n, { concurrency: 25 }, () => account.send(), () => false).then(() => void finishedAt.push(Date.now() - start));
		const elapsed = await runOnFakeClock([worker(N / 2), worker((3 * N) / 2)]);
		expect(account.accepted).toBe(2 * N);
		// The larger run spends about half the time alone. Probing slowly back up from its share, it made
		// 94.9% of the bound here; back at the known limit after one round of answers alone, 99.5%.
		expect(bound(2 * N) / elapsed).toBeGreaterThanOrEqual(0.97);
		expect(account.refused / (account.refused + account.accepted)).toBeLessThanOrEqual(0.05);
		expect(account.maxInFlight).toBeLessThanOrEqual(10);
	});

	it('without refusals the window stays at the ceiling (no limit reached, no cost)', async () => {
		const account = new SimulatedAccount(100, L);
		const elapsed = await runOnFakeClock([runInSlots(N, { concurrency: 25 }, () => account.send(), () => false)]);
		expect(account.refused).toBe(0);
		expect(account.maxInFlight).toBe(25);
		expect(elapsed).toBeLessThanOrEqual(Math.ceil(N / 25) * L + 50);
	});
});

describe('which 429s shrink the window', () => {
	it('a 429 with Retry-After and no concurrency count (a rate limit) leaves the window alone', async () => {
		const slots = new Slots(25, () => 10);
		for (let i = 0; i < 3; i++) slots.beginAttempt().answered(429, { 'retry-after': '1' });
		expect(slots.limit.current).toBe(25);
		slots.beginAttempt().answered(429, { 'twilio-concurrent-requests': '10' });
		expect(slots.limit.current).toBe(9);
	});
});
