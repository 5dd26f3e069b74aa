/**
 * Twilio request signatures (X-Twilio-Signature), computed and checked by the twilio SDK's own
 * webhook functions: they are Twilio's reference for the rule (URL, then the POST params sorted by
 * key; for JSON bodies a `bodySHA256` query parameter and the URL alone), for the default-port and
 * URL-encoding spellings proxies produce, and they compare in constant time. What stays here is the
 * shape the trigger needs: a reason for each rejection, and never an exception.
 */
import {
	getExpectedBodyHash,
	getExpectedTwilioSignature,
	validateBody,
	validateRequest,
} from 'twilio/lib/webhooks/webhooks';

export type FormParams = Record<string, string | string[] | undefined>;

/** The SDK would sign an absent value as the text "undefined"; an absent param is simply not sent. */
function present(params: FormParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [key, value] of Object.entries(params)) if (value !== undefined) out[key] = value;
	return out;
}

/** Twilio hashes the bytes it sent, which are UTF-8; decoding them as UTF-8 gives back the same text. */
function bodyText(rawBody: string | Buffer): string {
	return typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
}

/** The signature Twilio would send for this request; for tests and anything that must sign like Twilio. */
export function sign(authToken: string, url: string, params: FormParams = {}): string {
	return getExpectedTwilioSignature(authToken, url, present(params));
}

export function bodySha256(rawBody: string | Buffer): string {
	return getExpectedBodyHash(bodyText(rawBody));
}

export type SignatureCheck =
	| { valid: true }
	| { valid: false; reason: 'missing-signature' | 'mismatch' | 'body-hash-mismatch' | 'no-auth-token' };

function bodyHashOf(url: string): string | null {
	try {
		return new URL(url).searchParams.get('bodySHA256');
	} catch {
		return null;
	}
}

/** validateRequest falls back to `new URL(url)`, which throws on a URL no one could have signed. */
function signatureMatches(authToken: string, signature: string, url: string, params: Record<string, string | string[]>): boolean {
	try {
		return validateRequest(authToken, signature, url, params);
	} catch {
		return false;
	}
}

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
	const bodyHash = bodyHashOf(url);
	if (bodyHash !== null) {
		// The SDK's validateRequestWithBody answers one boolean; the trigger reports which half failed.
		if (args.rawBody === undefined || !validateBody(bodyText(args.rawBody), bodyHash)) {
			return { valid: false, reason: 'body-hash-mismatch' };
		}
		return signatureMatches(authToken, signature, url, {}) ? { valid: true } : { valid: false, reason: 'mismatch' };
	}
	return signatureMatches(authToken, signature, url, present(args.params ?? {})) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
