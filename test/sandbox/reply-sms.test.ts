/**
 * The sandbox playing the recipient of "send and wait for reply": an inbound SMS sent later
 * (`afterMs`), or a recipient script that texts back once the message is delivered. Both arrive at
 * whatever receives the number's inbound messages, signed (checked with the twilio SDK's
 * validateRequest), and their outcome is kept for the test to read afterwards.
 */
import twilio from 'twilio';
import type { Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, MESSAGING_SERVICE, NUMBER_ALERTS, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { postJson, request, sdk, waitFor, type ReceivedRequest, type Receiver, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;

useSandboxAndReceiver({ statusStepMs: 10, answer: () => ({ contentType: 'text/xml', body: '<Response/>' }) }, (s, r) => {
	sandbox = s;
	receiver = r;
});
afterEach(() => sandbox.callbacksIdle());

const isSigned = (r: ReceivedRequest) =>
	twilio.validateRequest(FULL_ACCOUNT.authToken, String(r.headers['x-twilio-signature']), r.url, r.params);

async function pointSmsUrl(sid: string, path: string): Promise<string> {
	const url = `${receiver.url}${path}`;
	await sdk(sandbox).incomingPhoneNumbers(sid).update({ smsUrl: url });
	return url;
}

const scheduled = async (id: string) => (await request(`${sandbox.url}/__sandbox/inbound/sms/scheduled/${id}`)).json;
const sentEntry = (id: string) =>
	waitFor(() => {
		const e = sandbox.state.scheduledSms.get(id);
		return e && e.state !== 'scheduled' ? e : undefined;
	}, 5000, `scheduled SMS ${id}`);

describe('a reply SMS after N ms', () => {
	it('accepts it at once (202), sends it afterMs later to the SmsUrl, signed, and keeps the outcome', async () => {
		const url = await pointSmsUrl(NUMBER_SUPPORT.sid, '/sms/reply?execution=9');
		const started = Date.now();
		const res = await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'YES', afterMs: 150 });
		expect(res.status).toBe(202);
		expect(res.json).toMatchObject({ id: expect.stringMatching(/^SCH\d+$/), state: 'scheduled', source: { kind: 'admin' }, result: null, error: null });
		expect(receiver.requests).toHaveLength(0);
		expect(await scheduled(res.json.id)).toMatchObject({ state: 'scheduled' });

		const [hook] = await waitFor(() => receiver.requests.length === 1 && receiver.requests, 5000, 'the reply');
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(hook.url).toBe(url);
		expect(isSigned(hook)).toBe(true);
		expect(hook.params).toMatchObject({ From: SAMPLE_RECIPIENT, To: NUMBER_SUPPORT.phoneNumber, Body: 'YES', SmsStatus: 'received', AccountSid: FULL_ACCOUNT.sid });

		const entry = await sentEntry(res.json.id);
		expect(entry).toMatchObject({ state: 'sent', error: null, result: { url, status: 200, messageSid: hook.params.MessageSid, deliveries: [200] } });
		const over = await scheduled(res.json.id);
		expect(over).toMatchObject({ state: 'sent', result: { status: 200, twiml: '<Response/>' } });
		expect(sandbox.state.message(String(hook.params.MessageSid))).toMatchObject({ direction: 'inbound', body: 'YES' });
		expect((await request(`${sandbox.url}/__sandbox/inbound/sms/scheduled`)).json.scheduled.map((s: { id: string }) => s.id)).toEqual([res.json.id]);
	});

	it('routes when it is sent, as Twilio would: a number in a Messaging Service goes to the service’s Inbound Request URL', async () => {
		const res = await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_ALERTS.phoneNumber, body: 'later', afterMs: 50 });
		expect(res.status).toBe(202);
		// Configured after scheduling, before sending.
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE.sid).update({ useInboundWebhookOnNumber: false, inboundRequestUrl: `${receiver.url}/service-inbound` });
		const entry = await sentEntry(res.json.id);
		expect(entry.result).toMatchObject({ url: `${receiver.url}/service-inbound`, status: 200, messagingServiceSid: MESSAGING_SERVICE.sid });
		expect(isSigned(receiver.requests[0])).toBe(true);
	});

	it('refuses bad input at once; an unconfigured number is an outcome, not an error; reset drops what is pending', async () => {
		const bad = await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'x', afterMs: -5 });
		expect(bad.status).toBe(400);
		expect((await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: '+15555559999', body: 'x', afterMs: 5 })).status).toBe(404);
		expect((await request(`${sandbox.url}/__sandbox/inbound/sms/scheduled/SCH0`)).status).toBe(404);

		const unconfigured = await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'x', afterMs: 0 });
		const entry = await sentEntry(unconfigured.json.id);
		expect(entry).toMatchObject({ state: 'sent', result: { url: null, error: `${NUMBER_SUPPORT.phoneNumber} has no SmsUrl configured` } });

		await pointSmsUrl(NUMBER_SUPPORT.sid, '/sms');
		await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'never', afterMs: 80 });
		sandbox.reset();
		expect(sandbox.state.scheduledSms.size).toBe(0);
		await new Promise((r) => setTimeout(r, 150));
		expect(receiver.requests).toHaveLength(0);
	});
});

