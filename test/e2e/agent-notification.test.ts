/**
 * examples/agent-notification.json, imported and activated by the global set-up exactly as shipped:
 * its production webhook makes the stand-in agent text the number and email the address from the
 * request, and answers with both results.
 */
import { NUMBER_MAIN, RESEND_FROM, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { useN8n } from './harness';

const n8n = useN8n();

interface Answer {
	sms: { sid: string; to: string; from: string; status: string; numSegments: number; encoding: string };
	email: { id: string; to: string[]; subject: string };
}

const emailsWith = (subject: string) => n8n.sandbox.emails((e) => e.subject.includes(subject));

describe('example: Agent → notification (SMS + email)', () => {
	it('is imported from examples/ and active', () => {
		const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('agent-notification.json'));
		expect(wf?.active).toBe(true);
	});

	it('a POST to /webhook/notify sends the SMS and the email through the sandbox and answers with both', async () => {
		const question = n8n.tag('is-the-build-green');
		const res = await n8n.webhook<Answer>('notify', { to: SAMPLE_RECIPIENT, email: 'ada@example.com', question });
		expect(res.status).toBe(200);
		expect(res.json.sms).toMatchObject({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, status: 'queued', numSegments: 1, encoding: 'GSM-7' });
		expect(res.json.sms.sid).toMatch(/^SM[0-9a-f]{32}$/);
		expect(res.json.email).toMatchObject({ to: ['ada@example.com'], subject: `Re: ${question}` });

		const message = `You asked: "${question}". An agent would answer here; this reply came from n8n.`;
		// Delivered: the sandbox moved it through its statuses, as Twilio would.
		const [sms] = await n8n.sandbox.waitForMessages((m) => m.body.includes(question), { done: (m) => m.status === 'delivered' });
		expect(sms).toMatchObject({ sid: res.json.sms.sid, to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, direction: 'outbound-api', body: message });

		const emails = await emailsWith(question);
		expect(emails).toEqual([expect.objectContaining({ id: res.json.email.id, to: ['ada@example.com'], from: RESEND_FROM, text: message })]);
	});

	it('a request without a valid number fails in Send SMS and sends nothing', async () => {
		const question = n8n.tag('no-number');
		const res = await n8n.webhook('notify', { to: '12345', question });
		// n8n answers a failed "last node" webhook with a generic 500; the reason is in the execution.
		expect(res.status).toBe(500);
		expect(res.json).toEqual({ message: 'Error in workflow' });
		expect(await n8n.sandbox.messages((m) => m.body.includes(question))).toHaveLength(0);
		expect(await emailsWith(question)).toHaveLength(0);
		const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('agent-notification.json'));
		expect(wf).toBeDefined();
		expect((await n8n.executions(wf!.id)).map((e) => e.status)).toContain('error');
	});
});
