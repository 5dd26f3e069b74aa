/**
 * The trigger's small parts: event classification, output mapping, the dedupe memory's bounds,
 * the reply TwiML, and the request verifier against the twilio SDK's validators as oracles.
 */
import type { IDataObject } from 'n8n-workflow';
import { getExpectedBodyHash, validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import { sign } from '../../nodes/shared/twilio/signature';
import { emptyTwiml, messagingReplyTwiml, voiceReplyTwiml } from '../../nodes/shared/twilio/twiml';
import { DEDUPE_MAX_AGE_MS, DEDUPE_MAX_ENTRIES, seenBefore } from '../../nodes/TwilioCommsTrigger/dedupe';
import { classify, dedupeKey, toOutput } from '../../nodes/TwilioCommsTrigger/events';
import { expectedUrl, verifyRequest } from '../../nodes/shared/twilio/webhookRequest';
import { workflowReplyMode } from '../../nodes/TwilioCommsTrigger/description';

describe('classify', () => {
	it.each([
		[{ MessageSid: 'SM1', SmsStatus: 'received', Body: 'hi' }, 'incomingSms'],
		[{ MessageSid: 'SM1', MessageStatus: 'delivered' }, 'messageStatus'],
		[{ CallSid: 'CA1', CallStatus: 'ringing', Direction: 'inbound' }, 'incomingCall'],
		[{ CallSid: 'CA1', CallStatus: 'ringing', CallbackSource: 'call-progress-events' }, 'callStatus'],
		[{ CallSid: 'CA1', CallStatus: 'completed' }, 'callStatus'],
		[{ CallSid: 'CA1', CallStatus: 'in-progress', Digits: '1' }, 'callStatus'],
		[{ Foo: 'bar' }, undefined],
	])('%j → %s', (params, event) => expect(classify(params)).toBe(event));
});

describe('output and dedupe keys', () => {
	it('maps a call status with defaults for what it lacks', () => {
		expect(toOutput('callStatus', { CallSid: 'CA1', CallStatus: 'completed', From: '+1', To: '+2' })).toMatchObject({
			event: 'callStatus', callSid: 'CA1', callStatus: 'completed', body: null, numMedia: 0, media: [], digits: null, messageSid: null,
		});
	});
	it('caps media at NumMedia and skips missing URLs', () => {
		const out = toOutput('incomingSms', { MessageSid: 'MM1', NumMedia: '3', MediaUrl0: 'https://a', MediaContentType0: 'image/png', MediaUrl2: 'https://c', MediaUrl5: 'https://x' });
		expect(out.media).toEqual([{ url: 'https://a', contentType: 'image/png' }, { url: 'https://c', contentType: '' }]);
	});
	it('prefers the idempotency token, else SID and status', () => {
		expect(dedupeKey('messageStatus', { MessageSid: 'SM1', MessageStatus: 'sent' }, 'tok')).toBe('t:tok');
		expect(dedupeKey('messageStatus', { MessageSid: 'SM1', MessageStatus: 'sent' }, undefined)).toBe('m:SM1:sent');
		expect(dedupeKey('incomingCall', { CallSid: 'CA1' }, undefined)).toBe('c:CA1');
	});
});

describe('dedupe memory', () => {
	it(`keeps at most ${DEDUPE_MAX_ENTRIES} keys, dropping the oldest`, () => {
		const data: IDataObject = {};
		for (let i = 0; i < DEDUPE_MAX_ENTRIES + 50; i++) expect(seenBefore(data, `k${i}`, 1000 + i)).toBe(false);
		expect((data.seen as unknown[]).length).toBe(DEDUPE_MAX_ENTRIES);
		expect(seenBefore(data, 'k0', 2000)).toBe(false); // forgotten, so new again
		expect(seenBefore(data, `k${DEDUPE_MAX_ENTRIES + 49}`, 2000)).toBe(true);
	});
	it('forgets keys older than a day', () => {
		const data: IDataObject = {};
		seenBefore(data, 'a', 0);
		expect(seenBefore(data, 'a', DEDUPE_MAX_AGE_MS - 1)).toBe(true);
		expect(seenBefore(data, 'a', DEDUPE_MAX_AGE_MS + 1)).toBe(false);
	});
});

describe('reply TwiML', () => {
	it('renders SMS replies with MessagingResponse', () => {
		expect(emptyTwiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
		expect(messagingReplyTwiml('')).toBe(emptyTwiml());
		expect(messagingReplyTwiml('a < b & "c"')).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>a &lt; b &amp; "c"</Message></Response>');
		expect(messagingReplyTwiml('see', ['https://x/y.png'])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>see</Body><Media>https://x/y.png</Media></Message></Response>');
	});
	it('renders call answers with VoiceResponse', () => {
		expect(voiceReplyTwiml({ kind: 'say', text: 'Hi <you>', voice: 'alice' })).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice">Hi &lt;you&gt;</Say></Response>');
		expect(voiceReplyTwiml({ kind: 'dial', number: '+15555550100', timeoutSeconds: 20 })).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Dial timeout="20">+15555550100</Dial></Response>');
		expect(voiceReplyTwiml({ kind: 'reject', reason: 'rejected' })).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="rejected"/></Response>');
	});
	it('chooses how n8n answers from the reply settings', () => {
		expect(workflowReplyMode({ events: ['incomingSms'], smsReply: 'text' })).toBe('onReceived');
		expect(workflowReplyMode({ events: ['incomingSms'], smsReply: 'workflow' })).toBe('lastNode');
		expect(workflowReplyMode({ events: ['incomingCall'], voiceReply: 'workflow', workflowReplyFrom: 'respondNode' })).toBe('responseNode');
		expect(workflowReplyMode({ events: ['messageStatus'], smsReply: 'workflow' })).toBe('onReceived');
	});
});

describe('expectedUrl', () => {
	it('keeps the query string exactly as received and never trusts the Host header', () => {
		expect(expectedUrl('https://n8n.example.com/webhook/a/webhook', '/webhook/a/webhook?x=%20y&b=2')).toBe('https://n8n.example.com/webhook/a/webhook?x=%20y&b=2');
		expect(expectedUrl('http://localhost:5678/webhook/a/webhook', '/webhook/a/webhook', 'https://t.ngrok.app')).toBe('https://t.ngrok.app/webhook/a/webhook');
	});
});

/** mulberry32, so a failing case can be replayed from its index. */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CHARS = [...'abcXYZ019 +&=%?#/"\'<>çé名😀'];
const str = (next: () => number, max: number) => Array.from({ length: Math.floor(next() * max) }, () => CHARS[Math.floor(next() * CHARS.length)]).join('');
const BASES = ['https://n8n.example.com/webhook/a/webhook', 'https://n8n.example.com:8443/webhook/a/webhook', 'http://127.0.0.1:5678/webhook-test/a/webhook'];
const QUERIES = ['', '?foo=1&bar=2', '?x=%20y', '?a=1&a=2', '?empty='];
const TAMPERS = ['none', 'none', 'none', 'signature', 'url', 'param', 'extra-param', 'token', 'missing'] as const;

describe('the verifier against the SDK oracles (generated requests)', () => {
	it('accepts and rejects form requests exactly where validateRequest does', () => {
		const next = rng(4242);
		let accepted = 0;
		let rejected = 0;
		for (let i = 0; i < 400; i++) {
			const token = str(next, 30) || 'tok';
			const url = BASES[i % BASES.length] + QUERIES[Math.floor(next() * QUERIES.length)];
			const params: Record<string, string | string[]> = {};
			for (let k = 0; k < Math.floor(next() * 7); k++) params[['Body', 'From', 'To', 'Digits', 'Ünï', 'k k', 'Empty'][k]] = k === 6 ? '' : str(next, 20);
			if (next() < 0.2) params.Repeated = [...new Set(['b', 'a', str(next, 4)])].sort();
			const tamper = TAMPERS[Math.floor(next() * TAMPERS.length)];
			let signature: string | undefined = sign(token, url, params);
			let receivedUrl = url;
			let received = { ...params };
			let checkToken = token;
			if (tamper === 'signature') signature = signature.slice(0, -2) + (signature.endsWith('A=') ? 'B=' : 'A=');
			if (tamper === 'url') receivedUrl = url.replace('/a/', '/b/');
			if (tamper === 'param') received = { ...params, Body: `${params.Body ?? ''}!` };
			if (tamper === 'extra-param') received = { ...params, Injected: '1' };
			if (tamper === 'token') checkToken = token + 'x';
			if (tamper === 'missing') signature = undefined;
			const raw = Buffer.from(new URLSearchParams(Object.entries(received).flatMap(([k, v]): Array<[string, string]> => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]))).toString());
			const ours = verifyRequest({ method: 'POST', contentType: 'application/x-www-form-urlencoded', rawBody: raw, body: received, signature, url: receivedUrl }, checkToken).ok;
			const oracle = signature !== undefined && validateRequest(checkToken, signature, receivedUrl, received);
			expect({ i, tamper, ours }).toEqual({ i, tamper, ours: oracle });
			if (ours) accepted++;
			else rejected++;
		}
		// Reported in the closing note.
		process.stdout.write(`form cases: ${accepted} accepted, ${rejected} rejected\n`);
		expect(accepted).toBeGreaterThan(100);
		expect(rejected).toBeGreaterThan(100);
	});

	it('accepts and rejects JSON requests exactly where validateRequestWithBody does', () => {
		const next = rng(99);
		let accepted = 0;
		let rejected = 0;
		for (let i = 0; i < 200; i++) {
			const body = JSON.stringify({ i, text: str(next, 40), nested: { ok: next() < 0.5 } });
			const url = `${BASES[i % BASES.length]}?bodySHA256=${getExpectedBodyHash(body)}`;
			const tamper = ['none', 'none', 'body', 'signature', 'url'][Math.floor(next() * 5)];
			const signature = tamper === 'signature' ? sign('other', url) : sign('tok', url);
			const received = tamper === 'body' ? body.replace('"i"', '"j"') : body;
			const receivedUrl = tamper === 'url' ? url.replace('/a/', '/b/') : url;
			const ours = verifyRequest({ method: 'POST', contentType: 'application/json', rawBody: Buffer.from(received), body: JSON.parse(received), signature, url: receivedUrl }, 'tok').ok;
			expect({ i, tamper, ours }).toEqual({ i, tamper, ours: validateRequestWithBody('tok', signature, receivedUrl, received) });
			if (ours) accepted++;
			else rejected++;
		}
		process.stdout.write(`json cases: ${accepted} accepted, ${rejected} rejected\n`);
		expect(accepted).toBeGreaterThan(50);
		expect(rejected).toBeGreaterThan(50);
	});

	it('rejects non-POST, oversized and unsigned JSON requests before any signature work', () => {
		const ok = { method: 'POST', contentType: 'application/x-www-form-urlencoded', rawBody: Buffer.from('a=1'), body: { a: '1' }, signature: sign('t', 'https://x/y', { a: '1' }), url: 'https://x/y' };
		expect(verifyRequest(ok, 't')).toEqual({ ok: true, params: { a: '1' } });
		expect(verifyRequest({ ...ok, method: 'PUT' }, 't')).toEqual({ ok: false, reason: 'method' });
		expect(verifyRequest({ ...ok, rawBody: Buffer.alloc(65 * 1024) }, 't')).toEqual({ ok: false, reason: 'too-large' });
		expect(verifyRequest({ ...ok, contentType: 'application/json' }, 't')).toEqual({ ok: false, reason: 'mismatch' });
		expect(verifyRequest(ok, undefined)).toEqual({ ok: false, reason: 'no-auth-token' });
	});
});
