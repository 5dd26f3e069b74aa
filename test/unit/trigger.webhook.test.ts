/**
 * The Twilio Trigger's webhook() with a mocked IWebhookFunctions: the request n8n hands over
 * (parsed body plus rawBody), the response object it writes 403s and early answers to, and the
 * node's static data. Also the Recording Completed event: classify, flat output, signature, retries.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sign, bodySha256 } from '../../nodes/shared/twilio/signature';
import { DEDUPE_MAX_ENTRIES } from '../../nodes/TwilioCommsTrigger/dedupe';
import { classify, dedupeKey, toOutput } from '../../nodes/TwilioCommsTrigger/events';

type HandleWebhook = typeof import('../../nodes/TwilioCommsTrigger/webhook').handleWebhook;
let handleWebhook: HandleWebhook;
// Each test gets the module afresh, as another n8n process would: the trigger remembers deliveries
// in its process, and tests reuse SIDs.
beforeEach(() => {
	jest.isolateModules(() => {
		({ handleWebhook } = require('../../nodes/TwilioCommsTrigger/webhook') as { handleWebhook: HandleWebhook });
	});
});

const TOKEN = '5a4db0c5-test-auth-token';
const ACCOUNT = 'AC' + '5a4db0c5'.padEnd(32, '0');
const URL_ = 'https://n8n.example.com/webhook/0d6a/webhook';

const SMS: Record<string, string> = {
	AccountSid: ACCOUNT,
	ApiVersion: '2010-04-01',
	Body: 'Hello <there> & you',
	From: '+15555550123',
	FromCity: 'SAN FRANCISCO',
	FromCountry: 'US',
	FromState: 'CA',
	MessageSid: 'SM' + '1'.repeat(32),
	NumMedia: '1',
	MediaUrl0: 'https://api.twilio.com/media/ME1',
	MediaContentType0: 'image/jpeg',
	SmsStatus: 'received',
	To: '+15555550100',
};

interface Sent {
	status: number;
	headers: Record<string, string>;
	body: string;
}

interface Harness {
	ctx: IWebhookFunctions;
	sent: Sent[];
	staticData: IDataObject;
	warnings: string[];
	/** Emits the response's 'finish' (n8n sent the workflow's answer). */
	finish(): void;
}

