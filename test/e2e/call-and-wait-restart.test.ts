/**
 * Call and Wait survives a restart of n8n: the waiting execution lives in n8n's database, not in
 * memory. This file runs its own n8n (useOwnN8n), because it stops and starts it.
 */
import { randomUUID } from 'node:crypto';
import { useOwnN8n } from './harness';
import { ackOutcome, callAndWaitWorkflow, latestExecution } from '../support/n8n/callAndWait';

const n8n = useOwnN8n({ examples: [] });
const CALLEE = '+15555550166';

it('n8n stops and starts while the execution waits; the key press afterwards resumes it', async () => {
	// The callee presses 1 about 30 s into the call, long after the restart below is over; the prompt
	// waits 50 call seconds (1 call second = 1 s here) for it.
	await n8n.sandbox.callee(CALLEE, { answer: 'human', afterMs: 100, press: { digits: '1', afterMs: 30_000 }, secondMs: 1000 });
	const path = `call-wait-restart-${randomUUID().slice(0, 8)}`;
	const wf = await n8n.importWorkflow(callAndWaitWorkflow(path, CALLEE, { acknowledgeTimeout: 50, acknowledgeAttempts: 1 }), { activate: true });
	expect((await n8n.webhook(path, { tag: n8n.tag('restart') })).status).toBe(200);
	const waiting = await latestExecution(n8n, wf.id, (s) => s === 'waiting');

	const stopped = Date.now();
	await n8n.stack().restartN8n();
	process.stderr.write(`[restart] n8n was down and back in ${((Date.now() - stopped) / 1000).toFixed(1)} s\n`);
	expect((await latestExecution(n8n, wf.id, () => true)).status).toBe('waiting');

	const done = await latestExecution(n8n, wf.id, (s) => s !== 'waiting', 60_000);
	expect(done).toMatchObject({ id: waiting.id, status: 'success' });
	expect(await ackOutcome(n8n, done.id)).toEqual([expect.objectContaining({ acknowledged: true, digit: '1', to: CALLEE })]);
}, 120_000);