describe('a recipient script: the phone texts back once the message is delivered', () => {
	it('replies from the recipient to the sender, afterMs after delivery, signed, once', async () => {
		const url = await pointSmsUrl(NUMBER_SUPPORT.sid, '/sms/wait');
		const set = await postJson(`${sandbox.url}/__sandbox/recipient`, { number: SAMPLE_RECIPIENT, script: { reply: 'Approved', afterMs: 30 } });
		expect(set.json).toEqual({ number: SAMPLE_RECIPIENT, script: { reply: 'Approved', mediaUrls: [], afterMs: 30, remaining: 1 } });

		const sent = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_SUPPORT.phoneNumber, body: 'Deploy to prod? Reply YES or NO' });
		const [hook] = await waitFor(() => receiver.requests.length === 1 && receiver.requests, 5000, 'the reply');
		expect(hook.url).toBe(url);
		expect(isSigned(hook)).toBe(true);
		expect(hook.params).toMatchObject({ From: SAMPLE_RECIPIENT, To: NUMBER_SUPPORT.phoneNumber, Body: 'Approved' });
		// Only once the message was delivered, and afterMs later.
		const message = sandbox.state.message(sent.sid)!;
		const delivered = message.statusHistory.find((s) => s.status === 'delivered')!;
		const [entry] = [...sandbox.state.scheduledSms.values()];
		expect(entry.source).toEqual({ kind: 'recipient', inReplyTo: sent.sid });
		expect(entry.dueAt.getTime() - delivered.at.getTime()).toBeGreaterThanOrEqual(29);

		// `times` (default 1) is used up: a second message gets no reply.
		const again = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_SUPPORT.phoneNumber, body: 'Still there?' });
		await waitFor(() => sandbox.state.message(again.sid)?.status === 'delivered', 5000, 'the second delivery');
		await new Promise((r) => setTimeout(r, 60));
		expect(receiver.requests).toHaveLength(1);
		expect(sandbox.state.recipients.get(SAMPLE_RECIPIENT)).toMatchObject({ remaining: 0 });
	});

	it('a recipient that is never delivered to never replies; a bad script is refused', async () => {
		await pointSmsUrl(NUMBER_SUPPORT.sid, '/sms');
		await postJson(`${sandbox.url}/__sandbox/recipient`, { number: '+15005550010', script: { reply: 'hi' } });
		const sent = await sdk(sandbox).messages.create({ to: '+15005550010', from: NUMBER_SUPPORT.phoneNumber, body: 'x' });
		await waitFor(() => sandbox.state.message(sent.sid)?.status === 'undelivered', 5000, 'undelivered');
		await new Promise((r) => setTimeout(r, 40));
		expect(receiver.requests).toHaveLength(0);

		expect((await postJson(`${sandbox.url}/__sandbox/recipient`, { number: SAMPLE_RECIPIENT, script: { afterMs: 5 } })).json.error).toMatch(/reply/);
		expect((await postJson(`${sandbox.url}/__sandbox/recipient`, { number: SAMPLE_RECIPIENT, script: { reply: 'x', times: 0 } })).status).toBe(400);
		expect((await request(`${sandbox.url}/__sandbox/recipient/${encodeURIComponent('+15005550010')}`, { method: 'DELETE' })).json).toEqual({ removed: 1 });
	});
});
