/**
 * Call and Wait and Send and Wait survive a restart of n8n: the waiting execution lives in n8n's
 * database, and so does the trigger's registry of awaited replies, not in memory. This file runs its
 * own n8n (useOwnN8n), because it stops and starts it.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { parse } from 'flatted';
import { REPO_ROOT } from '../../scripts/n8n/paths';
import { NUMBER_ALERTS } from '../../sandbox/fixtures';
import { useOwnN8n } from './harness';
import { ackOutcome, callAndWaitWorkflow, finished, latestExecution, replyWaitWorkflow } from '../support/n8n/callAndWait';

const n8n = useOwnN8n({ examples: [path.join(REPO_ROOT, 'examples', 'inbound-sms-reply-later.json')] });
const CALLEE = '+15555550166';

it('n8n stops and starts while the execution waits; the key press afterwards resumes it', async () => {
	// The callee presses 1 about 45 s into the call, after the restart below is over (8 s on an idle
	// machine, 32 s seen on a loaded one); the prompt waits 55 call seconds (1 call second = 1 s here).
	await n8n.sandbox.callee(CALLEE, { answer: 'human', afterMs: 100, press: { digits: '1', afterMs: 45_000 }, secondMs: 1000 });
	const path = `call-wait-restart-${randomUUID().slice(0, 8)}`;
	const wf = await n8n.importWorkflow(callAndWaitWorkflow(path, CALLEE, { acknowledgeTimeout: 55, acknowledgeAttempts: 1 }), { activate: true });
	expect((await n8n.webhook(path, { tag: n8n.tag('restart') })).status).toBe(200);
	const waiting = await latestExecution(n8n, wf.id, (s) => s === 'waiting');

	const stopped = Date.now();
	await n8n.stack().restartN8n();
	process.stderr.write(`[restart] n8n was down and back in ${((Date.now() - stopped) / 1000).toFixed(1)} s\n`);
	expect((await latestExecution(n8n, wf.id, () => true)).status).toBe('waiting');

	const done = await latestExecution(n8n, wf.id, finished, 60_000);
	expect(done).toMatchObject({ id: waiting.id, status: 'success' });
	expect(await ackOutcome(n8n, done.id)).toEqual([expect.objectContaining({ acknowledged: true, digit: '1', to: CALLEE })]);
}, 120_000);

it("n8n restarts while an execution waits for a reply SMS; the reply afterwards still finds it (the trigger's registry is in the database)", async () => {
	const recipient = '+15555550168';
	// Replies 25 s after the question is delivered: after the restart below.
	const webhookPath = `sms-reply-restart-${randomUUID().slice(0, 8)}`;
	const wf = await n8n.importWorkflow(
		replyWaitWorkflow('restart: sms reply', webhookPath, {
			to: recipient,
			from: { __rl: true, mode: 'number', value: NUMBER_ALERTS.phoneNumber },
			body: 'Deploy? Reply YES or NO',
		}),
		{ activate: true },
	);
	expect((await n8n.webhook(webhookPath, {})).status).toBe(200);
	const waiting = await latestExecution(n8n, wf.id, (s) => s === 'waiting');
	await n8n.stack().restartN8n();
	// The recipient texts back once n8n is up again. n8n reports ready before it has re-activated every
	// workflow, so the first tries may not reach the trigger yet (Twilio would not retry; the point
	// here is that the registry, read back from the database, still finds the execution).
	const deadline = Date.now() + 60_000;
	for (;;) {
		const { data } = await n8n.sandbox.inboundSms({ from: recipient, to: NUMBER_ALERTS.phoneNumber, body: 'YES' });
		if (data.status === 200) break;
		if (Date.now() > deadline) throw new Error(`the trigger did not take the reply after the restart: ${JSON.stringify(data)}`);
		await new Promise((r) => setTimeout(r, 500));
	}
	const done = await latestExecution(n8n, wf.id, finished, 60_000);
	expect(done).toMatchObject({ id: waiting.id, status: 'success' });
	const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${done.id}`);
	const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
	expect(run.resultData.runData.Ask?.at(-1)?.data?.main[0]?.[0]?.json).toMatchObject({ reply: 'YES', choice: 'YES', from: recipient });
}, 120_000);
