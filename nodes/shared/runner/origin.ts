/**
 * Which logical execution a run belongs to, so that a *retried* execution (Retry from n8n's
 * executions list, or its REST API) can find what the execution it retries already sent.
 *
 * A retry gets a new execution id, and nothing on the node's context names the execution it
 * retries. What it does carry over is the run data of every node before the failed one, copied
 * with their start times (ExecutionService.retry). The earliest start time is therefore the same
 * in the original execution and in every retry of it, retries of retries included.
 */
import type { IExecuteFunctions, IRunExecutionData } from 'n8n-workflow';

export interface ExecutionOrigin {
	/** Names the logical execution: the same for an execution and its retries. */
	id: string;
	/** When the first node of the logical execution started (ms), if n8n says. */
	startedAt?: number;
	/** This run is n8n's retry of a failed execution. */
	retry: boolean;
}

function earliestStart(ctx: IExecuteFunctions): number | undefined {
	// BaseExecuteContext.runExecutionData is public in n8n 1.x and 2.x, though not on the interface.
	const data = (ctx as unknown as { runExecutionData?: IRunExecutionData }).runExecutionData;
	let earliest: number | undefined;
	for (const runs of Object.values(data?.resultData?.runData ?? {})) {
		for (const run of runs ?? []) {
			if (typeof run?.startTime === 'number' && (earliest === undefined || run.startTime < earliest)) earliest = run.startTime;
		}
	}
	return earliest;
}

const known = new WeakMap<IExecuteFunctions, ExecutionOrigin>();

/** Computed once per node run: the context object lives exactly as long as the run. */
export function executionOrigin(ctx: IExecuteFunctions): ExecutionOrigin {
	let origin = known.get(ctx);
	if (!origin) known.set(ctx, (origin = computeOrigin(ctx)));
	return origin;
}

function computeOrigin(ctx: IExecuteFunctions): ExecutionOrigin {
	const mode = ctx.getMode();
	let executionId = '';
	try {
		executionId = ctx.getExecutionId() ?? '';
	} catch {
		// Some contexts (tool calls in older n8n) have none; the start time still names the run.
	}
	const startedAt = earliestStart(ctx);
	// A manual run re-uses its parents' earlier run data when the user executes one step again, so
	// the start time would make a deliberate second test send look like a repeat: keep the id there.
	const byStart = startedAt !== undefined && mode !== 'manual';
	return { id: byStart ? `start:${startedAt}` : `execution:${executionId}`, startedAt, retry: mode === 'retry' };
}
