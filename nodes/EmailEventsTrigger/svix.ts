/**
 * Svix (Standard Webhooks) signatures, the scheme Resend signs its webhooks with.
 *
 *   signed content = `${svix-id}.${svix-timestamp}.${raw body}`
 *   signature      = base64(HMAC-SHA256(key, signed content)), key = base64-decoded secret after "whsec_"
 *   svix-signature = space-separated "v1,<signature>" entries (several while a secret is rotated)
 *
 * A request is genuine when its timestamp is within five minutes of now, either way, and one of its
 * v1 entries equals the signature computed here. The body must be the bytes that arrived: a body
 * parsed and serialised again is a different text, and its signature would not match.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOLERANCE_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SvixHeaders {
	id?: string;
	timestamp?: string;
	signature?: string;
}

export type RejectReason = 'missing-headers' | 'bad-secret' | 'bad-timestamp' | 'too-old' | 'too-new' | 'no-v1-signature' | 'bad-signature';

export type Verdict = { ok: true; id: string; timestamp: number } | { ok: false; reason: RejectReason };

/** What each rejection means, for logs and the 401 body: nothing in it echoes the request. */
export const REJECTION_TEXT: Record<RejectReason, string> = {
	'missing-headers': 'the svix-id, svix-timestamp or svix-signature header is missing',
	'bad-secret': 'the signing secret is not a Resend (whsec_…) secret',
	'bad-timestamp': 'svix-timestamp is not a whole number of seconds',
	'too-old': 'svix-timestamp is more than 5 minutes old',
	'too-new': 'svix-timestamp is more than 5 minutes in the future',
	'no-v1-signature': 'svix-signature has no v1 signature',
	'bad-signature': 'no v1 signature matches the body',
};

/** The HMAC key; undefined when the secret is not base64 (with or without the whsec_ prefix). */
export function secretKey(secret: string): Buffer | undefined {
	const trimmed = secret.trim();
	const encoded = trimmed.startsWith(SECRET_PREFIX) ? trimmed.slice(SECRET_PREFIX.length) : trimmed;
	return BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
}

function signature(key: Buffer, id: string, timestamp: string, body: Buffer | string): string {
	return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** The svix-signature value a sender would put on this body: "v1,<base64>". For tests. */
export function sign(secret: string, id: string, timestamp: number, body: Buffer | string): string {
	const key = secretKey(secret);
	if (!key) throw new Error('The secret is not base64 (whsec_…)');
	return `v1,${signature(key, id, String(timestamp), body)}`;
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export function verify(args: { secret: string; headers: SvixHeaders; body: Buffer | string; nowMs?: number }): Verdict {
	const { id, timestamp, signature: header } = args.headers;
	if (!id || !timestamp || !header) return { ok: false, reason: 'missing-headers' };
	const key = secretKey(args.secret);
	if (!key || key.length === 0) return { ok: false, reason: 'bad-secret' };

	if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
	const sentAt = Number(timestamp);
	const now = Math.floor((args.nowMs ?? Date.now()) / 1000);
	if (now - sentAt > TOLERANCE_SECONDS) return { ok: false, reason: 'too-old' };
	if (sentAt - now > TOLERANCE_SECONDS) return { ok: false, reason: 'too-new' };

	// Other versions (v1a, v2…) are for schemes this verifier does not know: skipped, not failed.
	const candidates = header
		.split(' ')
		.map((entry) => entry.split(','))
		.filter((parts) => parts.length === 2 && parts[0] === 'v1')
		.map((parts) => parts[1]);
	if (candidates.length === 0) return { ok: false, reason: 'no-v1-signature' };
	const expected = signature(key, id, timestamp, args.body);
	// Every candidate is compared, so the time taken does not tell which one matched.
	let matched = false;
	for (const candidate of candidates) matched = sameText(candidate, expected) || matched;
	return matched ? { ok: true, id, timestamp: sentAt } : { ok: false, reason: 'bad-signature' };
}
