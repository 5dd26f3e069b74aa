import { createHmac } from 'node:crypto';
import {
	getExpectedBodyHash,
	getExpectedTwilioSignature,
	validateRequest,
	validateRequestWithBody,
} from 'twilio/lib/webhooks/webhooks';
import { bodySha256, sign, verifySignature, type FormParams } from '../../nodes/shared/twilio/signature';

// Twilio's published example (docs: "Validating signatures from Twilio").
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
	CallSid: 'CA1234567890ABCDE',
	Caller: '+12349013030',
	Digits: '1234',
	From: '+12349013030',
	To: '+18005551212',
};
const EXPECTED = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

/** mulberry32: a seeded generator, so a failing random case can be replayed. */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const KEYS = ['Body', 'From', 'To', 'MessageSid', 'MediaUrl0', 'NumMedia', 'a', 'A', 'a.b', 'Key With Space', 'Bödy', '名前', 'ключ', 'x_1', 'Z'];
const ALPHABET = [...'abcXYZ019 +&=%?#/\\"\'<>\n\tçéñßΩж名😀👍🏽€'];
const URLS = [
	'https://example.com/hook',
	'https://example.com/hook?b=2&a=1',
	'https://n8n.example.org/webhook/3f2a/twilio?x=%20y',
	'http://localhost:5678/webhook-test/abc',
	'https://example.com:8443/hook',
];

function randomString(next: () => number, max: number): string {
	const length = Math.floor(next() * max);
	let out = '';
	for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
	return out;
}

/** Random params; repeated keys get sorted, distinct values (the form both sides agree on, see below). */
function randomParams(next: () => number): Record<string, string | string[]> {
	const params: Record<string, string | string[]> = {};
	const count = Math.floor(next() * 8);
	for (let i = 0; i < count; i++) {
		const key = next() < 0.7 ? KEYS[Math.floor(next() * KEYS.length)] : randomString(next, 6) || 'k';
		if (next() < 0.25) {
			const values = [...new Set(Array.from({ length: 2 + Math.floor(next() * 3) }, () => randomString(next, 12)))];
			params[key] = values.sort();
		} else {
			params[key] = randomString(next, 30);
		}
	}
	return params;
}

