/**
 * One HTTP exchange under the retry policy. Vendors' clients (Twilio's transport adapter, the Resend
 * client) call this and nothing else, so timeouts, retries and "outcome unknown" behave the same everywhere.
 */
import { request, type Dispatcher } from 'undici';
import { beginAttempt, sleepBeforeRetry } from '../runner/slots';
import { proxyFailureOf, routeFor, type ProxyConnectError, type Route } from './dispatcher';
import { decideRetry, DEFAULT_RETRY, isNotSentCode, type AttemptOutcome, type RequestKind, type RetrySettings } from './retryPolicy';

export interface HttpRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: string;
	/** What the request meant, for error messages: never includes credentials. */
	describe?: Record<string, unknown>;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
	/** The exact bytes of a 2xx answer, when the request asked for `binary` (media downloads). */
	bytes?: Buffer;
	attempts: number;
}

export interface SendOptions {
	kind: RequestKind;
	timeoutMs: number;
	retry?: RetrySettings;
	onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
	/**
	 * A response the vendor marks as final although its status is one the policy retries, e.g.
	 * Resend's quota 429s: waiting seconds cannot help when the daily quota is spent.
	 */
	isFinal?: (response: HttpResponse) => boolean;
	/** Keep a 2xx answer's body as bytes (audio, images): decoding it as text would corrupt it. Errors stay text. */
	binary?: boolean;
}

export type LookUpResult =
	| { result: 'not found'; tries: number; waitedMs: number }
	| { result: 'ambiguous'; candidates: string[] }
	| { result: 'failed'; reason: string };

/**
 * The request may or may not have been carried out by the vendor. Re-sending could duplicate it,
 * so the caller must look the outcome up (Message Status) instead of retrying.
 */
export class OutcomeUnknownError extends Error {
	readonly request: { method: string; url: string } & Record<string, unknown>;
	readonly status?: number;
	readonly responseBody?: string;
	readonly attempts: number;
	/** What looking the request up at the vendor found, when the node did (see twilio/once.ts). */
	lookUp?: LookUpResult;

	constructor(args: { reason: string; request: HttpRequest; status?: number; responseBody?: string; attempts: number; cause?: unknown }) {
		super(`Outcome unknown: ${args.reason}. The request may have been carried out; check its status before sending again.`, {
			cause: args.cause,
		});
		this.name = 'OutcomeUnknownError';
		this.request = { method: args.request.method, url: args.request.url, ...(args.request.describe ?? {}) };
		this.status = args.status;
		this.responseBody = args.responseBody;
		this.attempts = args.attempts;
	}
}

/** A network failure on a request that was safe to retry, after the retries ran out. */
export class NetworkError extends Error {
	readonly code: string | undefined;
	readonly attempts: number;

	constructor(message: string, code: string | undefined, attempts: number, cause: unknown) {
		super(message, { cause });
		this.name = 'NetworkError';
		this.code = code;
		this.attempts = attempts;
	}
}

/**
 * The proxy from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY could not carry the request: it was never sent to
 * the vendor, and the message says which proxy (host:port only) so the user knows where to look.
 */
export class ProxyError extends NetworkError {
	constructor(failure: ProxyConnectError, route: Route, url: string, attempts: number) {
		const host = new URL(url).host;
		const from = route.proxy ? ` (from ${route.proxy.variable})` : '';
		super(
			`Could not connect to ${host} through the proxy ${failure.proxy}${from}: ${failure.reason}. The request did not reach ${host}, so nothing was sent (${attempts} attempt(s))`,
			failure.code,
			attempts,
			failure,
		);
		this.name = 'ProxyError';
	}
}

/** What to check when a request never got an answer, for an error's description. */
export function networkHint(code: string | undefined): string {
	return code === 'EPROXY'
		? "Check the proxy in n8n's HTTPS_PROXY/HTTP_PROXY/ALL_PROXY settings (it must allow this host), or add the host to NO_PROXY."
		: 'Check the network, and the API Base URL if the credential sets one.';
}

