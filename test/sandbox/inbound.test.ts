import type { Sandbox } from '../../sandbox';
import { verifySignature } from '../../nodes/shared/twilio/signature';
import { FULL_ACCOUNT, NUMBER_MAIN, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { createRaw, postJson, Receiver, ReceivedRequest, sdk, startReceiver, waitFor, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;
let answer: (r: ReceivedRequest) => { status?: number; contentType?: string; body?: string };

const TWIML =
	'<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; bye</Message>' +
	'<Message><Body>See this</Body><Media>https://example.com/map.png</Media></Message></Response>';

useSandboxAndReceiver({ statusStepMs: 20, answer: (r) => answer(r) }, (s, r) => {
	sandbox = s;
	receiver = r;
});
beforeEach(() => {
	answer = () => ({ status: 200, contentType: 'text/xml', body: TWIML });
});

const inbound = (body: Record<string, unknown>) => postJson(`${sandbox.url}/__sandbox/inbound/sms`, body);

async function pointNumberAt(path: string, method: 'GET' | 'POST' = 'POST', extra: Record<string, string> = {}): Promise<string> {
	const url = `${receiver.url}${path}`;
	await sdk(sandbox).incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({ smsUrl: url, smsMethod: method, ...extra });
	return url;
}

describe('simulated inbound SMS', () => {
	it('POSTs a signed webhook to SmsUrl, returns the TwiML and sends its <Message> replies', async () => {
		const url = await pointNumberAt('/hooks/sms?workflow=1');
		const res = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'Hello there', mediaUrls: ['https://example.com/in.jpg'] });
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ status: 200, twiml: TWIML, url, method: 'POST', twimlError: null, error: null });

		expect(receiver.requests).toHaveLength(1);
		const hook = receiver.requests[0];
		expect(hook.method).toBe('POST');
		expect(hook.headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect(verifySignature({ authToken: FULL_ACCOUNT.authToken, signature: hook.headers['x-twilio-signature'] as string, url: hook.url, params: hook.params })).toEqual({ valid: true });
		expect(hook.params).toMatchObject({
			AccountSid: FULL_ACCOUNT.sid,
			ApiVersion: '2010-04-01',
			Body: 'Hello there',
			From: SAMPLE_RECIPIENT,
			To: NUMBER_SUPPORT.phoneNumber,
			NumMedia: '1',
			MediaUrl0: 'https://example.com/in.jpg',
			MediaContentType0: 'image/jpeg',
			SmsStatus: 'received',
			MessageSid: res.json.messageSid,
			SmsSid: res.json.messageSid,
			SmsMessageSid: res.json.messageSid,
			NumSegments: '1',
		});
		expect(res.json.messageSid).toMatch(/^MM[0-9a-f]{32}$/);

		expect(res.json.replies).toHaveLength(2);
		expect(res.json.replies[0]).toMatchObject({ body: 'Thanks & bye', from: NUMBER_SUPPORT.phoneNumber, to: SAMPLE_RECIPIENT, direction: 'outbound-reply', status: 'queued' });
		expect(res.json.replies[1]).toMatchObject({ body: 'See this', num_media: '1' });

		const stored = sandbox.state.message(res.json.messageSid)!;
		expect(stored).toMatchObject({ direction: 'inbound', status: 'received', body: 'Hello there' });
		const replySid = res.json.replies[0].sid as string;
		await waitFor(() => sandbox.state.message(replySid)?.status === 'delivered');
		expect(sandbox.state.inbound).toHaveLength(1);
		expect(sandbox.state.inbound[0]).toMatchObject({ status: 200, twiml: TWIML, replySids: res.json.replies.map((r: { sid: string }) => r.sid) });
		expect(sandbox.stats().inboundSimulated).toBe(1);
		// Conversation history through the API: the inbound message and both replies.
		expect(await sdk(sandbox).messages.list({ to: SAMPLE_RECIPIENT })).toHaveLength(2);
		expect(await sdk(sandbox).messages.list({ from: SAMPLE_RECIPIENT })).toHaveLength(1);
	});

	it('uses GET with the params in the query string when SmsMethod is GET, signed over the full URL', async () => {
		await pointNumberAt('/hooks/get', 'GET');
		const res = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'via get' });
		expect(res.json.method).toBe('GET');
		const hook = receiver.requests[0];
		expect(hook.method).toBe('GET');
		expect(hook.body).toBe('');
		expect(new URL(hook.url).searchParams.get('Body')).toBe('via get');
		expect(verifySignature({ authToken: FULL_ACCOUNT.authToken, signature: hook.headers['x-twilio-signature'] as string, url: hook.url, params: {} })).toEqual({ valid: true });
	});

	it('sends a text/plain answer as the reply body', async () => {
		answer = () => ({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'Plain reply' });
		await pointNumberAt('/hooks/plain');
		const res = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'hi' });
		expect(res.json.replies.map((r: { body: string }) => r.body)).toEqual(['Plain reply']);
	});

	it('reports TwiML that does not parse, and sends nothing', async () => {
		answer = () => ({ status: 200, contentType: 'text/xml', body: '<Reply>nope</Reply>' });
		await pointNumberAt('/hooks/bad');
		const res = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'hi' });
		expect(res.json.twimlError).toMatch(/^12100/);
		expect(res.json.replies).toEqual([]);
	});

	it('falls back to SmsFallbackUrl when SmsUrl fails', async () => {
		answer = (r) => (r.url.includes('/primary') ? { status: 500 } : { status: 200, contentType: 'text/xml', body: '<Response><Message>from fallback</Message></Response>' });
		await pointNumberAt('/primary', 'POST', { smsFallbackUrl: `${receiver.url}/fallback` });
		const res = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'hi' });
		expect(receiver.requests.map((r) => new URL(r.url).pathname)).toEqual(['/primary', '/fallback']);
		expect(res.json).toMatchObject({ status: 200, url: `${receiver.url}/fallback` });
		expect(res.json.replies[0].body).toBe('from fallback');
	});

	it('can deliver the same event twice, as Twilio retries do, with one idempotency token', async () => {
		answer = () => ({ status: 200, contentType: 'text/xml', body: '<Response/>' });
		await pointNumberAt('/hooks/dup');
		await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'hi', deliveries: 2 });
		expect(receiver.requests).toHaveLength(2);
		const [a, b] = receiver.requests;
		expect(a.headers['i-twilio-idempotency-token']).toBe(b.headers['i-twilio-idempotency-token']);
		expect(a.headers['x-twilio-signature']).toBe(b.headers['x-twilio-signature']);
		expect(a.params.MessageSid).toBe(b.params.MessageSid);
	});

	it('honours STOP and START for later sends from that number', async () => {
		answer = () => ({ status: 200, contentType: 'text/xml', body: '<Response/>' });
		await pointNumberAt('/hooks/optout');
		await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: ' stop ' });
		const blocked = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_SUPPORT.phoneNumber, Body: 'promo' });
		expect(blocked.json.code).toBe(21610);
		// Opt-out is per sender: another number may still write.
		expect((await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Body: 'ok' })).status).toBe(201);
		await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'START' });
		expect((await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_SUPPORT.phoneNumber, Body: 'welcome back' })).status).toBe(201);
	});

	it('answers 409 when the number has no SmsUrl, 404 for an unknown number, 400 for bad input', async () => {
		const none = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'hi' });
		expect(none.status).toBe(409);
		expect(none.json.error).toMatch(/no SmsUrl/);
		expect(sandbox.state.message(none.json.messageSid)?.direction).toBe('inbound');
		expect((await inbound({ from: SAMPLE_RECIPIENT, to: '+15555550999', body: 'hi' })).status).toBe(404);
		expect((await inbound({ from: 'nope', to: NUMBER_MAIN.phoneNumber })).status).toBe(400);
		expect((await inbound({ from: `whatsapp:${SAMPLE_RECIPIENT}`, to: NUMBER_MAIN.phoneNumber })).status).toBe(400);
	});

	it('reports an unreachable SmsUrl without failing', async () => {
		const dead = await startReceiver();
		const deadUrl = `${dead.url}/gone`;
		await dead.close();
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({ smsUrl: deadUrl });
		const res = await inbound({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'hi' });
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ status: null, twiml: null, url: deadUrl });
		expect(res.json.error).toMatch(/ECONNREFUSED/);
	});
});
