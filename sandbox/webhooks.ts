/**
 * Outgoing webhooks (status callbacks, inbound SMS), signed like Twilio signs them. Uses node:http
 * with no keep-alive agent, and tracks every request so close() can abort them: a slow receiver must
 * never keep the sandbox (or jest) alive.
 *
 * Signed with the twilio SDK's own functions, never with the nodes' signature code: the trigger's
 * verifier is what these webhooks test, so a shared bug must not be able to sign and accept alike.
 */
import { randomUUID } from 'node:crypto';
import http, { ClientRequest } from 'node:http';
import https from 'node:https';
import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { encodeForm, FormParams } from './form';
import type { HttpCallbackMethod } from './state';

export interface WebhookRequest {
	url: string;
	method: HttpCallbackMethod;
	params: FormParams;
	authToken: string;
	/** Twilio sends the same token on retried deliveries of one event, so receivers can drop repeats. */
	idempotencyToken?: string;
	/**
	 * 'json' sends the params as a JSON object, with `bodySHA256` in the URL and the signature over
	 * the URL alone, as Twilio does for its JSON webhooks. POST only.
	 */
	encoding?: 'form' | 'json';
	/** Sign with a wrong key, as a forger would: receivers must answer 403. */
	tamperSignature?: boolean;
	/**
	 * A JSON body prepared by the caller (Event Streams' CloudEvents array), sent and signed like
	 * `encoding: 'json'` (bodySHA256 in the URL, signature over the URL alone); `params` are unused. POST only.
	 */
	rawJson?: string;
}

/** JSON webhooks carry single values as strings and repeated ones as arrays. */
function jsonBody(params: FormParams): string {
	const out: Record<string, string | string[]> = {};
	for (const [k, v] of Object.entries(params)) out[k] = v.length === 1 ? v[0] : v;
	return JSON.stringify(out);
}

export interface WebhookResult {
	/** The URL actually requested and signed (for GET it carries the params). */
	url: string;
	signature: string;
	idempotencyToken: string;
	status: number | null;
	contentType: string | null;
	body: string;
	error: string | null;
	durationMs: number;
}

const MAX_RESPONSE_BYTES = 256 * 1024;

export class WebhookClient {
	private readonly active = new Set<ClientRequest>();
	private closed = false;

	/** 15 s is Twilio's own webhook timeout. */
	constructor(private readonly timeoutMs = 15_000) {}

	async deliver(req: WebhookRequest): Promise<WebhookResult> {
		const started = Date.now();
		const idempotencyToken = req.idempotencyToken ?? randomUUID();
		let target = req.url;
		let body: string | null = null;
		const json = (req.encoding === 'json' || req.rawJson !== undefined) && req.method === 'POST';
		// Twilio signs exactly what it requests: for GET the params move into the query string.
		if (req.method === 'GET') {
			const qs = encodeForm(req.params);
			if (qs) target += (target.includes('?') ? '&' : '?') + qs;
		} else if (json) {
			body = req.rawJson ?? jsonBody(req.params);
			target += `${target.includes('?') ? '&' : '?'}bodySHA256=${getExpectedBodyHash(body)}`;
		} else {
			body = encodeForm(req.params);
		}
		const key = req.tamperSignature ? `${req.authToken}-forged` : req.authToken;
		const signature = getExpectedTwilioSignature(key, target, req.method === 'GET' || json ? {} : req.params);
		const base = { url: target, signature, idempotencyToken };
		const fail = (error: string): WebhookResult => ({
			...base,
			status: null,
			contentType: null,
			body: '',
			error,
			durationMs: Date.now() - started,
		});
		if (this.closed) return fail('sandbox closed');
		let parsed: URL;
		try {
			parsed = new URL(target);
		} catch {
			return fail(`invalid URL: ${target}`);
		}
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fail(`unsupported protocol: ${parsed.protocol}`);

		const headers: Record<string, string> = {
			'X-Twilio-Signature': signature,
			'I-Twilio-Idempotency-Token': idempotencyToken,
			'User-Agent': 'TwilioProxy/1.1',
			Accept: '*/*',
		};
		if (body !== null) {
			headers['Content-Type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
			headers['Content-Length'] = String(Buffer.byteLength(body));
		}
		const transport = parsed.protocol === 'https:' ? https : http;

		return new Promise<WebhookResult>((resolve) => {
			let settled = false;
			const finish = (result: WebhookResult): void => {
				if (settled) return;
				settled = true;
				this.active.delete(request);
				resolve(result);
			};
			const request = transport.request(parsed, { method: req.method, headers, agent: false }, (res) => {
				const chunks: Buffer[] = [];
				let size = 0;
				res.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
				});
				res.on('end', () =>
					finish({
						...base,
						status: res.statusCode ?? null,
						contentType: res.headers['content-type'] ?? null,
						body: Buffer.concat(chunks).toString('utf8'),
						error: null,
						durationMs: Date.now() - started,
					}),
				);
				res.on('error', (err) => finish(fail(err.message)));
			});
			this.active.add(request);
			request.setTimeout(this.timeoutMs, () => request.destroy(new Error(`timed out after ${this.timeoutMs} ms`)));
			request.on('error', (err) => finish(fail(err.message)));
			request.end(body ?? undefined);
		});
	}

	close(): void {
		this.closed = true;
		for (const r of this.active) r.destroy(new Error('sandbox closed'));
		this.active.clear();
	}
}
