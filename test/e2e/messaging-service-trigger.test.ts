/**
 * The Twilio Comms Trigger in a real n8n with a number in a Messaging Service that owns inbound
 * messages (the usual US A2P 10DLC set-up): by default activation refuses the dead end with an
 * error n8n shows; opted in (or with the service as the source) inbound SMS routed as Twilio routes
 * them reach the workflow and get the reply, and deactivation restores the service exactly.
 * Uses only NUMBER_CAMPAIGN and MESSAGING_SERVICE_CAMPAIGN, which no other test file touches.
 */
import { randomUUID } from 'node:crypto';
import { activateWorkflow, deactivateWorkflow, type WorkflowJson } from '../../scripts/n8n/instance';
import { FULL_ACCOUNT, MESSAGING_SERVICE_CAMPAIGN, NUMBER_CAMPAIGN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { useN8n } from './harness';

const n8n = useN8n();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SERVICE = MESSAGING_SERVICE_CAMPAIGN.sid;
const servicePath = `/v1/Services/${SERVICE}`;

function triggerWorkflow(name: string, parameters: Record<string, unknown>): { json: WorkflowJson; url: string } {
	const webhookId = randomUUID();
	const node = { name: 'Twilio Trigger', type: 'n8n-nodes-comms.twilioCommsTrigger', typeVersion: 1, position: [0, 0], webhookId, parameters };
	return {
		url: `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`,
		json: {
			name: `${name} ${n8n.tag()}`,
			nodes: [{ ...node, credentials: { twilioCommsApi: { id: 'x', name: 'Twilio sandbox' } } }],
			connections: {},
			settings: { executionOrder: 'v1' },
		} as WorkflowJson,
	};
}

/** Polls until the workflow has at least `count` executions whose data contains `text`. */
async function executionsWith(workflowId: string, text: string, count = 1): Promise<number> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		// Distinct ids, so one execution is never counted twice (one run counted 2 for a single delivery; the cause was not found).
		const ids = [...new Set((await n8n.executions(workflowId)).map((e) => e.id))];
		const bodies = await Promise.all(ids.map(async (id) => JSON.stringify((await n8n.rest.get(`/rest/executions/${id}`)).data)));
		const hits = bodies.filter((b) => b.includes(text)).length;
		if (hits >= count || Date.now() > deadline) return hits;
		await sleep(300);
	}
}

async function replyTo(body: string): Promise<string[]> {
	const { status, data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_CAMPAIGN.phoneNumber, body });
	expect({ status, answer: data.status, error: data.error }).toEqual({ status: 200, answer: 200, error: null });
	return data.replies.map((r) => r.body);
}

const smsReply = { smsReply: 'text', replyText: '=Got it: {{ $json.body.Body }}' };

afterAll(async () => {
	// The fixture as it was: the service owns inbound and drops it.
	await n8n.sandbox.twilio(servicePath, { InboundRequestUrl: '', InboundMethod: 'POST', UseInboundWebhookOnNumber: 'false', StatusCallback: '' });
});

