/**
 * Is this request from Twilio? Every check that decides 403 lives here, as a pure function of the
 * request, so it is tested without n8n. The signature itself is ./signature.ts. Used by everything
 * Twilio calls back: the Twilio Comms Trigger, and Voice Message waiting for an acknowledgement.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import { readTwilioCredentials, TWILIO_CREDENTIAL, type TwilioCredentials } from './client';
import { verifySignature, type FormParams } from './signature';

/** A Twilio webhook's parameters: form fields (repeated keys as arrays) or a JSON body's fields as text. */
export type TwilioParams = Record<string, string | string[] | undefined>;

/** Twilio's webhooks are a few kilobytes; anything much larger is not from Twilio. */
export const MAX_BODY_BYTES = 64 * 1024;

export type Rejection = 'method' | 'too-large' | 'not-form-or-json' | 'missing-signature' | 'mismatch' | 'body-hash-mismatch' | 'no-auth-token';

export type Verdict = { ok: true; params: TwilioParams } | { ok: false; reason: Rejection };

export interface IncomingRequest {
	method: string;
	/** The Content-Type header, lower case, without parameters. */
	contentType: string;
	/** The exact bytes received (n8n keeps them as req.rawBody). */
	rawBody: Buffer | undefined;
	/** What n8n parsed from the body. */
	body: unknown;
	signature: string | undefined;
	/** The URL Twilio requested, query string included (see expectedUrl). */
	url: string;
}

/**
 * The URL Twilio signed: n8n's URL for the endpoint that was hit (or the Public URL override, for
 * n8n behind a proxy or tunnel), plus the query string exactly as it arrived. Never built from the
 * Host header, which the sender controls.
 */
export function expectedUrl(servedUrl: string, originalUrl: string, publicUrl?: string): string {
	let base = servedUrl.split('?')[0];
	if (publicUrl) {
		const override = new URL(publicUrl);
		if (override.pathname === '/' || override.pathname === '') {
			const served = new URL(base);
			base = `${override.origin}${served.pathname}`;
		} else {
			base = publicUrl.split('?')[0];
		}
	}
	const q = originalUrl.indexOf('?');
	return q >= 0 ? base + originalUrl.slice(q) : base;
}

function asParams(body: unknown): TwilioParams | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const out: TwilioParams = {};
	for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
		if (typeof v === 'string') out[k] = v;
		else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
		else if (v !== undefined && v !== null) out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
	}
	return out;
}

export function verifyRequest(req: IncomingRequest, authToken: string | undefined, maxBytes = MAX_BODY_BYTES): Verdict {
	if (req.method !== 'POST') return { ok: false, reason: 'method' };
	if ((req.rawBody?.length ?? 0) > maxBytes) return { ok: false, reason: 'too-large' };
	if (!authToken) return { ok: false, reason: 'no-auth-token' };
	const params = asParams(req.body) ?? (req.rawBody === undefined || req.rawBody.length === 0 ? {} : undefined);
	if (params === undefined) return { ok: false, reason: 'not-form-or-json' };
	const json = req.contentType === 'application/json';
	if (json && !/[?&]bodySHA256=/.test(req.url)) return { ok: false, reason: 'mismatch' };
	if (!json && req.contentType !== 'application/x-www-form-urlencoded' && req.rawBody?.length) return { ok: false, reason: 'not-form-or-json' };
	const check = verifySignature({
		authToken,
		signature: req.signature,
		url: req.url,
		// A JSON body is covered by bodySHA256 in the URL, never by the form rule.
		params: json ? undefined : (params as FormParams),
		rawBody: json ? (req.rawBody ?? Buffer.alloc(0)) : undefined,
	});
	if (!check.valid) return { ok: false, reason: check.reason };
	return { ok: true, params };
}

export const REJECTION_TEXT: Record<Rejection, string> = {
	method: 'only POST requests are accepted',
	'too-large': 'the body is too large for a Twilio webhook',
	'not-form-or-json': 'the body is neither form-encoded nor JSON',
	'missing-signature': 'no X-Twilio-Signature header',
	mismatch: 'X-Twilio-Signature does not match this URL and body',
	'body-hash-mismatch': 'bodySHA256 does not match the body',
	'no-auth-token': 'the credential has no Auth Token to check signatures with',
};

/** Twilio signs with the Auth Token, never with an API key: API-key credentials carry it separately. */
export function signingToken(c: TwilioCredentials): string | undefined {
	return c.authType === 'apiKey' ? c.webhookAuthToken : c.authToken;
}

export async function authTokenOf(ctx: IWebhookFunctions): Promise<string | undefined> {
	try {
		return signingToken(readTwilioCredentials(await ctx.getCredentials(TWILIO_CREDENTIAL)));
	} catch {
		return undefined;
	}
}

export interface RequestLike {
	method: string;
	originalUrl?: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody?: Buffer;
	body: unknown;
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const v = headers[name];
	return Array.isArray(v) ? v[0] : v;
}

/** Checks the request n8n is handling against the URL n8n serves it on (or the Public URL override). */
export async function verifyWebhookCall(ctx: IWebhookFunctions, servedUrl: string, publicUrl?: string): Promise<Verdict> {
	const req = ctx.getRequestObject() as unknown as RequestLike;
	return verifyRequest(
		{
			method: req.method,
			contentType: (header(req.headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase(),
			rawBody: req.rawBody,
			body: req.body,
			signature: header(req.headers, 'x-twilio-signature'),
			url: expectedUrl(servedUrl, req.originalUrl ?? req.url, publicUrl),
		},
		await authTokenOf(ctx),
	);
}

/**
 * The URL Twilio requested when it calls an execution's resume URL (Call and Wait, Send and Wait):
 * n8n's public webhook origin plus the path and query as they arrived.
 */
export function resumeRequestUrl(ctx: IWebhookFunctions): string {
	const req = ctx.getRequestObject() as unknown as RequestLike;
	return new URL(req.originalUrl ?? req.url, new URL(ctx.getNodeWebhookUrl('default') ?? 'http://localhost/').origin).toString();
}
