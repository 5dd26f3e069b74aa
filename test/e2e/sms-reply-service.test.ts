/**
 * Send and Wait for a reply SMS where a Messaging Service owns inbound messages (the usual US A2P
 * set-up): the Twilio Comms Trigger is the service's Inbound Request URL, and it routes replies both
 * for a wait sent from one of the service's numbers and for one sent through the service itself.
 * Its own n8n and sandbox (useOwnN8n): it takes over a Messaging Service that another file also uses.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { MESSAGING_SERVICE_CAMPAIGN, NUMBER_CAMPAIGN } from '../../sandbox/fixtures';
import { finished, latestExecution, replyWaitWorkflow } from '../support/n8n/callAndWait';
import { settledExecutions } from '../support/n8n/executions';
import { useOwnN8n } from './harness';

const n8n = useOwnN8n({ examples: [] });
const SERVICE = MESSAGING_SERVICE_CAMPAIGN.sid;

function askWorkflow(path: string, sender: Record<string, unknown>): WorkflowJson {
	return replyWaitWorkflow(`service reply ${path}`, path, { to: '={{ $json.body.to }}', body: 'Approve the refund? Reply YES or NO', ...sender });
}

async function answerOf(workflowId: string): Promise<Record<string, unknown>> {
	const done = await latestExecution(n8n, workflowId, finished, 30_000);
	expect(done.status).toBe('success');
	const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${done.id}`);
	const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
	return run.resultData.runData.Ask?.at(-1)?.data?.main[0]?.[0]?.json ?? {};
}

it("routes replies through the service's inbound URL, for a number of the service and for the service as the sender", async () => {
	const trigger = await n8n.importWorkflow(
		{
			name: 'service trigger',
			nodes: [
				{
					name: 'Twilio Trigger',
					type: 'n8n-nodes-comms.twilioCommsTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { events: ['incomingSms'], source: 'messagingService', messagingService: { __rl: true, mode: 'list', value: SERVICE }, smsReply: 'text', replyText: 'The trigger got it' },
					credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		},
		{ activate: true },
	);
	expect((await n8n.sandbox.messagingService(SERVICE)).use_inbound_webhook_on_number).toBe(false);

	const fromNumber = '+15555550185';
	const viaService = '+15555550186';
	await n8n.sandbox.recipient(fromNumber, { reply: 'yes', afterMs: 200 });
	await n8n.sandbox.recipient(viaService, { reply: 'NO', afterMs: 200 });

	const a = `service-a-${randomUUID().slice(0, 8)}`;
	const wfA = await n8n.importWorkflow(askWorkflow(a, { sender: 'number', from: { __rl: true, mode: 'number', value: NUMBER_CAMPAIGN.phoneNumber } }), { activate: true });
	expect((await n8n.webhook(a, { to: fromNumber })).status).toBe(200);
	expect(await answerOf(wfA.id)).toMatchObject({ reply: 'yes', choice: 'YES', from: fromNumber, to: NUMBER_CAMPAIGN.phoneNumber });

	const b = `service-b-${randomUUID().slice(0, 8)}`;
	const wfB = await n8n.importWorkflow(askWorkflow(b, { sender: 'messagingService', messagingService: { __rl: true, mode: 'id', value: SERVICE } }), { activate: true });
	expect((await n8n.webhook(b, { to: viaService })).status).toBe(200);
	expect(await answerOf(wfB.id)).toMatchObject({ reply: 'NO', choice: 'NO', from: viaService });

	// Nobody waits for this sender: the trigger's workflow answers it.
	const { data } = await n8n.sandbox.inboundSms({ from: '+15555550187', to: NUMBER_CAMPAIGN.phoneNumber, body: 'hello' });
	expect(data.replies.map((r) => r.body)).toEqual(['The trigger got it']);
	expect(await settledExecutions(n8n, trigger.id, 1)).toBe(1);
}, 120_000);