describe('Twilio Comms Trigger with a number in a Messaging Service', () => {
	it('refuses to activate into the dead end, and n8n shows why and what to change', async () => {
		await n8n.sandbox.twilio(servicePath, { InboundRequestUrl: '', UseInboundWebhookOnNumber: 'false' });
		// The dead end is real: Twilio drops what the number receives.
		expect((await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_CAMPAIGN.phoneNumber, body: 'lost' })).data).toMatchObject({ dropped: true, url: null });

		const w = triggerWorkflow('Service dead end', { events: ['incomingSms'], phoneNumber: { __rl: true, mode: 'list', value: NUMBER_CAMPAIGN.phoneNumber }, ...smsReply });
		const saved = await n8n.importWorkflow(w.json);
		// n8n 2.x publishes asynchronously: the trigger's error comes back in its publication-status answer.
		const message = await activateWorkflow(n8n.rest, saved).then(
			() => 'activated',
			(e: Error) => e.message,
		);
		expect(message).toContain(`${NUMBER_CAMPAIGN.phoneNumber} is in the Messaging Service "${MESSAGING_SERVICE_CAMPAIGN.friendlyName}" (${SERVICE}), and Twilio drops them`);
		expect(message).toContain(`set "If the Number Is in a Messaging Service" to "Use the Service's Inbound URL"`);
		expect(message).toContain(`set Source to "Messaging Service" and pick ${SERVICE}`);
		expect(message).toContain(`"Defer to sender's webhook"`);
		await deactivateWorkflow(n8n.rest, saved);
		expect(await n8n.sandbox.messagingService(SERVICE)).toMatchObject({ inbound_request_url: null, use_inbound_webhook_on_number: false });
		expect((await n8n.sandbox.number(NUMBER_CAMPAIGN.phoneNumber)).sms_url).toBe('');
	});

	it("opted in, takes over the service's Inbound Request URL: a signed inbound SMS gets its reply; deactivation restores URL and method", async () => {
		await n8n.sandbox.twilio(servicePath, { InboundRequestUrl: 'https://crm.example.com/inbound', InboundMethod: 'GET', UseInboundWebhookOnNumber: 'false' });
		const w = triggerWorkflow('Service-routed number', {
			events: ['incomingSms'],
			phoneNumber: { __rl: true, mode: 'number', value: NUMBER_CAMPAIGN.phoneNumber },
			numberInService: 'useServiceUrl',
			...smsReply,
		});
		let saved = await n8n.importWorkflow(w.json, { activate: true });
		expect(await n8n.sandbox.messagingService(SERVICE)).toMatchObject({ inbound_request_url: w.url, inbound_method: 'POST', use_inbound_webhook_on_number: false });
		const text = n8n.tag('routed');
		expect(await replyTo(text)).toEqual([`Got it: ${text}`]);
		expect(await executionsWith(saved.id, text)).toBe(1);

		saved = await deactivateWorkflow(n8n.rest, saved);
		expect(await n8n.sandbox.messagingService(SERVICE)).toMatchObject({ inbound_request_url: 'https://crm.example.com/inbound', inbound_method: 'GET', use_inbound_webhook_on_number: false });
	});

	it('with the service as the source: inbound SMS and the status callbacks of messages sent through it reach the workflow; deactivation restores URL, method, flag and Status Callback', async () => {
		// The service defers to its numbers' webhooks: the trigger must turn that off, and back on.
		await n8n.sandbox.twilio(servicePath, { InboundRequestUrl: 'https://crm.example.com/previous', InboundMethod: 'GET', UseInboundWebhookOnNumber: 'true' });
		const w = triggerWorkflow('Service source', {
			events: ['incomingSms', 'messageStatus'],
			source: 'messagingService',
			messagingService: { __rl: true, mode: 'list', value: SERVICE },
			...smsReply,
		});
		let saved = await n8n.importWorkflow(w.json, { activate: true });
		expect(await n8n.sandbox.messagingService(SERVICE)).toMatchObject({ inbound_request_url: w.url, inbound_method: 'POST', use_inbound_webhook_on_number: false, status_callback: w.url });
		const text = n8n.tag('service');
		expect(await replyTo(text)).toEqual([`Got it: ${text}`]);
		expect(await executionsWith(saved.id, text)).toBe(1);

		// Sent through the service without a Status Callback of its own: the service's one applies.
		const sent = await n8n.sandbox.twilio(`/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`, { To: SAMPLE_RECIPIENT, MessagingServiceSid: SERVICE, Body: n8n.tag('status') });
		expect(await executionsWith(saved.id, String(sent.sid))).toBeGreaterThanOrEqual(1);

		saved = await deactivateWorkflow(n8n.rest, saved);
		expect(await n8n.sandbox.messagingService(SERVICE)).toMatchObject({
			inbound_request_url: 'https://crm.example.com/previous',
			inbound_method: 'GET',
			use_inbound_webhook_on_number: true,
			status_callback: null,
		});
	});
});
