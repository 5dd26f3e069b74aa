/**
 * The one retry policy for every vendor call.
 *
 * The question is always "could the vendor have acted on this request?". A create that may have gone
 * out must never be sent twice, so Twilio creates retry only when Twilio certainly did not act:
 * 429/20429 (rejected by the rate limiter) or a connection refused before any byte was sent. Reads,
 * updates to a known resource and requests carrying an idempotency key are safe to repeat.
 */

export type RequestKind =
	/** Creates something with side effects (SMS, call, verification) and has no idempotency key. */
	| 'create'
	/** Reading, or writing the same state again (fetch, list, update of a known SID, delete). */
	| 'read'
	/** A create that carries an idempotency key the server honours (Resend). */
	| 'idempotent';

export interface RetrySettings {
	/** Attempts in all, the first included, when failures are errors. */
	maxAttempts: number;
	/**
	 * Attempts in all when the server keeps answering 429. A 429 means nothing was done, so retrying
	 * is always safe; under a sustained 30% rejection rate, 6 attempts would still lose about one
	 * item in 1,400, 15 attempts one in 70 million.
	 */
	maxRateLimitAttempts?: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Upper bound for a server-requested Retry-After; longer waits give up instead of hanging. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
	maxAttempts: 6,
	maxRateLimitAttempts: 15,
	baseDelayMs: 250,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 60_000,
};

export type ResponseHeaders = Headers | Record<string, string | string[] | undefined>;

export type AttemptOutcome =
	| { type: 'response'; status: number; headers: ResponseHeaders }
	| {
			type: 'network';
			code: string | undefined;
			/** true when the request certainly never reached the server */
			notSent: boolean;
			/** Retrying cannot help, e.g. a proxy that refuses this host by policy. */
			final?: boolean;
	  };

export type RetryDecision =
	| { retry: true; delayMs: number; reason: string }
	| { retry: false; outcomeUnknown: boolean; reason: string };

/**
 * Network error codes that mean the request never left this machine (or never reached a server).
 * EPROXY: the connection through HTTPS_PROXY/HTTP_PROXY could not be set up (see http/dispatcher.ts).
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EPROXY']);

export function isNotSentCode(code: string | undefined): boolean {
	return code !== undefined && NOT_SENT_CODES.has(code);
}

function header(headers: ResponseHeaders, name: string): string | undefined {
	if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
	const record = headers as Record<string, string | string[] | undefined>;
	const found = Object.keys(record).find((k) => k.toLowerCase() === name);
	const value = found === undefined ? undefined : record[found];
	return Array.isArray(value) ? value[0] : value;
}

/** Retry-After (seconds or HTTP date), else Resend's ratelimit-reset (seconds), in ms. */
export function serverDelayMs(headers: ResponseHeaders, now = Date.now()): number | undefined {
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter !== undefined && retryAfter !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	const reset = header(headers, 'ratelimit-reset');
	if (reset !== undefined && reset !== '' && Number.isFinite(Number(reset))) return Math.max(0, Number(reset) * 1000);
	return undefined;
}

/** Full jitter: spreads retries of many parallel items so they don't return as one burst. */
export function backoffMs(attempt: number, s: RetrySettings, random = Math.random): number {
	const ceiling = Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * @param attempt the attempt that just finished, starting at 1
 */
export function decideRetry(
	kind: RequestKind,
	outcome: AttemptOutcome,
	attempt: number,
	settings: RetrySettings = DEFAULT_RETRY,
	random: () => number = Math.random,
	/**
	 * How many earlier attempts were answered 429. They have their own budget
	 * (maxRateLimitAttempts), so a run of 429s does not use up the attempts a 5xx or a dropped
	 * connection may still need.
	 */
	rateLimitedBefore = 0,
): RetryDecision {
	const last = attempt - rateLimitedBefore >= settings.maxAttempts;
	if (outcome.type === 'response') {
		const { status } = outcome;
		if (status < 400) return { retry: false, outcomeUnknown: false, reason: 'success' };
		if (status === 429) {
			if (attempt >= (settings.maxRateLimitAttempts ?? settings.maxAttempts)) return { retry: false, outcomeUnknown: false, reason: 'rate limited, attempts exhausted' };
			const asked = serverDelayMs(outcome.headers);
			if (asked !== undefined && asked > settings.maxRetryAfterMs) {
				return { retry: false, outcomeUnknown: false, reason: `rate limited; server asked to wait ${Math.round(asked / 1000)} s` };
			}
			// A little jitter on top of Retry-After keeps a crowd of items from retrying in lockstep.
			const delayMs = asked !== undefined ? asked + Math.round(random() * 100) : backoffMs(attempt, settings, random);
			return { retry: true, delayMs, reason: 'rate limited (429)' };
		}
		if (status >= 500) {
			if (kind === 'create') return { retry: false, outcomeUnknown: true, reason: `server error ${status} on a create` };
			if (last) return { retry: false, outcomeUnknown: false, reason: `server error ${status}, attempts exhausted` };
			return { retry: true, delayMs: serverDelayMs(outcome.headers) ?? backoffMs(attempt, settings, random), reason: `server error ${status}` };
		}
		return { retry: false, outcomeUnknown: false, reason: `client error ${status}` };
	}
	if (outcome.final && outcome.notSent) return { retry: false, outcomeUnknown: false, reason: `network error ${outcome.code ?? ''}, not retryable`.trim() };
	const safe = outcome.notSent || kind !== 'create';
	if (!safe) return { retry: false, outcomeUnknown: true, reason: `network error ${outcome.code ?? ''} on a create`.trim() };
	if (last) return { retry: false, outcomeUnknown: false, reason: `network error ${outcome.code ?? ''}, attempts exhausted` };
	return { retry: true, delayMs: backoffMs(attempt, settings, random), reason: `network error ${outcome.code ?? ''}`.trim() };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
