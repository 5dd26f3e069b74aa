/**
 * Send SMS → Send and Wait for Response by reply SMS, in a real n8n. examples/inbound-sms-reply-later.json
 * owns +15555550101's SMS URL (its Twilio Comms Trigger); three executions wait on that number for
 * three recipients, whose phones (sandbox recipient scripts) reply in another order. Each reply must
 * reach the execution waiting for its sender, and an SMS from anyone else the trigger's workflow.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { NUMBER_ALERTS } from '../../sandbox/fixtures';
import { smsReplyWaitWorkflow } from '../support/n8n/callAndWait';
import { useN8n } from './harness';

const n8n = useN8n();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const R1 = '+15555550181';
const R2 = '+15555550182';
const R3 = '+15555550183';
const STRANGER = '+15555550184';

function workflow(path: string): WorkflowJson {
	return smsReplyWaitWorkflow(`e2e: sms reply ${path}`, path, 10, {
		nodes: [{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} }],
		ask: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
	});
}

async function answers(workflowId: string, count: number): Promise<Array<Record<string, unknown>>> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const done = (await n8n.executions(workflowId)).filter((e) => e.status === 'success');
		if (done.length >= count) {
			const out: Array<Record<string, unknown>> = [];
			for (const e of done) {
				const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${e.id}`);
				const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
				out.push(run.resultData.runData.Ask?.at(-1)?.data?.main[0]?.[0]?.json ?? {});
			}
			return out;
		}
		if (Date.now() > deadline) throw new Error(`only ${done.length} of ${count} executions finished: ${JSON.stringify(await n8n.executions(workflowId))}`);
		await sleep(200);
	}
}

describe('Send SMS: Send and Wait for Response by reply SMS', () => {
	afterAll(async () => {
		for (const r of [R1, R2, R3]) await n8n.sandbox.post('/__sandbox/recipient', { number: r, script: null }).catch(() => undefined);
	});

	it('three executions wait on one number for three recipients; each gets its own reply, whatever the order; a stranger reaches the trigger workflow', async () => {
		// Replies come back in another order than the questions go out: R2 first, then R3, then R1.
		await n8n.sandbox.recipient(R1, { reply: 'yes', afterMs: 900 });
		await n8n.sandbox.recipient(R2, { reply: '  No ', afterMs: 100 });
		await n8n.sandbox.recipient(R3, { reply: 'maybe after lunch', afterMs: 500 });
		const path = `sms-reply-${randomUUID().slice(0, 8)}`;
		const wf = await n8n.importWorkflow(workflow(path), { activate: true });
		const tag = n8n.tag('deploy');
		for (const to of [R1, R2, R3]) expect((await n8n.webhook(path, { to, tag })).status).toBe(200);

		const byFrom = Object.fromEntries((await answers(wf.id, 3)).map((a) => [a.from, a]));
		expect(byFrom[R1]).toMatchObject({ reply: 'yes', choice: 'YES', to: NUMBER_ALERTS.phoneNumber });
		expect(byFrom[R2]).toMatchObject({ reply: '  No ', choice: 'NO' });
		expect(byFrom[R3]).toMatchObject({ reply: 'maybe after lunch', choice: null });
		for (const a of Object.values(byFrom) as Array<Record<string, unknown>>) expect(String(a.messageSid)).toMatch(/^SM[0-9a-f]{32}$/);

		// The trigger's own workflow (it answers every SMS with a text) saw none of the three replies...
		await sleep(1000);
		const sent = await n8n.sandbox.messages((m) => m.from === NUMBER_ALERTS.phoneNumber && [R1, R2, R3].includes(m.to));
		expect(sent.map((m) => m.to).sort()).toEqual([R1, R2, R3]);
		expect(sent.every((m) => m.body.includes(tag))).toBe(true);

		// ...and still gets an SMS from someone nobody waits for.
		const { data } = await n8n.sandbox.inboundSms({ from: STRANGER, to: NUMBER_ALERTS.phoneNumber, body: `hello ${tag}` });
		expect(data.status).toBe(200);
		const [answer] = await n8n.sandbox.waitForMessages((m) => m.to === STRANGER && m.from === NUMBER_ALERTS.phoneNumber, { timeoutMs: 20_000 });
		expect(answer.body).toBeTruthy();
	});

	it('a number whose SMS URL is not a Twilio Comms Trigger fails before anything is sent', async () => {
		const path = `sms-reply-${randomUUID().slice(0, 8)}`;
		const json = workflow(path);
		// Not a number of the account, so no SMS URL: nobody would route the reply.
		(json.nodes[1].parameters as Record<string, unknown>).from = { __rl: true, mode: 'number', value: '+15555550150' };
		const wf = await n8n.importWorkflow(json, { activate: true });
		const tag = n8n.tag('nowhere');
		await n8n.webhook(path, { to: R1, tag });
		const deadline = Date.now() + 15_000;
		let status = '';
		while (Date.now() < deadline && status !== 'error') {
			status = (await n8n.executions(wf.id))[0]?.status ?? '';
			await sleep(150);
		}
		expect(status).toBe('error');
		expect(await n8n.sandbox.messages((m) => m.body.includes(tag))).toEqual([]);
	});
});
