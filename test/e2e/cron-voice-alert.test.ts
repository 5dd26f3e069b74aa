/**
 * examples/cron-voice-alert.json as shipped: its "Run now" webhook runs the same path as the
 * 5-minute schedule. A URL that fails gets the on-call number called (the sandbox records what the
 * callee heard), Message Status waits for the call's final status, and Send Email mails a summary;
 * a healthy URL does neither.
 */
import { NUMBER_MAIN, RESEND_FROM } from '../../sandbox/fixtures';
import type { SandboxCall } from '../support/n8n/sandboxClient';
import { useN8n } from './harness';

const n8n = useN8n();
const ONCALL = '+15555550142';

const said = (call: SandboxCall) => call.sandbox.heard.flatMap((v) => (v.verb === 'Say' && v.text ? [v.text] : [])).join(' ');

describe('example: Cron alert → voice call', () => {
	it('is imported from examples/ and active (schedule and webhook)', () => {
		const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('cron-voice-alert.json'));
		expect(wf?.active).toBe(true);
	});

	it('a URL answering 404: calls on-call, waits for the completed call, emails the summary', async () => {
		const url = `${n8n.ctx.sandboxUrl}/${n8n.tag('no-such-page')}`;
		const res = await n8n.webhook<{ status: string; call: Record<string, unknown>; email: { id: string } }>('health-check', {
			url,
			oncall: ONCALL,
			email: 'ops@example.com',
		});
		expect(res.status).toBe(200);
		expect(res.json.status).toBe('down');
		// Message Status waited: the answer carries the call's final status, not "queued".
		expect(res.json.call).toMatchObject({ channel: 'call', status: 'completed', isFinal: true, isSuccess: true, to: ONCALL, from: NUMBER_MAIN.phoneNumber });

		const { calls, emails } = await n8n.sandbox.state();
		const mine = calls.filter((c) => said(c).includes(url));
		expect(mine).toHaveLength(1);
		expect(mine[0]).toMatchObject({ sid: res.json.call.id, to: ONCALL, from: NUMBER_MAIN.phoneNumber, status: 'completed' });
		expect(said(mine[0])).toBe(`Alert from n8n. The health check of ${url} failed: status 404.`);

		const mail = emails.filter((e) => e.subject.includes(url));
		expect(mail).toEqual([expect.objectContaining({ id: res.json.email.id, to: ['ops@example.com'], from: RESEND_FROM, subject: `Health check failed: ${url}` })]);
		expect(mail[0].text).toContain(`We called ${ONCALL}: the call ended completed`);
		expect(mail[0].text).toContain(`(call ${mine[0].sid})`);
	});

	it('a URL that refuses connections counts as down too ("no answer")', async () => {
		const url = `http://127.0.0.1:1/${n8n.tag('closed-port')}`;
		const res = await n8n.webhook<{ status: string; call: { status: string } }>('health-check', { url, oncall: ONCALL });
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ status: 'down', call: { status: 'completed' } });
		const { calls } = await n8n.sandbox.state();
		expect(calls.filter((c) => said(c) === `Alert from n8n. The health check of ${url} failed: no answer.`)).toHaveLength(1);
	});

	it('a healthy URL: no call and no email', async () => {
		const tag = n8n.tag('healthy');
		const url = `${n8n.ctx.sandboxUrl}/__sandbox/health?check=${tag}`;
		const res = await n8n.webhook('health-check', { url, oncall: ONCALL });
		expect(res.status).toBe(200);
		expect(res.json).toEqual({ status: 'up', statusCode: 200 });
		const { calls, emails } = await n8n.sandbox.state();
		expect(calls.filter((c) => said(c).includes(tag))).toHaveLength(0);
		expect(emails.filter((e) => e.subject.includes(tag))).toHaveLength(0);
	});
});