/** A credential test should answer within seconds, so it tries twice at most. */
export const CREDENTIAL_TEST_SEND = { timeoutMs: 15_000, retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 } };

function errorCode(error: unknown): string | undefined {
	if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'ETIMEDOUT';
	let e: unknown = error;
	// undici's socket errors carry the code, or wrap the error that does (a proxy's, sometimes twice).
	for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		e = (e as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Header values as fetch would give them: one string per name, repeated headers joined. */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

/**
 * A timeout that ends with the request. `AbortSignal.timeout()` cannot be cancelled: its timer, the
 * signal's listeners and the item's async context stay alive for the whole timeout, about 7,000 of
 * each at full speed in a heap snapshot of n8n sending 10,000 SMS.
 */
function timeoutSignal(ms: number): { signal: AbortSignal; clear(): void } {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(new DOMException(`The request took longer than ${ms} ms`, 'TimeoutError')), ms);
	return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

export async function send(req: HttpRequest, opts: SendOptions): Promise<HttpResponse> {
	const settings = opts.retry ?? DEFAULT_RETRY;
	let rateLimited = 0;
	for (let attempt = 1; ; attempt++) {
		let outcome: AttemptOutcome;
		let response: HttpResponse | undefined;
		let failure: unknown;
		let route: Route | undefined;
		let proxyFailure: ProxyConnectError | undefined;
		const timeout = timeoutSignal(opts.timeoutMs);
		const attemptSlot = beginAttempt();
		try {
			route = routeFor(req.url);
			if (route.broken) throw route.broken;
			// undici's request(), not its fetch(): fetch wraps every answer in WHATWG streams, Request and
			// Response objects, about 45 KB of garbage per request when n8n sends 10,000 SMS (V8's sampling
			// heap profiler, `npm run bench`), and it does nothing here that request() lacks: redirects
			// are not followed either way, and the vendors answer uncompressed JSON.
			const res = await request(req.url, {
				method: req.method as Dispatcher.HttpMethod,
				headers: req.headers,
				body: req.body,
				signal: timeout.signal,
				dispatcher: route.dispatcher,
			});
			const status = res.statusCode;
			const ok = status >= 200 && status < 300;
			const bytes = opts.binary && ok ? Buffer.from(await res.body.arrayBuffer()) : undefined;
			const body = bytes ? '' : await res.body.text();
			response = { status, headers: flatHeaders(res.headers), body, ...(bytes ? { bytes } : {}), attempts: attempt };
			outcome = { type: 'response', status, headers: response.headers };
			attemptSlot.answered(status, response.headers);
		} catch (error) {
			attemptSlot.failed();
			failure = error;
			proxyFailure = route?.proxy ? proxyFailureOf(error, route.proxy.url) : undefined;
			const code = proxyFailure?.code ?? errorCode(error);
			outcome = { type: 'network', code, notSent: isNotSentCode(code), final: proxyFailure?.final };
		} finally {
			timeout.clear();
		}

		if (response && opts.isFinal?.(response)) return response;
		const decision = decideRetry(opts.kind, outcome, attempt, settings, Math.random, rateLimited);
		if (outcome.type === 'response' && outcome.status === 429) rateLimited++;
		if (decision.retry) {
			opts.onRetry?.({ attempt, delayMs: decision.delayMs, reason: decision.reason });
			// Inside runItems the item gives its concurrency slot back while it waits.
			await sleepBeforeRetry(decision.delayMs);
			continue;
		}
		if (decision.outcomeUnknown) {
			throw new OutcomeUnknownError({
				reason: decision.reason,
				request: req,
				status: response?.status,
				responseBody: response?.body,
				attempts: attempt,
				cause: failure,
			});
		}
		if (response) return response;
		if (proxyFailure && route) throw new ProxyError(proxyFailure, route, req.url, attempt);
		const code = outcome.type === 'network' ? outcome.code : undefined;
		throw new NetworkError(`Could not reach ${new URL(req.url).origin} (${code ?? 'network error'}) after ${attempt} attempt(s)`, code, attempt, failure);
	}
}
