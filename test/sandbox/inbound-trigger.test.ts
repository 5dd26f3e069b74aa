/**
 * The sandbox's inbound SMS and call simulations against the Twilio Trigger's real webhook()
 * (nodes/TwilioCommsTrigger/webhook.ts) behind a small HTTP server that plays n8n: it parses the body
 * like n8n, keeps rawBody, hands both to webhook() and sends the answer. Covers the retry,
 * tamper and JSON options end to end, without n8n.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_SUPPORT, NUMBER_VOICE_ONLY, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { handleWebhook } from '../../nodes/TwilioCommsTrigger/webhook';
import { postJson, sdk } from './helpers';

let sandbox: Sandbox;
let server: http.Server;
let base: string;
let params: Record<string, unknown>;
const executions: IDataObject[] = [];
const staticData: IDataObject = {};

/** What n8n would do with webhook()'s answer, reduced to the parts the trigger uses. */
async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	const rawBody = Buffer.concat(chunks);
	const type = (req.headers['content-type'] ?? '').split(';')[0];
	let body: unknown = {};
	if (type === 'application/json') body = JSON.parse(rawBody.toString('utf8'));
	else {
		const out: Record<string, string | string[]> = {};
		for (const [k, v] of new URLSearchParams(rawBody.toString('utf8'))) {
			const prev = out[k];
			out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
		}
		body = out;
	}
	const url = `${base}${(req.url ?? '').split('?')[0]}`;
	const ctx = {
		getRequestObject: () => ({ method: req.method, url: req.url, originalUrl: req.url, headers: req.headers, rawBody, body }),
		getResponseObject: () => res,
		getNode: () => ({ name: 'Twilio Trigger' }),
		getWorkflow: () => ({ id: 'wf' }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getWebhookResourceUrl: () => url,
		getNodeWebhookUrl: () => url,
		getCredentials: async () => ({ authType: 'authToken', accountSid: FULL_ACCOUNT.sid, authToken: FULL_ACCOUNT.authToken }),
		getWorkflowStaticData: () => staticData,
		logger: { warn: () => undefined, debug: () => undefined },
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	const out: IWebhookResponseData = await handleWebhook(ctx);
	if (out.workflowData) executions.push(out.workflowData[0][0].json);
	if (out.noWebhookResponse) return;
	if (out.webhookResponse !== undefined) {
		// What n8n does with an immediate answer: sends it, with the node's reply header (text/xml).
		res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
		res.end(String(out.webhookResponse));
		return;
	}
	// "From the workflow" replies: stand in for the workflow's answer.
	res.writeHead(200, { 'content-type': 'text/plain' });
	res.end('from the workflow');
}

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
	server = http.createServer((req, res) => void serve(req, res).catch((e: Error) => res.writeHead(500).end(e.message)));
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sandbox.close();
	server.closeAllConnections();
	await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(async () => {
	sandbox.reset();
	executions.length = 0;
	for (const k of Object.keys(staticData)) delete staticData[k];
	params = { events: ['incomingSms', 'incomingCall'], smsReply: 'text', replyText: 'Thanks & bye', voiceReply: 'say', sayText: 'Hello caller', voice: 'Polly.Joanna', options: {} };
	await sdk(sandbox).incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({ smsUrl: `${base}/webhook/t/webhook`, voiceUrl: `${base}/webhook/t/webhook` });
	await sdk(sandbox).incomingPhoneNumbers(NUMBER_VOICE_ONLY.sid).update({ voiceUrl: `${base}/webhook/v/webhook` });
});

const sms = (extra: Record<string, unknown> = {}) => postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'Hi <3', ...extra });
const call = (extra: Record<string, unknown> = {}) => postJson(`${sandbox.url}/__sandbox/inbound/call`, { from: SAMPLE_RECIPIENT, to: NUMBER_VOICE_ONLY.phoneNumber, ...extra });

describe('sandbox inbound webhooks → Twilio Trigger', () => {
	it('a signed SMS with media runs once and its TwiML reply is sent back', async () => {
		const res = await sms({ mediaUrls: ['https://example.com/cat.jpg'] });
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ status: 200, deliveries: [200], twimlError: null });
		expect(res.json.replies).toEqual([expect.objectContaining({ body: 'Thanks & bye', to: SAMPLE_RECIPIENT, from: NUMBER_SUPPORT.phoneNumber })]);
		expect(executions).toEqual([expect.objectContaining({ event: 'incomingSms', body: 'Hi <3', numMedia: 1, media: [{ url: 'https://example.com/cat.jpg', contentType: 'image/jpeg' }] })]);
		const hook = sandbox.state.webhooks.find((w) => w.kind === 'inbound-sms');
		expect(hook?.idempotencyToken).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('a retried delivery (same idempotency token) is answered without a second execution', async () => {
		const res = await sms({ deliveries: 3 });
		expect(res.json.deliveries).toEqual([200, 200, 200]);
		expect(executions).toHaveLength(1);
		const tokens = new Set(sandbox.state.webhooks.filter((w) => w.kind === 'inbound-sms').map((w) => w.idempotencyToken));
		expect(tokens.size).toBe(1);
	});

	it('a tampered signature gets 403 and runs nothing', async () => {
		const res = await sms({ tamper: true });
		expect(res.json).toMatchObject({ status: 403, replies: [] });
		expect(executions).toEqual([]);
	});

	it('a JSON body signed through bodySHA256 is accepted', async () => {
		const res = await sms({ json: true });
		expect(res.json.status).toBe(200);
		expect(res.json.url).toBe(`${base}/webhook/t/webhook`);
		expect(sandbox.state.webhooks.find((w) => w.kind === 'inbound-sms')?.url).toMatch(/\?bodySHA256=[0-9a-f]{64}$/);
		expect(executions).toEqual([expect.objectContaining({ event: 'incomingSms', body: 'Hi <3' })]);
	});

	it('an inbound call hears the <Say> answer; retries and forgeries run nothing more', async () => {
		const res = await call();
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ status: 200, twimlError: null, heard: [{ verb: 'Say', text: 'Hello caller', voice: 'Polly.Joanna' }] });
		expect(executions).toEqual([expect.objectContaining({ event: 'incomingCall', callSid: res.json.callSid, callStatus: 'ringing', from: SAMPLE_RECIPIENT })]);
		expect((await call({ deliveries: 2 })).json.deliveries).toEqual([200, 200]);
		expect(executions).toHaveLength(2);
		expect((await call({ tamper: true })).json).toMatchObject({ status: 403, heard: [], twimlError: expect.stringMatching(/^11200/) });
		expect((await call({ json: true })).json.status).toBe(200);
		expect(executions).toHaveLength(3);
	});

	it('answers 409 for a number without a VoiceUrl and 404 for an unknown one', async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_VOICE_ONLY.sid).update({ voiceUrl: '' });
		expect((await call()).status).toBe(409);
		expect((await call({ to: '+15555559999' })).status).toBe(404);
	});
});
