/**
 * examples/inbound-sms-reply.json and inbound-sms-reply-later.json, imported and activated by the
 * global set-up exactly as shipped: activating them made the Twilio Comms Trigger point each
 * number's SMS webhook at n8n's production URL, and the sandbox plays a phone texting it.
 */
import { NUMBER_ALERTS, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { useN8n } from './harness';
import { settledExecutions } from '../support/n8n/executions';

const n8n = useN8n();

function example(file: string) {
	const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith(file));
	if (!wf) throw new Error(`${file} was not imported`);
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-comms.twilioCommsTrigger') as unknown as { webhookId: string };
	return { wf, url: `${n8n.ctx.n8nUrl}/webhook/${trigger.webhookId}/webhook` };
}

describe('example: Inbound SMS → reply (Twilio Trigger)', () => {
	it("activation pointed the number's SMS webhook at the production URL", async () => {
		const { wf, url } = example('inbound-sms-reply.json');
		expect(wf.active).toBe(true);
		expect(await n8n.sandbox.number(NUMBER_MAIN.phoneNumber)).toMatchObject({ sms_url: url, sms_method: 'POST' });
	});

	it("answers a signed inbound SMS with the last node's reply, which the sandbox sends back", async () => {
		const text = n8n.tag('hello <&>');
		const { status, data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: text });
		expect(status).toBe(200);
		expect(data.url).toBe(example('inbound-sms-reply.json').url);
		expect(data.status).toBe(200);
		expect(data.twimlError).toBeNull();
		expect(data.replies).toEqual([expect.objectContaining({ from: NUMBER_MAIN.phoneNumber, to: SAMPLE_RECIPIENT, body: `Thanks, we got your message: ${text}` })]);
	});

	it('routes keywords', async () => {
		const { data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'STATUS' });
		expect(data.replies.map((r) => r.body)).toEqual(['All systems operational.']);
	});
});

describe('example: Inbound SMS → reply, retried by Twilio', () => {
	it('a retried delivery (same idempotency token) starts no second execution', async () => {
		const { wf } = example('inbound-sms-reply.json');
		const count = async () => (await n8n.executions(wf.id)).length;
		const before = await count();
		const { data } = await n8n.sandbox.post<{ deliveries: number[]; replies: Array<{ body: string }> }>('/__sandbox/inbound/sms', {
			from: SAMPLE_RECIPIENT,
			to: NUMBER_MAIN.phoneNumber,
			body: 'HELP',
			deliveries: 2,
		});
		expect(data.deliveries).toEqual([200, 200]);
		expect(data.replies.map((r) => r.body)).toEqual(['Text STATUS for the service status, or anything else to reach us.']);
		expect(await settledExecutions(n8n, wf.id, before + 1)).toBe(before + 1);
	});
});

describe('example: Inbound SMS → reply later (Twilio Trigger + Send SMS)', () => {
	it('answers Twilio at once with an empty <Response/>, then sends the answer with Send SMS', async () => {
		const { url } = example('inbound-sms-reply-later.json');
		expect(await n8n.sandbox.number(NUMBER_ALERTS.phoneNumber)).toMatchObject({ sms_url: url, sms_method: 'POST' });
		const text = n8n.tag('later');
		const { status, data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_ALERTS.phoneNumber, body: text });
		expect(status).toBe(200);
		expect(data).toMatchObject({ status: 200, twimlError: null, replies: [] });
		expect(data.twiml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
		const [sent] = await n8n.sandbox.waitForMessages((m) => m.direction === 'outbound-api' && m.body.includes(text));
		expect(sent).toMatchObject({ from: NUMBER_ALERTS.phoneNumber, to: SAMPLE_RECIPIENT, body: `You said: ${text} (answered after the webhook returned)` });
	});
});
