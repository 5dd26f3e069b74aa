/**
 * The per-item loop, written once for every action node.
 *
 * Items run with bounded concurrency (and an optional start-rate cap), but the output keeps input
 * order and pairs every item with its input, so downstream nodes and expressions like
 * `$('Send SMS').item` see exactly what a sequential node would give them.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { sleep } from '../http/retryPolicy';

export interface RunnerOptions {
	/** Items in flight at once. */
	concurrency: number;
	/** Item starts per second; 0 or undefined for no cap. */
	perSecond?: number;
}

export type ItemOperation = (itemIndex: number) => Promise<IDataObject | IDataObject[]>;
export type ErrorMapper = (error: unknown, itemIndex: number) => NodeApiError | NodeOperationError;

/** Spaces item starts evenly; shared by all workers so the cap holds across them. Also paces Send Email's batch requests. */
export function startGate(perSecond: number | undefined): () => Promise<void> {
	if (!perSecond || perSecond <= 0) return async () => {};
	const interval = 1000 / perSecond;
	let next = 0;
	return async () => {
		const now = Date.now();
		const at = Math.max(now, next);
		next = at + interval;
		if (at > now) await sleep(at - now);
	};
}

export function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.errorDescription = error.description;
	const httpCode = (error as { httpCode?: string | null }).httpCode;
	if (httpCode) json.errorHttpCode = httpCode;
	const response = (error as { errorResponse?: IDataObject }).errorResponse;
	if (response && typeof response.code === 'number') json.errorCode = response.code;
	if (response && typeof response.more_info === 'string') json.errorMoreInfo = response.more_info;
	if (response && response.outcome === 'unknown') json.outcomeUnknown = true;
	return { json, pairedItem: { item: itemIndex } };
}

interface Failure {
	index: number;
	error: NodeApiError | NodeOperationError;
}

/** Without continueOnFail the lowest failing item is reported, as a sequential loop would. */
const isEarlier = (index: number, current: Failure | undefined) => current === undefined || index < current.index;

export async function runItems(
	ctx: IExecuteFunctions,
	operation: ItemOperation,
	toNodeError: ErrorMapper,
	options: RunnerOptions,
): Promise<INodeExecutionData[][]> {
	const count = ctx.getInputData().length;
	const results: INodeExecutionData[][] = new Array(count);
	const continueOnFail = ctx.continueOnFail();
	const concurrency = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, count || 1));
	const gate = startGate(options.perSecond);
	let nextIndex = 0;
	const failure: { first?: Failure } = {};

	const worker = async () => {
		while (failure.first === undefined && nextIndex < count) {
			const i = nextIndex++;
			await gate();
			try {
				const out = await operation(i);
				results[i] = (Array.isArray(out) ? out : [out]).map((json) => ({ json, pairedItem: { item: i } }));
			} catch (raw) {
				const error = toNodeError(raw, i);
				if (continueOnFail) {
					results[i] = [errorItem(error, i)];
				} else if (isEarlier(i, failure.first)) {
					failure.first = { index: i, error };
				}
			}
		}
	};

	await Promise.all(Array.from({ length: concurrency }, worker));
	if (failure.first) throw failure.first.error;
	return [results.flat()];
}
