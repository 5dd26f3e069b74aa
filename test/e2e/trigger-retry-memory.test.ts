/**
 * The trigger's retry memory in a real n8n, and the two n8n behaviours it relies on:
 *  1. When the trigger answers Twilio itself (regular mode: at once), n8n saves the workflow's static
 *     data (the memory) just after that answer, before the execution runs; a retry meanwhile comes to
 *     this same process, which remembers the delivery. Checked by reading static data while a slow
 *     execution is still running.
 *  2. When the workflow answers, n8n saves static data with the workflow's answer, and resets the
 *     "changed" mark as it creates the execution; the trigger re-marks it right after. Checked by
 *     reading static data once the answer is out.
 * Requests are signed with the twilio SDK and posted straight to the webhook (manual set-up), so no
 * number is shared with other test files. The queue test repeats this across two webhook processes,
 * where n8n sends the answer only after saving the memory.
 */
import { randomUUID } from 'node:crypto';
import { FULL_ACCOUNT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { deliver, inboundCall, inboundSms, slowTriggerWorkflow } from '../support/n8n/twilioDelivery';
import { settledExecutions } from '../support/n8n/executions';
import { useN8n } from './harness';

const n8n = useN8n();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TO = '+15555550144';
const WAIT_S = 4;
const workflow = (name: string, trigger: Record<string, unknown>, reply: string, waitSeconds = WAIT_S) => slowTriggerWorkflow(name, trigger, reply, waitSeconds);

async function staticMemory(workflowId: string): Promise<string[]> {
	const { data } = await n8n.rest.get<{ staticData?: Record<string, { seen?: Array<[string, number]> }> | null }>(`/rest/workflows/${workflowId}`);
	return (data.staticData?.['node:Twilio Trigger']?.seen ?? []).map(([k]) => k);
}

/** Static data as soon as it holds `key`, or as it is after 2 s. */
async function memoryHolding(workflowId: string, key: string): Promise<string[]> {
	const deadline = Date.now() + 2_000;
	for (;;) {
		const keys = await staticMemory(workflowId);
		if (keys.includes(key) || Date.now() > deadline) return keys;
		await sleep(50);
	}
}

describe('the retry memory is saved with an immediate answer, before the execution runs', () => {
	it('has the delivery in static data while the execution still runs, and a retry right after the answer starts nothing', async () => {
		const { json, webhookId } = workflow('retry memory: immediate answer', { events: ['incomingSms'], smsReply: 'text', replyText: 'Got it' }, 'unused');
		const wf = await n8n.importWorkflow(json, { activate: true });
		const url = `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`;
		const token = `e2e-${randomUUID()}`;
		const params = inboundSms(TO, SAMPLE_RECIPIENT, `slow ${token}`, FULL_ACCOUNT.sid);
		const t0 = Date.now();
		const first = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(first).toMatchObject({ timedOut: false, status: 200, body: expect.stringContaining('<Message>Got it</Message>') });
		// At once, before n8n may have saved the memory: this process remembers the delivery.
		const retry = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(retry).toMatchObject({ timedOut: false, status: 200, body: expect.stringContaining('<Message>Got it</Message>') });
		// n8n behaviour 1: saved before the execution (which waits WAIT_S seconds) has ended.
		expect(await memoryHolding(wf.id, `t:${token}`)).toContain(`t:${token}`);
		expect(Date.now() - t0).toBeLessThan(WAIT_S * 1000);
		expect(await settledExecutions(n8n, wf.id, 1)).toBe(1);
	});
});

describe('a workflow answer slower than Twilio waits', () => {
	it('runs once: the retry after Twilio gave up starts nothing, and the memory is saved with the late answer', async () => {
		const { json, webhookId } = workflow('retry memory: slow workflow answer', { events: ['incomingSms'], smsReply: 'workflow', options: { workflowReplyFrom: 'lastNode' } }, 'Done');
		const wf = await n8n.importWorkflow(json, { activate: true });
		const url = `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`;
		const token = `e2e-${randomUUID()}`;
		const params = inboundSms(TO, SAMPLE_RECIPIENT, `slow answer ${token}`, FULL_ACCOUNT.sid);
		// Twilio's read timeout, shortened (as a #rt= connection override would) below the workflow's time.
		const first = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token, readTimeoutMs: 1_500 });
		expect(first).toEqual({ timedOut: true });
		const retry = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(retry).toMatchObject({ timedOut: false, status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
		expect(await settledExecutions(n8n, wf.id, 1)).toBe(1);
		// n8n behaviour 2: the memory went to the database with the workflow's answer.
		expect(await staticMemory(wf.id)).toContain(`t:${token}`);
	});

	it('remembers a delivery whose workflow answered in time, in the database', async () => {
		const { json, webhookId } = workflow('retry memory: workflow answer', { events: ['incomingSms'], smsReply: 'workflow', options: { workflowReplyFrom: 'lastNode' } }, 'Done', 1);
		const wf = await n8n.importWorkflow(json, { activate: true });
		const url = `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`;
		const token = `e2e-${randomUUID()}`;
		const params = inboundSms(TO, SAMPLE_RECIPIENT, `in time ${token}`, FULL_ACCOUNT.sid);
		const first = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(first).toMatchObject({ timedOut: false, status: 200, body: 'Done' });
		expect(await staticMemory(wf.id)).toContain(`t:${token}`);
		expect(await settledExecutions(n8n, wf.id, 1)).toBe(1);
	});
});

describe('SMS and calls both answered from the workflow', () => {
	it('answers each with its own content type: the SMS reply as text, the call as TwiML', async () => {
		const reply = "={{ $('Twilio Trigger').item.json.event === 'incomingCall' ? '<Response><Say>Hello from n8n</Say></Response>' : 'Thanks for your text' }}";
		const { json, webhookId } = workflow(
			'SMS and calls from the workflow',
			{ events: ['incomingSms', 'incomingCall'], smsReply: 'workflow', voiceReply: 'workflow', options: { workflowReplyFrom: 'lastNode' } },
			reply,
			1,
		);
		const wf = await n8n.importWorkflow(json, { activate: true });
		const url = `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`;
		const sms = await deliver({ url, params: inboundSms(TO, SAMPLE_RECIPIENT, 'hi', FULL_ACCOUNT.sid), authToken: FULL_ACCOUNT.authToken, idempotencyToken: randomUUID() });
		expect(sms).toMatchObject({ timedOut: false, status: 200, body: 'Thanks for your text' });
		expect(sms.timedOut === false && sms.contentType).toMatch(/^text\/plain/);
		const call = await deliver({ url, params: inboundCall(TO, SAMPLE_RECIPIENT, FULL_ACCOUNT.sid), authToken: FULL_ACCOUNT.authToken, idempotencyToken: randomUUID() });
		expect(call).toMatchObject({ timedOut: false, status: 200, body: '<Response><Say>Hello from n8n</Say></Response>' });
		expect(call.timedOut === false && call.contentType).toMatch(/^text\/xml/);
		expect(await settledExecutions(n8n, wf.id, 2)).toBe(2);
	});
});
