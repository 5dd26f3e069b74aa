/**
 * The per-item loop, written once for every action node.
 *
 * Items run with bounded concurrency (and an optional start-rate cap), but the output keeps input
 * order and pairs every item with its input, so downstream nodes and expressions like
 * `$('Send SMS').item` see exactly what a sequential node would give them. The bound counts
 * requests in flight, not items alive: see ./slots.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { sleep } from '../http/retryPolicy';
import { ItemSlot, runHoldingSlot, Slots } from './slots';

export interface RunnerOptions {
	/** Items holding a slot at once; an item asleep before a retry gives its slot back meanwhile. */
	concurrency: number;
	/** Item starts and retries per second; 0 or undefined for no cap. */
	perSecond?: number;
}

export type ItemOperation = (itemIndex: number) => Promise<IDataObject | IDataObject[]>;
export type ErrorMapper = (error: unknown, itemIndex: number) => NodeApiError | NodeOperationError;

/**
 * Spaces requests evenly across the whole run: item starts and, in runItems, retries too, since
 * the cap is there to stay under a vendor's request rate and the vendor counts retries. Also paces
 * Send Email's batch requests.
 */
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
	error: unknown;
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
	const slots = new Slots(Math.max(1, Math.floor(options.concurrency) || 1));
	const gate = startGate(options.perSecond);
	let failure: Failure | undefined;
	const fail = (index: number, error: unknown) => {
		if (isEarlier(index, failure)) failure = { index, error };
	};

	const run = async (i: number, slot: ItemSlot) => {
		try {
			const out = await runHoldingSlot(slot, () => operation(i));
			results[i] = (Array.isArray(out) ? out : [out]).map((json) => ({ json, pairedItem: { item: i } }));
		} catch (raw) {
			const error = toNodeError(raw, i);
			if (continueOnFail) results[i] = [errorItem(error, i)];
			else fail(i, error);
		} finally {
			slot.end();
		}
	};

	// Items start one at a time as slots free up, so only started items exist as promises, however long the input.
	const running = new Set<Promise<void>>();
	for (let i = 0; i < count; i++) {
		await slots.acquire(false);
		await gate();
		const slot = new ItemSlot(slots, gate);
		if (failure) {
			slot.end();
			break;
		}
		// A throwing error mapper is a bug; it fails the run, as it did when items ran in plain workers.
		const item = run(i, slot).catch((bug: unknown) => fail(i, bug));
		running.add(item);
		void item.finally(() => running.delete(item));
	}
	await Promise.all(running);
	if (failure) throw failure.error;
	return [results.flat()];
}
