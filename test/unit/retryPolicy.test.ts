import { backoffMs, decideRetry, DEFAULT_RETRY, serverDelayMs, type AttemptOutcome } from '../../nodes/shared/http/retryPolicy';

const response = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({ type: 'response', status, headers });
const network = (code: string, notSent: boolean): AttemptOutcome => ({ type: 'network', code, notSent });
const fixedRandom = () => 0.5;

describe('decideRetry', () => {
	it('retries a 429 on a create after the Retry-After the server asked for', () => {
		const d = decideRetry('create', response(429, { 'Retry-After': '2' }), 1, DEFAULT_RETRY, () => 0);
		expect(d).toEqual({ retry: true, delayMs: 2000, reason: 'rate limited (429)' });
	});

	it('backs off exponentially on a 429 without Retry-After', () => {
		const first = decideRetry('create', response(429), 1, DEFAULT_RETRY, fixedRandom);
		const third = decideRetry('create', response(429), 3, DEFAULT_RETRY, fixedRandom);
		// base 250 ms: ceilings 250 and 1000, half fixed plus half jittered (random 0.5)
		expect(first).toMatchObject({ retry: true, delayMs: 188 });
		expect(third).toMatchObject({ retry: true, delayMs: 750 });
	});

	it('never retries a 5xx on a create: the message may exist', () => {
		for (const status of [500, 502, 503, 504]) {
			expect(decideRetry('create', response(status), 1)).toMatchObject({ retry: false, outcomeUnknown: true });
		}
	});

	it('retries a 5xx on reads and idempotent sends', () => {
		expect(decideRetry('read', response(503), 1).retry).toBe(true);
		expect(decideRetry('idempotent', response(500), 1).retry).toBe(true);
	});

	it('retries a refused connection on a create, but not a reset or timeout', () => {
		expect(decideRetry('create', network('ECONNREFUSED', true), 1).retry).toBe(true);
		expect(decideRetry('create', network('ECONNRESET', false), 1)).toMatchObject({ retry: false, outcomeUnknown: true });
		expect(decideRetry('create', network('ETIMEDOUT', false), 1)).toMatchObject({ retry: false, outcomeUnknown: true });
		expect(decideRetry('read', network('ECONNRESET', false), 1).retry).toBe(true);
	});

	it('does not retry client errors and stops at maxAttempts', () => {
		expect(decideRetry('read', response(400), 1)).toMatchObject({ retry: false, outcomeUnknown: false });
		expect(decideRetry('read', response(401), 1)).toMatchObject({ retry: false, outcomeUnknown: false });
		expect(decideRetry('read', response(503), DEFAULT_RETRY.maxAttempts)).toMatchObject({ retry: false, outcomeUnknown: false });
	});

	it('gives rate limits their own, larger attempt budget', () => {
		expect(decideRetry('create', response(429), DEFAULT_RETRY.maxAttempts).retry).toBe(true);
		expect(decideRetry('create', response(429), DEFAULT_RETRY.maxRateLimitAttempts!)).toMatchObject({ retry: false, outcomeUnknown: false });
	});

	it('429s do not use up the attempts a 5xx or a dropped connection on a read still has', () => {
		const max = DEFAULT_RETRY.maxAttempts;
		// Attempt max + 1, after four 429s: the fifth and sixth error attempts are still to come.
		expect(decideRetry('read', response(503), max + 1, DEFAULT_RETRY, fixedRandom, 4).retry).toBe(true);
		expect(decideRetry('read', network('ECONNRESET', false), max + 1, DEFAULT_RETRY, fixedRandom, 4).retry).toBe(true);
		// Without 429s before it, the same attempt number is past the budget.
		expect(decideRetry('read', response(503), max + 1, DEFAULT_RETRY, fixedRandom, 0)).toMatchObject({ retry: false, outcomeUnknown: false });
		expect(decideRetry('read', response(503), max + 4, DEFAULT_RETRY, fixedRandom, 4)).toMatchObject({ retry: false, outcomeUnknown: false });
	});

	it('gives up instead of waiting longer than maxRetryAfterMs', () => {
		const d = decideRetry('create', response(429, { 'retry-after': '3600' }), 1);
		expect(d).toMatchObject({ retry: false, outcomeUnknown: false });
	});
});

describe('serverDelayMs', () => {
	it('reads seconds, an HTTP date, and Resend ratelimit-reset', () => {
		expect(serverDelayMs({ 'retry-after': '1.5' })).toBe(1500);
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(serverDelayMs({ 'Retry-After': 'Sat, 21 Nov 2026 10:00:03 GMT' }, now)).toBe(3000);
		expect(serverDelayMs({ 'ratelimit-reset': '2' })).toBe(2000);
		expect(serverDelayMs(new Headers({ 'retry-after': '4' }))).toBe(4000);
		expect(serverDelayMs({})).toBeUndefined();
	});
});

describe('backoffMs', () => {
	it('stays within [ceiling/2, ceiling] and is capped by maxDelayMs', () => {
		for (let attempt = 1; attempt < 12; attempt++) {
			const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
			expect(backoffMs(attempt, DEFAULT_RETRY, () => 0)).toBe(Math.round(ceiling / 2));
			expect(backoffMs(attempt, DEFAULT_RETRY, () => 1)).toBe(ceiling);
		}
	});
});
