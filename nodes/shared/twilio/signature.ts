/**
 * Twilio request signatures (X-Twilio-Signature).
 *
 * Twilio signs a webhook with base64(HMAC-SHA1(authToken, url + sorted form params as key+value)).
 * For JSON bodies the URL carries `bodySHA256` (hex SHA-256 of the raw body) and only the URL is
 * signed. `sign()` is exported so the sandbox and tests produce signatures the same way Twilio does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type FormParams = Record<string, string | string[] | undefined>;

/** The exact string Twilio feeds to HMAC: the URL, then every param sorted by key, key then value. */
export function signingPayload(url: string, params: FormParams = {}): string {
	let payload = url;
	for (const key of Object.keys(params).sort()) {
		const value = params[key];
		if (value === undefined) continue;
		// Repeated keys contribute each distinct value under the same key, sorted, as the SDK's
		// validator computes it; the order the values arrive in does not matter.
		for (const v of Array.isArray(value) ? [...new Set(value)].sort() : [value]) payload += key + v;
	}
	return payload;
}

export function sign(authToken: string, url: string, params: FormParams = {}): string {
	return createHmac('sha1', authToken).update(Buffer.from(signingPayload(url, params), 'utf8')).digest('base64');
}

export function bodySha256(rawBody: string | Buffer): string {
	return createHash('sha256').update(rawBody).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
	const ab = Buffer.from(a);
	const bb = Buffer.from(b);
	return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Twilio signs the URL exactly as it requested it, but proxies may add or strip a default port.
 * Accept both spellings, as the official helpers do. Worked on the raw string, because `new URL()`
 * silently drops a default port and would hide which spelling arrived.
 */
function urlVariants(url: string): string[] {
	const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
	if (!m) return [url];
	const [, scheme, authority, rest] = m;
	const defaultPort = scheme.toLowerCase() === 'https://' ? '443' : scheme.toLowerCase() === 'http://' ? '80' : undefined;
	if (!defaultPort) return [url];
	const port = /:(\d+)$/.exec(authority);
	// Like the SDK's validator, any port may have been added by a proxy in front of n8n.
	if (port) return [url, scheme + authority.slice(0, -port[0].length) + rest];
	return [url, `${scheme}${authority}:${defaultPort}${rest}`];
}

export type SignatureCheck =
	| { valid: true }
	| { valid: false; reason: 'missing-signature' | 'mismatch' | 'body-hash-mismatch' | 'no-auth-token' };

/**
 * Checks a form-encoded webhook (`params` = the parsed POST body) or, when the URL carries
 * `bodySHA256`, a JSON webhook (`rawBody` must then be the exact bytes received).
 */
export function verifySignature(args: {
	authToken: string;
	signature: string | undefined;
	url: string;
	params?: FormParams;
	rawBody?: string | Buffer;
}): SignatureCheck {
	const { authToken, signature, url } = args;
	if (!authToken) return { valid: false, reason: 'no-auth-token' };
	if (!signature) return { valid: false, reason: 'missing-signature' };
	let bodyHash: string | null = null;
	try {
		bodyHash = new URL(url).searchParams.get('bodySHA256');
	} catch {
		bodyHash = null;
	}
	if (bodyHash !== null) {
		if (args.rawBody === undefined || !safeEqual(bodySha256(args.rawBody), bodyHash)) {
			return { valid: false, reason: 'body-hash-mismatch' };
		}
		const ok = urlVariants(url).some((u) => safeEqual(sign(authToken, u), signature));
		return ok ? { valid: true } : { valid: false, reason: 'mismatch' };
	}
	const ok = urlVariants(url).some((u) => safeEqual(sign(authToken, u, args.params ?? {}), signature));
	return ok ? { valid: true } : { valid: false, reason: 'mismatch' };
}
