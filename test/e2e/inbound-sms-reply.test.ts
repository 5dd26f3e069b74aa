/**
 * examples/inbound-sms-reply.json: the sandbox plays a phone texting the number whose SMS webhook
 * the set-up pointed at the workflow's production URL; n8n's TwiML answer becomes the reply SMS.
 */
import { NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { useN8n } from './harness';

const n8n = useN8n();

describe('example: Inbound SMS → reply (Webhook stand-in)', () => {
	it('answers an inbound SMS with TwiML, which the sandbox sends back as the reply', async () => {
		const text = n8n.tag('hello <&>');
		const { status, data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: text });
		expect(status).toBe(200);
		expect(data.url).toBe(`${n8n.ctx.n8nUrl}/webhook/sms-inbound`);
		expect(data.status).toBe(200);
		expect(data.contentType).toMatch(/^text\/xml/);
		expect(data.twimlError).toBeNull();
		const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
		expect(data.twiml).toContain(`<Message>Thanks, we got your message: ${escaped}</Message>`);
		expect(data.replies).toEqual([expect.objectContaining({ from: NUMBER_MAIN.phoneNumber, to: SAMPLE_RECIPIENT, body: `Thanks, we got your message: ${text}` })]);
	});

	it('routes keywords', async () => {
		const { data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'STATUS' });
		expect(data.replies.map((r) => r.body)).toEqual(['All systems operational.']);
	});
});