function harness(opts: {
	params?: Record<string, unknown>;
	request?: Partial<{ method: string; headers: Record<string, string>; rawBody: Buffer; body: unknown; originalUrl: string }>;
	credentials?: Record<string, unknown>;
	staticData?: IDataObject;
}): Harness {
	const sent: Sent[] = [];
	const warnings: string[] = [];
	const staticData = opts.staticData ?? {};
	const params: Record<string, unknown> = { events: ['incomingSms'], smsReply: 'none', options: {}, ...opts.params };
	const res = {
		headersSent: false,
		listeners: [] as Array<() => void>,
		once(_event: string, fn: () => void) {
			this.listeners.push(fn);
		},
		writeHead(status: number, headers: Record<string, string>) {
			sent.push({ status, headers, body: '' });
			this.headersSent = true;
		},
		end(body?: string) {
			sent[sent.length - 1].body = body ?? '';
		},
	};
	const ctx = {
		getRequestObject: () => ({ method: 'POST', url: '/webhook/0d6a/webhook', originalUrl: '/webhook/0d6a/webhook', headers: {}, ...opts.request }),
		getResponseObject: () => res,
		getNode: () => ({ name: 'Twilio Trigger', type: 'n8n-nodes-comms.twilioCommsTrigger' }),
		getWorkflow: () => ({ id: 'wf1' }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getWebhookResourceUrl: () => URL_,
		getNodeWebhookUrl: () => URL_,
		getCredentials: async () => opts.credentials ?? { authType: 'authToken', accountSid: ACCOUNT, authToken: TOKEN },
		getWorkflowStaticData: () => staticData,
		logger: { warn: (m: string) => warnings.push(m), debug: () => undefined, info: () => undefined, error: () => undefined },
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	return { ctx, sent, staticData, warnings, finish: () => res.listeners.forEach((fn) => fn()) };
}

/** Static data that counts property sets, the way n8n's observable object notices changes. */
function observed(): { data: IDataObject; sets: number } {
	const box = { data: {} as IDataObject, sets: 0 };
	box.data = new Proxy({} as IDataObject, {
		set(target, name, value) {
			box.sets++;
			return Reflect.set(target, name, value);
		},
	});
	return box;
}

/** The TwiML the trigger sent itself, at once, leaving n8n only the workflow to run. */
function answered(h: Harness, out: IWebhookResponseData): string {
	expect(out.noWebhookResponse).toBe(true);
	expect(h.sent).toHaveLength(1);
	expect(h.sent[0]).toMatchObject({ status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
	return h.sent[0].body;
}

/** A form POST signed the way Twilio signs it. */
function signedForm(params: Record<string, string>, url = URL_, token = TOKEN, extraHeaders: Record<string, string> = {}) {
	const raw = new URLSearchParams(params).toString();
	return {
		method: 'POST',
		originalUrl: url.slice(url.indexOf('/webhook')),
		headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(token, url, params), ...extraHeaders },
		rawBody: Buffer.from(raw),
		body: { ...params },
	};
}

describe('Twilio Trigger webhook()', () => {
	it('starts the workflow with the flat output and answers an empty <Response/> (reply None)', async () => {
		const h = harness({ request: signedForm(SMS) });
		const out = await handleWebhook(h.ctx);
		// Sent by the trigger itself, so n8n need not create the execution first; n8n only runs the workflow.
		expect(answered(h, out)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
		const item = out.workflowData![0][0].json;
		expect(item).toMatchObject({
			event: 'incomingSms',
			from: '+15555550123',
			to: '+15555550100',
			body: 'Hello <there> & you',
			messageSid: SMS.MessageSid,
			accountSid: ACCOUNT,
			numMedia: 1,
			media: [{ url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' }],
			fromCity: 'SAN FRANCISCO',
			fromState: 'CA',
			fromCountry: 'US',
			callSid: null,
			digits: null,
			messageStatus: null,
			errorCode: null,
		});
		expect(item.raw).toEqual(SMS);
	});

	it('renders a text reply as escaped TwiML <Message>', async () => {
		const h = harness({ request: signedForm(SMS), params: { smsReply: 'text', replyText: 'Got "it" <3 & thanks' } });
		const out = await handleWebhook(h.ctx);
		expect(answered(h, out)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Got "it" &lt;3 &amp; thanks</Message></Response>');
		expect(out.workflowData).toHaveLength(1);
	});

	it('answers with a space for a character XML cannot carry in an echoed reply, and warns without the text', async () => {
		const h = harness({ request: signedForm({ ...SMS, MessageSid: 'SM' + '9'.repeat(32) }), params: { smsReply: 'text', replyText: 'You said: Disk\u000bfull \uD800!' } });
		const out = await handleWebhook(h.ctx);
		expect(answered(h, out)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>You said: Disk full  !</Message></Response>');
		expect(h.warnings).toEqual([expect.stringContaining('Reply Text contained U+000B (a control character)')]);
		expect(h.warnings[0]).not.toContain('You said');
	});

	it('leaves the answer to the workflow, re-marks the retry memory once after this tick, and runs no timer', async () => {
		jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
		try {
			const staticData = observed();
			const h = harness({ request: signedForm(SMS), params: { smsReply: 'workflow' }, staticData: staticData.data });
			const out = await handleWebhook(h.ctx);
			expect(out.webhookResponse).toBeUndefined();
			expect(out.noWebhookResponse).toBeUndefined();
			expect(out.workflowData).toHaveLength(1);
			expect(h.sent).toEqual([]);
			expect(staticData.sets).toBe(1);
			// What n8n 2.x does when it builds the execution's Workflow: the mark is reset in this tick.
			staticData.sets = 0;
			await new Promise((r) => setImmediate(r));
			expect(staticData.sets).toBe(1);
			expect(h.staticData.seen).toHaveLength(1);
			expect(jest.getTimerCount()).toBe(0);
		} finally {
			jest.useRealTimers();
		}
	});

	it('recognises a retry that comes right after its answer, before n8n has saved the memory, in this process', async () => {
		const first = harness({ request: signedForm(SMS), params: { smsReply: 'text', replyText: 'Thanks' } });
		const out = await handleWebhook(first.ctx);
		expect(out.workflowData).toHaveLength(1);
		const twiml = answered(first, out);
		// Another request object, and static data loaded before n8n saved the first one's.
		const retry = harness({ request: signedForm(SMS), params: { smsReply: 'text', replyText: 'Thanks' } });
		expect(await handleWebhook(retry.ctx)).toEqual({ noWebhookResponse: true });
		expect(retry.sent).toEqual([expect.objectContaining({ status: 200, body: twiml })]);
		// Another delivery is not taken for it.
		const other = harness({ request: signedForm({ ...SMS, MessageSid: 'SM' + '6'.repeat(32) }), params: { smsReply: 'text', replyText: 'Thanks' } });
		expect((await handleWebhook(other.ctx)).workflowData).toHaveLength(1);
	});

	it('in queue mode, leaves the answer to n8n, which sends it after saving the memory another webhook process reads', async () => {
		const before = process.env.EXECUTIONS_MODE;
		process.env.EXECUTIONS_MODE = 'queue';
		try {
			const h = harness({ request: signedForm(SMS), params: { smsReply: 'text', replyText: 'Thanks' } });
			const out = await handleWebhook(h.ctx);
			expect(out.webhookResponse).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks</Message></Response>');
			expect(out.noWebhookResponse).toBeUndefined();
			expect(h.sent).toEqual([]);
			expect(h.staticData.seen).toEqual([[expect.any(String), expect.any(Number)]]);
		} finally {
			if (before === undefined) delete process.env.EXECUTIONS_MODE;
			else process.env.EXECUTIONS_MODE = before;
		}
	});

	it('recognises a retry of a delivery whose workflow is still answering, in this process', async () => {
		const retried = { ...SMS, MessageSid: 'SM' + '5'.repeat(32) };
		const token = { 'i-twilio-idempotency-token': 'pending-retry-1' };
		const first = harness({ request: signedForm(retried, URL_, TOKEN, token), params: { smsReply: 'workflow' } });
		expect((await handleWebhook(first.ctx)).workflowData).toHaveLength(1);
		// Another request object, and static data loaded before the first answer was saved.
		const retry = harness({ request: signedForm(retried, URL_, TOKEN, token), params: { smsReply: 'workflow' } });
		const out = await handleWebhook(retry.ctx);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(retry.sent).toEqual([expect.objectContaining({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' })]);
		// Once the first answer went out, the memory in static data (saved with it) takes over.
		first.finish();
		const later = harness({ request: signedForm(retried, URL_, TOKEN, token), params: { smsReply: 'workflow' } });
		expect((await handleWebhook(later.ctx)).workflowData).toHaveLength(1);
	});

	it.each([
		// Own MessageSids: a delivery whose answer is pending is remembered for the whole process.
		['an SMS answered with text', { ...SMS, MessageSid: 'SM' + '7'.repeat(32) }, 'Thanks!', 'text/plain; charset=utf-8'],
		['an SMS answered with TwiML', { ...SMS, MessageSid: 'SM' + '8'.repeat(32) }, '<Response><Message>Hi</Message></Response>', 'text/xml; charset=utf-8'],
		['a call', { AccountSid: ACCOUNT, CallSid: 'CA' + '6'.repeat(32), CallStatus: 'ringing', From: '+15555550123', To: '+15555550100' }, '<Response><Say>Hi</Say></Response>', 'text/xml; charset=utf-8'],
	])("gives the workflow's answer to %s its own content type when SMS and calls both come from the workflow", async (_name, params, body, type) => {
		const h = harness({ request: signedForm(params as Record<string, string>), params: { events: ['incomingSms', 'incomingCall'], smsReply: 'workflow', voiceReply: 'workflow' } });
		const res = h.ctx.getResponseObject() as unknown as { headers: Record<string, string>; setHeader(n: string, v: string): void; send(b: unknown): unknown; sentBody?: unknown };
		res.headers = { 'content-type': 'text/xml' };
		res.setHeader = (n, v) => (res.headers[n.toLowerCase()] = v);
		res.send = (b) => (res.sentBody = b);
		await handleWebhook(h.ctx);
		// What n8n's response handler does with the last node's answer.
		res.send(body);
		expect(res.headers['content-type']).toBe(type);
		expect(res.sentBody).toBe(body);
	});

	it('answers a status callback at once even when SMS replies come from the workflow', async () => {
		const status = { AccountSid: ACCOUNT, MessageSid: 'SM' + '2'.repeat(32), MessageStatus: 'undelivered', ErrorCode: '30003', From: '+15555550100', To: '+15555550123' };
		const h = harness({ request: signedForm(status), params: { events: ['incomingSms', 'messageStatus'], smsReply: 'workflow' } });
		const out = await handleWebhook(h.ctx);
		expect(out.noWebhookResponse).toBe(true);
		expect(h.sent).toEqual([expect.objectContaining({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' })]);
		expect(out.workflowData![0][0].json).toMatchObject({ event: 'messageStatus', messageStatus: 'undelivered', errorCode: 30003, body: null });
	});

	it.each([
		['say', { voiceReply: 'say', sayText: 'Hello & welcome', voice: 'Polly.Joanna', language: 'en-US' }, '<Say voice="Polly.Joanna" language="en-US">Hello &amp; welcome</Say>'],
		['dial', { voiceReply: 'dial', forwardTo: '+15555550199' }, '<Dial>+15555550199</Dial>'],
		['reject', { voiceReply: 'reject', rejectReason: 'busy' }, '<Reject reason="busy"/>'],
	])('answers an incoming call (%s)', async (_name, params, fragment) => {
		const call = { AccountSid: ACCOUNT, CallSid: 'CA' + '3'.repeat(32), CallStatus: 'ringing', Direction: 'inbound', From: '+15555550123', To: '+15555550102' };
		const h = harness({ request: signedForm(call), params: { events: ['incomingCall'], ...params } });
		const out = await handleWebhook(h.ctx);
		expect(answered(h, out)).toContain(fragment);
		expect(out.workflowData![0][0].json).toMatchObject({ event: 'incomingCall', callSid: call.CallSid, callStatus: 'ringing' });
	});

	it('outputs the digits of a <Gather> action as a call status event', async () => {
		const gather = { AccountSid: ACCOUNT, CallSid: 'CA' + '4'.repeat(32), CallStatus: 'in-progress', Digits: '1', From: '+15555550100', To: '+15555550123' };
		const h = harness({ request: signedForm(gather), params: { events: ['callStatus'] } });
		const out = await handleWebhook(h.ctx);
		expect(out.workflowData![0][0].json).toMatchObject({ event: 'callStatus', digits: '1', callStatus: 'in-progress' });
	});

	describe('rejects with 403 and starts nothing', () => {
		const cases: Array<[string, Parameters<typeof harness>[0]]> = [
			['no signature', { request: { ...signedForm(SMS), headers: { 'content-type': 'application/x-www-form-urlencoded' } } }],
			['a wrong signature', { request: { ...signedForm(SMS), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('other-token', URL_, SMS) } } }],
			['a changed body', { request: { ...signedForm(SMS), body: { ...SMS, Body: 'changed' } } }],
			['a signature for another URL', { request: signedForm(SMS, 'https://n8n.example.com/webhook/other/webhook') }],
			['a GET', { request: { ...signedForm(SMS), method: 'GET' } }],
			['an oversized body', { request: { ...signedForm(SMS), rawBody: Buffer.alloc(70 * 1024, 'a') } }],
			['an API-key credential without its Auth Token', { request: signedForm(SMS), credentials: { authType: 'apiKey', accountSid: ACCOUNT, apiKeySid: 'SK1', apiKeySecret: 'secret-1234' } }],
		];
		it.each(cases)('%s', async (_name, opts) => {
			const h = harness(opts);
			const out = await handleWebhook(h.ctx);
			expect(out).toEqual({ noWebhookResponse: true });
			expect(h.sent).toHaveLength(1);
			expect(h.sent[0].status).toBe(403);
			expect(h.staticData).toEqual({});
			expect(h.warnings).toHaveLength(1);
			expect(h.warnings[0]).not.toContain(TOKEN);
		});
	});

	it("verifies with an API-key credential's webhook Auth Token", async () => {
		const h = harness({ request: signedForm(SMS), credentials: { authType: 'apiKey', accountSid: ACCOUNT, apiKeySid: 'SK1', apiKeySecret: 'secret-1234', webhookAuthToken: TOKEN } });
		const out = await handleWebhook(h.ctx);
		expect(out.workflowData).toHaveLength(1);
	});

	it('checks the signature against the Public URL override (n8n behind a tunnel)', async () => {
		const tunnel = 'https://abc123.ngrok.app/webhook/0d6a/webhook';
		const h = harness({ request: signedForm(SMS, tunnel), params: { options: { publicUrl: 'https://abc123.ngrok.app' } } });
		expect((await handleWebhook(h.ctx)).workflowData).toHaveLength(1);
		const direct = harness({ request: signedForm(SMS, tunnel) });
		expect((await handleWebhook(direct.ctx)).noWebhookResponse).toBe(true);
		expect(direct.sent[0].status).toBe(403);
	});

	it('accepts a JSON body covered by bodySHA256, and rejects it once changed', async () => {
		const raw = JSON.stringify(SMS);
		const url = `${URL_}?bodySHA256=${bodySha256(raw)}`;
		const request = {
			method: 'POST',
			originalUrl: url.slice(url.indexOf('/webhook')),
			headers: { 'content-type': 'application/json', 'x-twilio-signature': sign(TOKEN, url) },
			rawBody: Buffer.from(raw),
			body: JSON.parse(raw),
		};
		expect((await handleWebhook(harness({ request }).ctx)).workflowData![0][0].json).toMatchObject({ event: 'incomingSms', body: SMS.Body });
		const tampered = harness({ request: { ...request, rawBody: Buffer.from(raw.replace('Hello', 'Howdy')) } });
		await handleWebhook(tampered.ctx);
		expect(tampered.sent[0].status).toBe(403);
	});

	it('answers a retried delivery (same idempotency token) without a second execution', async () => {
		const staticData: IDataObject = {};
		const headers = { 'i-twilio-idempotency-token': 'tok-1' };
		const first = await handleWebhook(harness({ request: signedForm(SMS, URL_, TOKEN, headers), staticData, params: { smsReply: 'text', replyText: 'hi' } }).ctx);
		expect(first.workflowData).toHaveLength(1);
		const retry = harness({ request: signedForm(SMS, URL_, TOKEN, headers), staticData, params: { smsReply: 'text', replyText: 'hi' } });
		const second = await handleWebhook(retry.ctx);
		expect(second).toEqual({ noWebhookResponse: true });
		expect(retry.sent).toEqual([expect.objectContaining({ status: 200, body: expect.stringContaining('<Message>hi</Message>') })]);
	});

	it('treats the same MessageSid and status as a retry when there is no token', async () => {
		const staticData: IDataObject = {};
		const status = { AccountSid: ACCOUNT, MessageSid: 'SM' + '5'.repeat(32), MessageStatus: 'delivered' };
		const opts = { staticData, params: { events: ['messageStatus'] } };
		expect((await handleWebhook(harness({ ...opts, request: signedForm(status) }).ctx)).workflowData).toHaveLength(1);
		expect((await handleWebhook(harness({ ...opts, request: signedForm(status) }).ctx)).workflowData).toBeUndefined();
		// The next status of the same message is a new event.
		expect((await handleWebhook(harness({ ...opts, request: signedForm({ ...status, MessageStatus: 'read' }) }).ctx)).workflowData).toHaveLength(1);
		expect((staticData.seen as unknown[]).length).toBe(2);
		expect(DEDUPE_MAX_ENTRIES).toBeGreaterThan(2);
	});

	it('starts a second execution for a retry when Ignore Retried Deliveries is off', async () => {
		const staticData: IDataObject = {};
		const opts = { staticData, params: { options: { ignoreRetries: false } } };
		expect((await handleWebhook(harness({ ...opts, request: signedForm(SMS) }).ctx)).workflowData).toHaveLength(1);
		expect((await handleWebhook(harness({ ...opts, request: signedForm(SMS) }).ctx)).workflowData).toHaveLength(1);
	});

	it('acknowledges a genuine event it does not listen to, without an execution', async () => {
		const call = { AccountSid: ACCOUNT, CallSid: 'CA' + '6'.repeat(32), CallStatus: 'ringing' };
		const h = harness({ request: signedForm(call) });
		expect(await handleWebhook(h.ctx)).toEqual({ noWebhookResponse: true });
		expect(h.sent[0].status).toBe(200);
	});
});

describe('Twilio Trigger: Recording Completed', () => {
	const RECORDING: Record<string, string> = {
		AccountSid: ACCOUNT,
		CallSid: 'CA' + '7'.repeat(32),
		RecordingSid: 'RE' + '8'.repeat(32),
		RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE${'8'.repeat(32)}`,
		RecordingStatus: 'completed',
		RecordingDuration: '12',
		RecordingChannels: '1',
		RecordingStartTime: 'Tue, 01 Dec 2026 10:00:00 +0000',
		RecordingSource: 'OutboundAPI',
		RecordingTrack: 'both',
		ErrorCode: '0',
	};

	it('classifies a RecordingStatusCallback by RecordingSid before its CallSid; only completed is the event', () => {
		expect(classify(RECORDING)).toBe('recordingCompleted');
		expect(classify({ ...RECORDING, CallStatus: 'completed', CallbackSource: 'call-progress-events' })).toBe('recordingCompleted');
		expect(classify({ ...RECORDING, RecordingStatus: 'in-progress' })).toBeUndefined();
		expect(classify({ ...RECORDING, RecordingStatus: 'absent' })).toBeUndefined();
		// A <Record> action names the recording but is about the call (no RecordingStatus).
		const { RecordingStatus: _s, ...recordAction } = RECORDING;
		expect(classify({ ...recordAction, Digits: 'hangup', CallStatus: 'in-progress' })).toBe('callStatus');
		expect(dedupeKey('recordingCompleted', RECORDING, undefined)).toBe(`r:${RECORDING.RecordingSid}:completed`);
	});

	it('outputs a flat recording item with the .mp3 and .wav media URLs', () => {
		expect(toOutput('recordingCompleted', RECORDING)).toEqual({
			event: 'recordingCompleted',
			recordingSid: RECORDING.RecordingSid,
			callSid: RECORDING.CallSid,
			accountSid: ACCOUNT,
			status: 'completed',
			duration: 12,
			channels: 1,
			source: 'OutboundAPI',
			track: 'both',
			startTime: '2026-12-01T10:00:00.000Z',
			recordingUrl: RECORDING.RecordingUrl,
			mediaUrl: `${RECORDING.RecordingUrl}.mp3`,
			mediaUrlWav: `${RECORDING.RecordingUrl}.wav`,
			errorCode: null,
			raw: RECORDING,
		});
		const sparse = toOutput('recordingCompleted', { RecordingSid: 'RE1', RecordingStatus: 'completed', ErrorCode: '13617' });
		expect(sparse).toMatchObject({ duration: null, mediaUrl: null, startTime: null, errorCode: 13617, callSid: null });
	});

	it('starts the workflow for a signed callback, answers at once, and ignores a retry', async () => {
		const staticData: IDataObject = {};
		const h = harness({ params: { events: ['recordingCompleted'] }, request: signedForm(RECORDING), staticData });
		const out = await handleWebhook(h.ctx);
		expect(answered(h, out)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
		expect(out.workflowData![0][0].json).toMatchObject({ event: 'recordingCompleted', recordingSid: RECORDING.RecordingSid, mediaUrl: `${RECORDING.RecordingUrl}.mp3` });
		const again = harness({ params: { events: ['recordingCompleted'] }, request: signedForm(RECORDING), staticData });
		expect(await handleWebhook(again.ctx)).toEqual({ noWebhookResponse: true });
		expect(again.sent[0].status).toBe(200);
	});

	it('refuses a forged or tampered callback with 403, and a call-status-only trigger does not run for it', async () => {
		const forged = harness({ params: { events: ['recordingCompleted'] }, request: signedForm(RECORDING, URL_, 'not-the-token') });
		expect(await handleWebhook(forged.ctx)).toEqual({ noWebhookResponse: true });
		expect(forged.sent[0].status).toBe(403);
		const tampered = signedForm(RECORDING);
		tampered.body = { ...RECORDING, RecordingUrl: 'https://evil.example.com/a' };
		const t = harness({ params: { events: ['recordingCompleted'] }, request: tampered });
		await handleWebhook(t.ctx);
		expect(t.sent[0].status).toBe(403);
		const callOnly = harness({ params: { events: ['callStatus'] }, request: signedForm(RECORDING) });
		expect(await handleWebhook(callOnly.ctx)).toEqual({ noWebhookResponse: true });
		expect(callOnly.sent[0].status).toBe(200);
	});
});
