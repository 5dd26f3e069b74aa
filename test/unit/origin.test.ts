import type { IExecuteFunctions } from 'n8n-workflow';
import { executionOrigin } from '../../nodes/shared/runner/origin';

/** A context shaped as n8n-core's ExecuteContext: mode, execution id and the run data so far. */
function ctx(mode: string, executionId: string, startTimes: Record<string, number[]>): IExecuteFunctions {
	const runData = Object.fromEntries(Object.entries(startTimes).map(([node, times]) => [node, times.map((startTime) => ({ startTime }))]));
	return { getMode: () => mode, getExecutionId: () => executionId, runExecutionData: { resultData: { runData } } } as unknown as IExecuteFunctions;
}

describe('executionOrigin', () => {
	it('names an execution and its retries alike: the retry carries the same earliest start time', () => {
		const original = executionOrigin(ctx('webhook', '41', { Webhook: [1_700_000_000_000], Set: [1_700_000_000_005] }));
		// A retry has a new id; the copied run data keeps the original start times, plus later nodes.
		const retry = executionOrigin(ctx('retry', '42', { Webhook: [1_700_000_000_000], Set: [1_700_000_000_005], Other: [1_700_000_060_000] }));
		expect(original).toEqual({ id: 'start:1700000000000', startedAt: 1_700_000_000_000, retry: false });
		expect(retry).toEqual({ id: 'start:1700000000000', startedAt: 1_700_000_000_000, retry: true });
	});

	it('another execution of the same workflow is another origin', () => {
		expect(executionOrigin(ctx('trigger', '43', { Cron: [1_700_000_100_000] })).id).not.toBe(executionOrigin(ctx('trigger', '44', { Cron: [1_700_000_200_000] })).id);
	});

	it('a manual run keeps its execution id: executing one step again re-uses the parents’ earlier run data', () => {
		expect(executionOrigin(ctx('manual', '45', { Trigger: [1_700_000_000_000] }))).toEqual({ id: 'execution:45', startedAt: 1_700_000_000_000, retry: false });
	});

	it('without run data (no parent ran) the execution id names it', () => {
		expect(executionOrigin(ctx('webhook', '46', {})).id).toBe('execution:46');
	});
});
