/**
 * examples/alert-escalation.json as shipped: a failed health check calls on-call #1 and waits for
 * "press 1"; without it, on-call #2; without that, the team gets an SMS and an email naming who was
 * tried and how each call ended. The sandbox plays both on-call phones (callee scripts).
 */
import { parse } from 'flatted';
import { RESEND_FROM } from '../../sandbox/fixtures';
import type { SandboxCall } from '../support/n8n/sandboxClient';
import { useN8n } from './harness';

const n8n = useN8n();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ONCALL_1 = '+15555550171';
const ONCALL_2 = '+15555550172';
const TEAM = '+15555550173';

const workflow = () => {
	const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('alert-escalation.json'));
	if (!wf) throw new Error('alert-escalation.json was not imported');
	return wf;
};

/** The TwiML a call was placed with carries the alert text, whether or not anybody heard it. */
const about = (c: SandboxCall, url: string) => (c.sandbox.twiml ?? '').includes(url);

/** The finished execution whose Settings node checked `url`, and the output of its last node. */
async function finishedRun(url: string, timeoutMs = 40_000): Promise<{ lastNode: string; out: Record<string, unknown> }> {
	const deadline = Date.now() + timeoutMs;
	const seen = new Set<string>();
	for (;;) {
		for (const e of await n8n.executions(workflow().id)) {
			if (seen.has(e.id) || e.status === 'waiting' || e.status === 'running' || e.status === 'new') continue;
			const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${e.id}`);
			const run = parse(data.data) as { resultData: { lastNodeExecuted: string; runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
			seen.add(e.id);
			const settings = run.resultData.runData.Settings?.[0]?.data?.main[0]?.[0]?.json;
			if (settings?.url !== url) continue;
			const last = run.resultData.lastNodeExecuted;
			return { lastNode: last, out: run.resultData.runData[last]?.at(-1)?.data?.main[0]?.[0]?.json ?? {} };
		}
		if (Date.now() > deadline) throw new Error(`no finished run for ${url}`);
		await sleep(250);
	}
}

describe('example: alert escalation (Call and Wait for Acknowledgement)', () => {
	afterAll(() => n8n.sandbox.clearCallee());

	it('is imported from examples/ and active', () => {
		expect(workflow().active).toBe(true);
	});

	it('on-call #1 presses 1: acknowledged, and #2 is never called', async () => {
		await n8n.sandbox.callee(ONCALL_1, { answer: 'human', afterMs: 100, press: { digits: '1', afterMs: 100 }, secondMs: 20 });
		const url = `http://127.0.0.1:1/${n8n.tag('ack')}`;
		const res = await n8n.webhook('alert-escalation', { url, team: TEAM });
		expect(res.status).toBe(200);
		const { lastNode, out } = await finishedRun(url);
		expect(lastNode).toBe('Acknowledged');
		expect(out).toMatchObject({ status: 'acknowledged', by: ONCALL_1, tried: `${ONCALL_1}: acknowledged (pressed 1)` });
		const calls = (await n8n.sandbox.state()).calls.filter((c) => about(c, url));
		expect(calls.map((c) => c.to)).toEqual([ONCALL_1]);
	});

	it('nobody acknowledges: #1 then #2 are called, then the team is texted and emailed who was tried', async () => {
		await n8n.sandbox.callee(ONCALL_1, { answer: 'no-answer', afterMs: 200, secondMs: 20 });
		await n8n.sandbox.callee(ONCALL_2, { answer: 'human', afterMs: 100, secondMs: 20 });
		const url = `http://127.0.0.1:1/${n8n.tag('escalate')}`;
		const res = await n8n.webhook('alert-escalation', { url, team: TEAM, email: 'team@example.com' });
		expect(res.status).toBe(200);
		const { lastNode, out } = await finishedRun(url);
		expect(lastNode).toBe('Escalated');
		const tried = `${ONCALL_1}: no-answer\n${ONCALL_2}: hung-up`;
		expect(out).toMatchObject({ status: 'escalated', tried });

		const state = await n8n.sandbox.state();
		const calls = state.calls.filter((c) => about(c, url));
		expect(calls.map((c) => c.to).sort()).toEqual([ONCALL_1, ONCALL_2]);
		const sms = state.messages.filter((m) => m.to === TEAM && m.body.includes(url));
		expect(sms).toHaveLength(1);
		expect(sms[0].body).toContain(tried);
		const mail = state.emails.filter((e) => e.subject === `Unacknowledged alert: ${url}`);
		expect(mail).toEqual([expect.objectContaining({ to: ['team@example.com'], from: RESEND_FROM })]);
		expect(mail[0].text).toContain(tried);
	});
});