describe('Twilio signature', () => {
	it("matches Twilio's published example", () => {
		expect(sign(TOKEN, URL_, PARAMS)).toBe(EXPECTED);
		expect(getExpectedTwilioSignature(TOKEN, URL_, PARAMS)).toBe(EXPECTED);
		expect(verifySignature({ authToken: TOKEN, signature: EXPECTED, url: URL_, params: PARAMS })).toEqual({ valid: true });
		expect(validateRequest(TOKEN, EXPECTED, URL_, PARAMS)).toBe(true);
	});

	// Written out by hand from Twilio's description, so the rule is checked apart from the SDK that computes it.
	it('builds the payload as URL then key+value sorted by key', () => {
		const hmac = (payload: string) => createHmac('sha1', TOKEN).update(payload, 'utf8').digest('base64');
		expect(sign(TOKEN, URL_, PARAMS)).toBe(
			hmac(`${URL_}CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212`),
		);
		expect(sign(TOKEN, 'https://x', { b: '2', a: ['1', '3'], c: undefined })).toBe(hmac('https://xa1a3b2'));
	});

	it('answers mismatch, never throws, for a URL nobody could have signed', () => {
		const signature = sign(TOKEN, 'not a url', PARAMS);
		expect(verifySignature({ authToken: TOKEN, signature: `${signature}x`, url: 'not a url', params: PARAMS })).toEqual({ valid: false, reason: 'mismatch' });
		expect(verifySignature({ authToken: TOKEN, signature, url: 'not a url', params: PARAMS })).toEqual({ valid: true });
	});

	it('agrees with the twilio SDK over many random parameter sets', () => {
		const next = rng(20261121);
		for (let i = 0; i < 500; i++) {
			const token = randomString(next, 40) || 'token';
			const url = URLS[Math.floor(next() * URLS.length)];
			const params = randomParams(next);
			const ours = sign(token, url, params);
			const context = JSON.stringify({ i, token, url, params });
			expect({ context, sig: ours }).toEqual({ context, sig: getExpectedTwilioSignature(token, url, params) });
			expect(validateRequest(token, ours, url, params)).toBe(true);
			expect(verifySignature({ authToken: token, signature: ours, url, params }).valid).toBe(true);
		}
	});

	describe('rejects tampered requests', () => {
		const signature = sign(TOKEN, URL_, PARAMS);
		const cases: Array<[string, { url?: string; params?: FormParams; token?: string; signature?: string }]> = [
			['a changed value', { params: { ...PARAMS, Digits: '1235' } }],
			['an added param', { params: { ...PARAMS, Extra: '' } }],
			['a removed param', { params: { ...PARAMS, Digits: undefined } }],
			['a renamed key', { params: { ...PARAMS, digits: PARAMS.Digits, Digits: undefined } }],
			['a changed query', { url: 'https://mycompany.com/myapp.php?foo=1&bar=3' }],
			['a changed path', { url: 'https://mycompany.com/other.php?foo=1&bar=2' }],
			['http instead of https', { url: 'http://mycompany.com/myapp.php?foo=1&bar=2' }],
			['another host', { url: 'https://evil.example/myapp.php?foo=1&bar=2' }],
			['a wrong auth token', { token: '12346' }],
			['a flipped signature character', { signature: `1${signature.slice(1)}` }],
			['a truncated signature', { signature: signature.slice(0, -2) }],
		];
		it.each(cases)('%s', (_name, change) => {
			const args = {
				authToken: change.token ?? TOKEN,
				signature: change.signature ?? signature,
				url: change.url ?? URL_,
				params: change.params ?? PARAMS,
			};
			expect(verifySignature(args)).toEqual({ valid: false, reason: 'mismatch' });
			const sdkParams = Object.fromEntries(Object.entries(args.params).filter(([, v]) => v !== undefined));
			expect(validateRequest(args.authToken, args.signature, args.url, sdkParams)).toBe(false);
		});

		it('a missing signature or auth token', () => {
			expect(verifySignature({ authToken: TOKEN, signature: undefined, url: URL_, params: PARAMS })).toEqual({
				valid: false,
				reason: 'missing-signature',
			});
			expect(verifySignature({ authToken: TOKEN, signature: '', url: URL_, params: PARAMS }).valid).toBe(false);
			expect(verifySignature({ authToken: '', signature, url: URL_, params: PARAMS })).toEqual({
				valid: false,
				reason: 'no-auth-token',
			});
		});
	});

	describe('JSON bodies with bodySHA256', () => {
		const body = JSON.stringify({ event: 'message.delivered', to: '+14155550123', text: 'Grüße 😀' });
		const url = `https://example.com/hook?bodySHA256=${bodySha256(body)}`;
		const signature = sign(TOKEN, url);

		it('hashes like the SDK and signs the URL alone', () => {
			expect(bodySha256(body)).toBe(getExpectedBodyHash(body));
			expect(bodySha256(Buffer.from(body))).toBe(getExpectedBodyHash(body));
			expect(signature).toBe(getExpectedTwilioSignature(TOKEN, url, {}));
			expect(verifySignature({ authToken: TOKEN, signature, url, rawBody: body })).toEqual({ valid: true });
			expect(verifySignature({ authToken: TOKEN, signature, url, rawBody: Buffer.from(body) })).toEqual({ valid: true });
			expect(validateRequestWithBody(TOKEN, signature, url, body)).toBe(true);
		});

		it('rejects a changed body, a missing body, a changed hash and a wrong signature', () => {
			const changed = body.replace('delivered', 'failed');
			expect(verifySignature({ authToken: TOKEN, signature, url, rawBody: changed })).toEqual({
				valid: false,
				reason: 'body-hash-mismatch',
			});
			expect(validateRequestWithBody(TOKEN, signature, url, changed)).toBe(false);
			expect(verifySignature({ authToken: TOKEN, signature, url })).toEqual({ valid: false, reason: 'body-hash-mismatch' });
			// An attacker who rewrites body and hash together still lacks the signature over the new URL.
			const forgedUrl = `https://example.com/hook?bodySHA256=${bodySha256(changed)}`;
			expect(verifySignature({ authToken: TOKEN, signature, url: forgedUrl, rawBody: changed })).toEqual({
				valid: false,
				reason: 'mismatch',
			});
			expect(validateRequestWithBody(TOKEN, signature, forgedUrl, changed)).toBe(false);
			expect(verifySignature({ authToken: 'other', signature, url, rawBody: body }).valid).toBe(false);
		});

		it('agrees with the SDK over random bodies', () => {
			const next = rng(7);
			for (let i = 0; i < 100; i++) {
				const raw = JSON.stringify({ n: i, text: randomString(next, 50) });
				const u = `${URLS[i % URLS.length]}${URLS[i % URLS.length].includes('?') ? '&' : '?'}bodySHA256=${getExpectedBodyHash(raw)}`;
				const sig = getExpectedTwilioSignature(TOKEN, u, {});
				expect(verifySignature({ authToken: TOKEN, signature: sig, url: u, rawBody: raw }).valid).toBe(true);
				expect(validateRequestWithBody(TOKEN, sign(TOKEN, u), u, raw)).toBe(true);
			}
		});
	});

	describe('default ports', () => {
		it.each([
			['https://mycompany.com/myapp.php?foo=1&bar=2', 'https://mycompany.com:443/myapp.php?foo=1&bar=2'],
			['http://mycompany.com/myapp.php?foo=1&bar=2', 'http://mycompany.com:80/myapp.php?foo=1&bar=2'],
		])('accepts a request received without the port that Twilio signed with it (%s)', (received, signedUrl) => {
			const signature = sign(TOKEN, signedUrl, PARAMS);
			expect(verifySignature({ authToken: TOKEN, signature, url: received, params: PARAMS }).valid).toBe(true);
			expect(validateRequest(TOKEN, signature, received, PARAMS)).toBe(true);
		});

		it('accepts a non-default port as received, and the URL with it removed', () => {
			const withPort = 'https://example.com:8443/hook?x=1';
			const signature = sign(TOKEN, withPort, PARAMS);
			expect(verifySignature({ authToken: TOKEN, signature, url: withPort, params: PARAMS }).valid).toBe(true);
			const signedWithout = sign(TOKEN, 'https://example.com/hook?x=1', PARAMS);
			expect(verifySignature({ authToken: TOKEN, signature: signedWithout, url: withPort, params: PARAMS }).valid).toBe(true);
			expect(validateRequest(TOKEN, signedWithout, withPort, PARAMS)).toBe(true);
		});

		it('does not accept a different port as the default one', () => {
			const signature = sign(TOKEN, 'https://mycompany.com:444/myapp.php', PARAMS);
			expect(verifySignature({ authToken: TOKEN, signature, url: 'https://mycompany.com/myapp.php', params: PARAMS }).valid).toBe(false);
		});

		// new URL() drops a default port, so the variants are worked out on the raw string.
		it.each([
			['https://mycompany.com:443/myapp.php?foo=1&bar=2', 'https://mycompany.com/myapp.php?foo=1&bar=2'],
			['http://mycompany.com:80/myapp.php?foo=1&bar=2', 'http://mycompany.com/myapp.php?foo=1&bar=2'],
		])('accepts a request received with the port that Twilio signed without it (%s)', (received, signedUrl) => {
			const signature = sign(TOKEN, signedUrl, PARAMS);
			expect(validateRequest(TOKEN, signature, received, PARAMS)).toBe(true);
			expect(verifySignature({ authToken: TOKEN, signature, url: received, params: PARAMS }).valid).toBe(true);
		});
	});

	describe('repeated keys', () => {
		it('signs each value under the same key', () => {
			const params = { To: '+1', MediaUrl: ['https://a/1.png', 'https://a/2.png'] };
			expect(sign(TOKEN, URL_, params)).toBe(getExpectedTwilioSignature(TOKEN, URL_, params));
		});

		// Twilio signs a repeated key's values sorted, whatever order they arrive in.
		it('verifies repeated values that arrive out of sorted order', () => {
			const params = { 'MessagingBinding.Address': ['+18550000000', '+18330000000'], EventType: 'onConversationAdd' };
			const twilioSignature = getExpectedTwilioSignature(TOKEN, URL_, params);
			expect(verifySignature({ authToken: TOKEN, signature: twilioSignature, url: URL_, params }).valid).toBe(true);
		});
	});
});
