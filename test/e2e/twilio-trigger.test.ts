/**
 * The Twilio Comms Trigger in a real n8n, through its production webhook URL: activation sets the
 * number's webhooks and deactivation restores them; signed requests run the workflow and get their
 * TwiML; forged ones get 403 and run nothing; retries run nothing new; calls and status callbacks.
 * Uses numbers no example claims (NUMBER_SUPPORT, NUMBER_VOICE_ONLY).
 */
import { randomUUID } from 'node:crypto';
import { activateWorkflow, deactivateWorkflow, type SavedWorkflow, type WorkflowJson } from '../../scripts/n8n/instance';
import { FULL_ACCOUNT, NUMBER_SUPPORT, NUMBER_VOICE_ONLY, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { useN8n } from './harness';
import { settledExecutions } from '../support/n8n/executions';

const n8n = useN8n();

const AUTH = `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}`;

async function twilioApi(path: string, form: Record<string, string | string[]>): Promise<Record<string, unknown>> {
	const body = new URLSearchParams();
	for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
	const res = await fetch(`${n8n.ctx.sandboxUrl}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}${path}`, {
		method: 'POST',
		headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
		body: body.toString(),
	});
	if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as Record<string, unknown>;
}

function triggerWorkflow(name: string, parameters: Record<string, unknown>): { json: WorkflowJson; url: string } {
	const webhookId = randomUUID();
	return {
		url: `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`,
		json: {
			name: `${name} ${n8n.tag()}`,
			nodes: [
				{
					name: 'Twilio Trigger',
					type: 'n8n-nodes-comms.twilioCommsTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters,
					credentials: { twilioCommsApi: { id: 'x', name: 'Twilio sandbox' } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		},
	};
}

interface InboundAnswer {
	status: number | null;
	twiml: string | null;
	replies: Array<{ body: string }>;
	deliveries: Array<number | null>;
	heard?: Array<{ verb: string; text?: string }>;
}

describe('Twilio Comms Trigger in n8n', () => {
	let wf: SavedWorkflow;
	let url: string;

	beforeAll(async () => {
		// What the number pointed at before: the trigger must put exactly this back.
		await twilioApi(`/IncomingPhoneNumbers/${NUMBER_SUPPORT.sid}.json`, { SmsUrl: 'https://previous.example.com/sms', SmsMethod: 'GET' });
		const w = triggerWorkflow('Trigger e2e SMS', {
			events: ['incomingSms'],
			phoneNumber: { __rl: true, mode: 'list', value: NUMBER_SUPPORT.phoneNumber },
			smsReply: 'text',
			replyText: '=Got it: {{ $json.body.Body }}',
		});
		url = w.url;
		wf = await n8n.importWorkflow(w.json, { activate: true });
	});

	it("activation points the number's SMS webhook at the production URL", async () => {
		expect(await n8n.sandbox.number(NUMBER_SUPPORT.phoneNumber)).toMatchObject({ sms_url: url, sms_method: 'POST' });
	});

	it('a signed inbound SMS runs the workflow once and gets its TwiML reply', async () => {
		const before = (await n8n.executions(wf.id)).length;
		const text = n8n.tag('hi & <bye>');
		const { status, data } = await n8n.sandbox.post<InboundAnswer>('/__sandbox/inbound/sms', { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: text });
		expect(status).toBe(200);
		expect(data.status).toBe(200);
		expect(data.twiml).toContain(`<Message>Got it: ${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</Message>`);
		expect(data.replies.map((r) => r.body)).toEqual([`Got it: ${text}`]);
		expect(await settledExecutions(n8n, wf.id, before + 1)).toBe(before + 1);
	});

	it('a forged request gets 403 and starts no execution', async () => {
		const before = (await n8n.executions(wf.id)).length;
		const { data } = await n8n.sandbox.post<InboundAnswer>('/__sandbox/inbound/sms', { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'forged', tamper: true });
		expect(data.status).toBe(403);
		expect(data.replies).toEqual([]);
		// An unsigned POST and a GET straight at the URL are refused the same way.
		const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'MessageSid=SM1&Body=x' });
		expect(unsigned.status).toBe(403);
		expect((await fetch(url)).status).toBe(403);
		expect(await settledExecutions(n8n, wf.id, before)).toBe(before);
	});

	it('a retried delivery (same idempotency token) starts no second execution', async () => {
		const before = (await n8n.executions(wf.id)).length;
		const { data } = await n8n.sandbox.post<InboundAnswer>('/__sandbox/inbound/sms', { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'twice', deliveries: 3 });
		expect(data.deliveries).toEqual([200, 200, 200]);
		expect(await settledExecutions(n8n, wf.id, before + 1)).toBe(before + 1);
	});

	it('a JSON delivery signed with bodySHA256 is accepted', async () => {
		const before = (await n8n.executions(wf.id)).length;
		const { data } = await n8n.sandbox.post<InboundAnswer>('/__sandbox/inbound/sms', { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'json', json: true });
		expect(data.status).toBe(200);
		expect(await settledExecutions(n8n, wf.id, before + 1)).toBe(before + 1);
	});

	it('deactivation restores the previous SMS webhook exactly', async () => {
		wf = await deactivateWorkflow(n8n.rest, wf);
		expect(await n8n.sandbox.number(NUMBER_SUPPORT.phoneNumber)).toMatchObject({ sms_url: 'https://previous.example.com/sms', sms_method: 'GET' });
		// Activated again for the harness's clean-up to find it as it left it.
		wf = await activateWorkflow(n8n.rest, (await n8n.rest.get<SavedWorkflow>(`/rest/workflows/${wf.id}`)).data);
		expect((await n8n.sandbox.number(NUMBER_SUPPORT.phoneNumber)).sms_url).toBe(url);
		wf = await deactivateWorkflow(n8n.rest, wf);
		expect((await n8n.sandbox.number(NUMBER_SUPPORT.phoneNumber)).sms_url).toBe('https://previous.example.com/sms');
	});
});

describe('Twilio Comms Trigger: calls and status callbacks', () => {
	it('an inbound call hears <Say>, and deactivation clears the VoiceUrl it set', async () => {
		const w = triggerWorkflow('Trigger e2e call', {
			events: ['incomingCall'],
			phoneNumber: { __rl: true, mode: 'number', value: NUMBER_VOICE_ONLY.phoneNumber },
			voiceReply: 'say',
			sayText: 'Hello from n8n',
			voice: 'Polly.Joanna',
		});
		let saved = await n8n.importWorkflow(w.json, { activate: true });
		expect(await n8n.sandbox.number(NUMBER_VOICE_ONLY.phoneNumber)).toMatchObject({ voice_url: w.url, voice_method: 'POST' });
		const { data } = await n8n.sandbox.post<InboundAnswer>('/__sandbox/inbound/call', { from: SAMPLE_RECIPIENT, to: NUMBER_VOICE_ONLY.phoneNumber });
		expect(data.status).toBe(200);
		expect(data.heard).toEqual([expect.objectContaining({ verb: 'Say', text: 'Hello from n8n' })]);
		expect(await settledExecutions(n8n, saved.id, 1)).toBe(1);
		saved = await deactivateWorkflow(n8n.rest, saved);
		expect((await n8n.sandbox.number(NUMBER_VOICE_ONLY.phoneNumber)).voice_url).toBe('');
	});

	it('status callbacks of a sent message each start one execution', async () => {
		const w = triggerWorkflow('Trigger e2e status', { events: ['messageStatus'], setupMode: 'manual' });
		const saved = await n8n.importWorkflow(w.json, { activate: true });
		const msg = await twilioApi('/Messages.json', { To: SAMPLE_RECIPIENT, From: NUMBER_SUPPORT.phoneNumber, Body: n8n.tag('status'), StatusCallback: w.url });
		expect(msg.sid).toMatch(/^SM/);
		// queued → sending → sent → delivered: one callback each.
		expect(await settledExecutions(n8n, saved.id, 4)).toBe(4);
		const list = await n8n.executions(saved.id);
		const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${list[0].id}`);
		expect(JSON.stringify(data)).toContain(String(msg.sid));
	});

	it('call status callbacks of a placed call start executions with the call status', async () => {
		const w = triggerWorkflow('Trigger e2e call status', { events: ['callStatus'], setupMode: 'manual' });
		const saved = await n8n.importWorkflow(w.json, { activate: true });
		const call = await twilioApi('/Calls.json', {
			To: SAMPLE_RECIPIENT,
			From: NUMBER_SUPPORT.phoneNumber,
			Twiml: '<Response><Say>Hi</Say></Response>',
			StatusCallback: w.url,
			StatusCallbackEvent: ['ringing', 'completed'],
		});
		expect(call.sid).toMatch(/^CA/);
		expect(await settledExecutions(n8n, saved.id, 2)).toBe(2);
		const list = await n8n.executions(saved.id);
		const texts = await Promise.all(list.map(async (e) => JSON.stringify((await n8n.rest.get(`/rest/executions/${e.id}`)).data)));
		expect(texts.every((t) => t.includes(String(call.sid)))).toBe(true);
		expect(texts.some((t) => t.includes('completed'))).toBe(true);
	});
});
