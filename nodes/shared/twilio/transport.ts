/**
 * The twilio SDK's `httpClient`, routed through our one retry policy.
 *
 * The SDK's own RequestClient retries 429s with its own backoff and ignores Retry-After, and would
 * retry nothing else; we replace it so that every Twilio call goes through `send()`.
 */
import Response from 'twilio/lib/http/response';
import { send, type SendOptions } from '../http/send';
import type { RequestKind, RetrySettings } from '../http/retryPolicy';

type FormValue = string | number | boolean | Date | Array<string | number | boolean> | undefined | null;

export interface TwilioRequestOptions {
	method: string;
	uri: string;
	username?: string;
	password?: string;
	headers?: Record<string, string>;
	params?: Record<string, FormValue>;
	data?: Record<string, FormValue>;
	timeout?: number;
	allowRedirects?: boolean;
}

export interface TransportSettings {
	timeoutMs: number;
	retry?: RetrySettings;
	onRetry?: SendOptions['onRetry'];
}

/** Twilio wants arrays as repeated keys (MediaUrl=a&MediaUrl=b), like the SDK's qs `arrayFormat: repeat`. */
export function formEncode(data: Record<string, FormValue> | undefined): string {
	const out = new URLSearchParams();
	for (const [key, value] of Object.entries(data ?? {})) {
		if (value === undefined || value === null) continue;
		for (const v of Array.isArray(value) ? value : [value]) out.append(key, v instanceof Date ? v.toISOString() : String(v));
	}
	return out.toString();
}

/**
 * Twilio answers these with HTTP 429 although they are limits on one verification, not rate limits:
 * waiting seconds and retrying cannot help, so the transport must not retry them.
 */
const FINAL_429_CODES = new Set([60202, 60203]);

export function isFinalTwilioResponse(response: { status: number; body: string }): boolean {
	if (response.status !== 429) return false;
	try {
		const code = (JSON.parse(response.body) as { code?: unknown }).code;
		return typeof code === 'number' && FINAL_429_CODES.has(code);
	} catch {
		return false;
	}
}

const SID_SEGMENT = /^[A-Z]{2}[0-9a-f]{32}(\.json)?$/;

/**
 * POST to a collection creates something that may cost money or reach a phone; POST to a SID
 * updates a known resource and is safe to repeat. VerificationCheck consumes an attempt, so it
 * counts as a create even though its path has no collection name of the usual kind.
 */
export function classify(method: string, uri: string): RequestKind {
	const m = method.toUpperCase();
	if (m === 'GET' || m === 'DELETE' || m === 'HEAD') return 'read';
	const last = new URL(uri).pathname.split('/').filter(Boolean).pop() ?? '';
	return SID_SEGMENT.test(last) ? 'read' : 'create';
}

export class TwilioTransport {
	constructor(private readonly settings: TransportSettings) {}

	/**
	 * A request that accepts something other than JSON or text (e.g. `Accept: audio/mpeg` for a
	 * recording's media, through the SDK's `client.request`) gets a 2xx body as a Buffer, byte for
	 * byte; error answers stay text, so the SDK's RestException still reads Twilio's error JSON.
	 */
	async request(opts: TwilioRequestOptions): Promise<Response<string | Buffer>> {
		let url = new URL(opts.uri);
		const query = formEncode(opts.params);
		if (query) url.search = url.search ? `${url.search}&${query}` : query;
		const method = opts.method.toUpperCase();
		const headers: Record<string, string> = { ...(opts.headers ?? {}) };
		if (opts.username !== undefined) {
			headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
		}
		const body = method === 'GET' || method === 'DELETE' ? undefined : formEncode(opts.data);
		const binary = wantsBytes(headers);
		for (let redirects = 0; ; redirects++) {
			const res = await send(
				{
					method,
					url: url.toString(),
					headers,
					body,
					describe: opts.data ? { params: describeParams(opts.data) } : undefined,
				},
				{
					kind: classify(method, url.toString()),
					isFinal: isFinalTwilioResponse,
					timeoutMs: opts.timeout ?? this.settings.timeoutMs,
					retry: this.settings.retry,
					onRetry: this.settings.onRetry,
					binary,
				},
			);
			const location = res.headers.location;
			if (opts.allowRedirects && method === 'GET' && REDIRECTS.has(res.status) && location && redirects < MAX_REDIRECTS) {
				const next = new URL(location, url);
				// Media may be handed to a storage host: the credential never leaves Twilio's own origin.
				if (next.origin !== url.origin) delete headers.Authorization;
				url = next;
				continue;
			}
			return new Response(res.status, res.bytes ?? res.body, res.headers);
		}
	}
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

function wantsBytes(headers: Record<string, string>): boolean {
	const accept = Object.entries(headers).find(([k]) => k.toLowerCase() === 'accept')?.[1];
	return accept !== undefined && !/json|text|xml|\*\/\*/i.test(accept);
}

/** The request as the user would recognise it in an "outcome unknown" error. */
function describeParams(data: Record<string, FormValue>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(data)) if (v !== undefined && v !== null) out[k] = v instanceof Date ? v.toISOString() : v;
	return out;
}
