/** Counting a workflow's executions in a real n8n, for tests that must see that no second one comes. */

import { finished, type Executions } from './callAndWait';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The number of the workflow's executions once at least `count` have finished and none is still
 * going, and a second more has shown that no further one comes. A trigger may answer before n8n
 * has even created the execution, so a count taken right after the answer proves nothing.
 */
export async function settledExecutions(n8n: Executions, workflowId: string, count: number, timeoutMs = 30_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = await n8n.executions(workflowId);
		const done = all.filter((e) => finished(e.status));
		if ((done.length >= count && done.length === all.length) || Date.now() > deadline) break;
		await sleep(200);
	}
	await sleep(1_000);
	return (await n8n.executions(workflowId)).length;
}
