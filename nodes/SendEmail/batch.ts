/**
 * Batch mode: items go to Resend's /emails/batch in groups of up to 100, and come back as one
 * output item per input item, paired, each with its own id or error.
 *
 * runItems' contract is one request per item, so batches run as tasks of their own on runItems'
 * scheduler (Max Concurrent Requests and Max Requests per Second count batch requests) and use its
 * error item, so continueOnFail output looks the same as in single mode. Every item is validated
 * before the first request: without continueOnFail a bad item fails the node and nothing is sent.
 *
 * Attachments and Scheduled At are refused per item (Resend's batch endpoint has neither) rather
 * than silently sent one by one: a fallback would change the request count, the rate and the
 * idempotency scope behind the user's back. The error says to turn Batch Mode off for them.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { CreateBatchOptions } from 'resend';
import { ResendApiError } from '../shared/resend/errors';
import { batchIdempotencyKey } from '../shared/resend/idempotency';
import type { ResendContext } from '../shared/resend/context';
import { errorItem, runInSlots, type ErrorMapper, type RunnerOptions } from '../shared/runner/runItems';
import { failuresGoToAgent } from '../shared/runner/tool';
import { emailOutput } from './output';
import { prepareEmail, type PreparedEmail } from './params';

export const BATCH_SIZE = 100;

type NodeError = NodeApiError | NodeOperationError;

interface Chunk {
	indexes: number[];
	key: string;
}

export async function sendBatches(
	ctx: IExecuteFunctions,
	resend: ResendContext,
	toNodeError: ErrorMapper,
	options: RunnerOptions & { validation: 'strict' | 'permissive' },
): Promise<INodeExecutionData[][]> {
	const count = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail() || failuresGoToAgent(ctx);
	const results: INodeExecutionData[] = new Array(count);
	const prepared: Array<PreparedEmail | undefined> = new Array(count);

	for (let i = 0; i < count; i++) {
		try {
			prepared[i] = await prepareEmail(ctx, i, resend.credentials.defaultFrom, true);
		} catch (raw) {
			const error = toNodeError(raw, i);
			if (!continueOnFail) throw error;
			results[i] = errorItem(error, i);
		}
	}

	const valid = prepared.flatMap((p, i) => (p ? [i] : []));
	const chunks: Chunk[] = [];
	for (let start = 0; start < valid.length; start += BATCH_SIZE) {
		const indexes = valid.slice(start, start + BATCH_SIZE);
		chunks.push({ indexes, key: batchIdempotencyKey(indexes.map((i) => prepared[i]!.idempotencyKey)) });
	}

	const fail = (error: NodeError, i: number): NodeError | undefined => {
		if (!continueOnFail) return error;
		results[i] = errorItem(error, i);
		return undefined;
	};

	const sendChunk = async (chunk: Chunk): Promise<NodeError | undefined> => {
		const emails = chunk.indexes.map((i) => prepared[i]!.email) as CreateBatchOptions;
		let sent;
		try {
			sent = await resend.client.sendBatch(emails, chunk.key, options.validation);
		} catch (raw) {
			// The whole request was refused (strict validation, auth, quota): every email in it shares the error.
			let first: NodeError | undefined;
			for (const i of chunk.indexes) first ??= fail(toNodeError(raw, i), i);
			return first;
		}
		const refused = new Map(sent.errors.map((e) => [e.index, e.message]));
		let next = 0;
		let first: NodeError | undefined;
		chunk.indexes.forEach((i, position) => {
			const message = refused.get(position);
			if (message !== undefined) {
				const error = new ResendApiError({ name: 'validation_error', message, statusCode: 422 }, null);
				first ??= fail(toNodeError(error, i), i);
				return;
			}
			// Permissive answers list the accepted emails' ids in request order, skipping the refused ones.
			const id = sent.data[next++]?.id;
			const json: IDataObject = emailOutput(id, prepared[i]!.email, chunk.key, sent.rateLimit);
			json.batch = { size: chunk.indexes.length, position };
			results[i] = { json, pairedItem: { item: i } };
		});
		return first;
	};

	// Without continueOnFail, report the failing chunk earliest in the input, as a sequential loop would.
	const failed: Array<{ chunk: number; error: NodeError }> = [];
	const sendOne = async (index: number) => {
		const error = await sendChunk(chunks[index]);
		if (error) failed.push({ chunk: index, error });
	};
	await runInSlots(chunks.length, options, sendOne, () => failed.length > 0);
	if (failed.length > 0) throw failed.reduce((a, b) => (b.chunk < a.chunk ? b : a)).error;
	return [results.filter((r) => r !== undefined)];
}
