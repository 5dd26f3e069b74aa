/**
 * The per-item loop, written once for every action node.
 *
 * Items run with bounded concurrency (and an optional start-rate cap), but the output keeps input
 * order and pairs every item with its input, so downstream nodes and expressions like
 * `$('Send SMS').item` see exactly what a sequential node would give them. The bound counts
 * requests in flight, not items alive: see ./slots.ts.
 */
import { NodeOperationError, type IBinaryKeyData, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type NodeApiError } from 'n8n-workflow';
import { sleep } from '../http/retryPolicy';
import { alreadySent, fingerprint, forgetRun, rememberSent, runKey, type Sent } from './sentLedger';
import { ItemSlot, runHoldingSlot, Slots } from './slots';
import { failuresGoToAgent } from './tool';

export interface RunnerOptions {
	/** Items holding a slot at once; an item asleep before a retry gives its slot back meanwhile. */
	concurrency: number;
	/** Item starts and retries per second; 0 or undefined for no cap. */
	perSecond?: number;
}

/** An output item that carries files (a download) besides its JSON. */
export class BinaryOutput {
	constructor(
		readonly json: IDataObject,
		readonly binary: IBinaryKeyData,
	) {}
}

export type ItemOperation = (itemIndex: number) => Promise<IDataObject | IDataObject[] | BinaryOutput>;
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
	if (response && response.lookUp) json.lookUp = response.lookUp;
	return { json, pairedItem: { item: itemIndex } };
}

interface Failure {
	index: number;
	error: NodeApiError | NodeOperationError;
}

/** Without continueOnFail the lowest failing item is reported, as a sequential loop would. */
const isEarlier = (index: number, current: Failure | undefined) => current === undefined || index < current.index;

/**
 * Starts task(0), task(1), ... as slots free up and the gate allows, until `stop()` says so. Only
 * started tasks exist as promises, however long the input. Each task holds a slot (see ./slots.ts).
 */
export async function runInSlots(count: number, options: RunnerOptions, task: (index: number) => Promise<void>, stop: () => boolean): Promise<void> {
	const slots = new Slots(Math.max(1, Math.floor(options.concurrency) || 1));
	const gate = startGate(options.perSecond);
	const running = new Set<Promise<void>>();
	let bug: { error: unknown } | undefined;
	for (let i = 0; i < count; i++) {
		await slots.acquire(false);
		await gate();
		const slot = new ItemSlot(slots, gate);
		if (bug || stop()) {
			slot.end();
			break;
		}
		// Tasks handle their own errors; one that throws anyway is a bug and fails the run.
		const run: Promise<void> = runHoldingSlot(slot, () => task(i))
			.catch((error: unknown) => {
				bug ??= { error };
			})
			.finally(() => {
				slot.end();
				running.delete(run);
			});
		running.add(run);
	}
	await Promise.all(running);
	if (bug) throw bug.error;
}

export async function runItems(
	ctx: IExecuteFunctions,
	operation: ItemOperation,
	toNodeError: ErrorMapper,
	options: RunnerOptions,
	/** For nodes that send: an item sent by an earlier try of this run is not sent again (see ./sentLedger.ts). */
	behaviour: { rememberSends?: boolean } = {},
): Promise<INodeExecutionData[][]> {
	const inputs = ctx.getInputData();
	const count = inputs.length;
	const results: INodeExecutionData[][] = new Array(count);
	// As an AI Agent tool, a failed item is the tool's result (see ./tool.ts).
	const continueOnFail = ctx.continueOnFail() || failuresGoToAgent(ctx);
	const key = behaviour.rememberSends ? runKey(ctx) : undefined;
	const sentNow: number[] = [];
	let failure: Failure | undefined;

	const run = async (i: number) => {
		const earlier = alreadySent(key, i, () => inputs[i].json);
		if (earlier) {
			results[i] = earlier.map((json) => ({ json: { ...json, alreadySent: true }, pairedItem: { item: i } }));
			return;
		}
		try {
			const out = await operation(i);
			results[i] =
				out instanceof BinaryOutput
					? [{ json: out.json, binary: out.binary, pairedItem: { item: i } }]
					: (Array.isArray(out) ? out : [out]).map((json) => ({ json, pairedItem: { item: i } }));
			sentNow.push(i);
		} catch (raw) {
			const error = toNodeError(raw, i);
			if (continueOnFail) results[i] = [errorItem(error, i)];
			else if (isEarlier(i, failure)) failure = { index: i, error };
		}
	};

	await runInSlots(count, options, run, () => failure !== undefined);
	if (key) {
		// n8n retries only with Retry On Fail on: a node that threw, or (continueOnFail) one whose
		// first output item is an error. Nothing is kept otherwise, so bulk runs hold no memory.
		const retried = ctx.getNode().retryOnFail === true && (failure !== undefined || results[0]?.[0]?.json.error !== undefined);
		if (retried) {
			const sent = new Map<number, Sent>();
			for (const i of sentNow) sent.set(i, { fingerprint: fingerprint(inputs[i].json), outputs: results[i].map((r) => r.json) });
			rememberSent(key, sent);
		} else forgetRun(key);
	}
	if (failure) throw failure.error;
	return [results.flat()];
}

/**
 * A node's whole execute. As an AI Agent tool (see ./tool.ts), a failure outside the per-item loop
 * (no credential, an invalid option) is returned as the tool's result too, like runItems' item
 * failures; otherwise it is thrown as usual.
 */
export async function returnFailuresToAgent(ctx: IExecuteFunctions, run: () => Promise<INodeExecutionData[][]>): Promise<INodeExecutionData[][]> {
	if (!failuresGoToAgent(ctx)) return await run();
	try {
		return await run();
	} catch (raw) {
		// errorItem reads message, description, httpCode and errorResponse where present, so an n8n error
		// keeps them all, whichever copy of n8n-workflow made it.
		const error = raw instanceof Error ? (raw as NodeOperationError) : new NodeOperationError(ctx.getNode(), String(raw));
		return [[errorItem(error, 0)]];
	}
}
