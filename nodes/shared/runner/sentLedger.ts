/**
 * What a run of a sending node already sent, for n8n's Retry On Fail.
 *
 * When a node throws (or, with continueOnFail, its first output item is an error), n8n runs it
 * again with the same items, in the same execution, the same process and the same run index
 * (WorkflowExecute's retry loop; an execution never moves between queue-mode workers). Nothing tells
 * the node it is a retry, so a try that n8n will retry leaves its successes here, keyed by
 * execution, node and run index, and the next try gives those items their first output instead of
 * sending them again. Any other run leaves nothing, so normal runs hold no memory.
 */
import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

export interface Sent {
	/** The input item the output belongs to: a changed item is a new send. */
	fingerprint: string;
	outputs: IDataObject[];
}

/** n8n waits at most 5 s between at most 5 tries; an hour covers any node's own run time too. */
const KEEP_MS = 60 * 60_000;
const MAX_RUNS = 200;

const runs = new Map<string, { until: number; sent: Map<number, Sent> }>();

function prune(now: number): void {
	for (const [key, run] of runs) if (run.until <= now || runs.size > MAX_RUNS) runs.delete(key);
}

/** Execution, node and run index; undefined where n8n gives no execution id. */
export function runKey(ctx: IExecuteFunctions): string | undefined {
	let executionId: string | undefined;
	try {
		executionId = ctx.getExecutionId();
	} catch {
		return undefined;
	}
	if (!executionId) return undefined;
	const node = ctx.getNode();
	// NodeExecutionContext.runIndex is public in n8n 1.x and 2.x, though not on the interface.
	const runIndex = (ctx as unknown as { runIndex?: number }).runIndex ?? 0;
	return `${executionId}\u0000${node.id ?? node.name}\u0000${runIndex}`;
}

export function fingerprint(json: IDataObject): string {
	return createHash('sha256').update(JSON.stringify(json)).digest('base64');
}

/** What an earlier try of this run sent for `itemIndex`, if its input is the same. */
export function alreadySent(key: string | undefined, itemIndex: number, input: () => IDataObject): IDataObject[] | undefined {
	if (!key) return undefined;
	const run = runs.get(key);
	const sent = run?.sent.get(itemIndex);
	if (!sent || sent.fingerprint !== fingerprint(input())) return undefined;
	return sent.outputs;
}

/** After a try that failed: keep its successes (added to any earlier try's) for the next try. */
export function rememberSent(key: string | undefined, successes: Map<number, Sent>): void {
	if (!key) return;
	const now = Date.now();
	prune(now);
	const run = runs.get(key) ?? { until: 0, sent: new Map<number, Sent>() };
	for (const [i, s] of successes) run.sent.set(i, s);
	run.until = now + KEEP_MS;
	runs.set(key, run);
}

/** After a try without failures: nothing more will retry this run. */
export function forgetRun(key: string | undefined): void {
	if (key) runs.delete(key);
}
