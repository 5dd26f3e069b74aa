/**
 * The third outcome of Send and Wait: nobody answers before the Wait Timeout. n8n's wait tracker
 * resumes the execution on its own (it looks for due executions once a minute, so this file takes
 * one to two minutes) and runs the waiting node disabled, which passes the input item through. The
 * workflow must then go on, and a late reply must not vanish: with the execution no longer waiting,
 * the Twilio Comms Trigger that routes the number's SMS hands it to its own workflow.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { NUMBER_ALERTS } from '../../sandbox/fixtures';
import { finished, latestExecution, smsReplyWaitWorkflow } from '../support/n8n/callAndWait';
import { useN8n } from './harness';

const n8n = useN8n();
const LATE = '+15555550186';

function workflow(path: string): WorkflowJson {
	const wf = smsReplyWaitWorkflow(`e2e: sms reply timeout ${path}`, path, 1, {
		nodes: [
			{
				name: 'Answered?',
				type: 'n8n-nodes-base.if',
				typeVersion: 2.2,
				position: [400, 0],
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
						conditions: [{ id: 'answered', leftValue: '={{ $json.reply !== undefined }}', rightValue: true, operator: { type: 'boolean', operation: 'true', singleValue: true } }],
						combinator: 'and',
					},
					options: {},
				},
			},
			{ name: 'Answered', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, -100], parameters: {} },
			{ name: 'Timed Out', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 100], parameters: {} },
		],
		ask: { main: [[{ node: 'Answered?', type: 'main', index: 0 }]] },
	});
	wf.connections['Answered?'] = { main: [[{ node: 'Answered', type: 'main', index: 0 }], [{ node: 'Timed Out', type: 'main', index: 0 }]] };
	return wf;
}

type RunData = Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>>;

describe('Send and Wait: the Wait Timeout passes', () => {
	it('the execution resumes by itself with the input item, takes the not-answered branch, and a late reply goes to the trigger workflow', async () => {
		const path = `sms-timeout-${randomUUID().slice(0, 8)}`;
		const wf = await n8n.importWorkflow(workflow(path), { activate: true });
		const tag = n8n.tag('timeout');
		const started = Date.now();
		expect((await n8n.webhook(path, { to: LATE, tag })).status).toBe(200);
		await latestExecution(n8n, wf.id, (s) => s === 'waiting', 30_000);
		const [question] = await n8n.sandbox.waitForMessages((m) => m.to === LATE && m.body.includes(tag), { timeoutMs: 20_000 });
		expect(question.from).toBe(NUMBER_ALERTS.phoneNumber);

		// One minute of timeout, plus up to one minute until n8n's wait tracker looks again.
		const done = await latestExecution(n8n, wf.id, finished, 150_000);
		const waitedMs = Date.now() - started;
		expect(done.status).toBe('success');
		expect(waitedMs).toBeGreaterThanOrEqual(55_000);

		const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${done.id}`);
		const runData = (parse(data.data) as { resultData: { runData: RunData } }).resultData.runData;
		const input = runData.Request[0].data!.main[0]![0].json;
		const output = runData.Ask.at(-1)!.data!.main[0]![0].json;
		// n8n's own send-and-wait nodes do the same: the item that went in comes out, with no answer fields.
		expect(output).toEqual(input);
		expect(output).not.toHaveProperty('reply');
		expect(runData['Timed Out']).toHaveLength(1);
		expect(runData.Answered).toBeUndefined();

		// The late reply is an ordinary inbound SMS now: the trigger's workflow answers it.
		const { data: inbound } = await n8n.sandbox.inboundSms({ from: LATE, to: NUMBER_ALERTS.phoneNumber, body: `YES ${tag}` });
		expect(inbound.status).toBe(200);
		const [answer] = await n8n.sandbox.waitForMessages((m) => m.to === LATE && m.from === NUMBER_ALERTS.phoneNumber && !m.body.includes('Deploy'), { timeoutMs: 20_000 });
		expect(answer.body).toBeTruthy();
		// and the timed-out execution was not resumed a second time.
		expect((await n8n.executions(wf.id)).filter((e) => e.id === done.id)).toEqual([expect.objectContaining({ status: 'success' })]);
	}, 240_000);
});
