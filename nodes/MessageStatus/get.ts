/**
 * Get for one item: validate the id, fetch its status from the API it belongs to and, if asked,
 * keep fetching until the status is final or the timeout passes.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { ResendApiError } from '../shared/resend/errors';
import { parseInput } from '../shared/validation/errors';
import { NEEDS, type VendorClients } from './clients';
import type { IdKind } from './ids';
import { fromCall, fromEmail, fromMessage, type StatusOutput } from './normalize';
import { pollUntilFinal } from './poll';
import { GET_LABELS, getSchema } from './validation';

async function fetcher(clients: VendorClients, kind: IdKind, id: string, i: number): Promise<() => Promise<StatusOutput>> {
	if (kind === 'email') {
		const { client } = await clients.resend(i, NEEDS.email);
		return async () => {
			const r = await client.emails.get(id);
			if (r.error) throw new ResendApiError(r.error, r.headers);
			return fromEmail(r.data);
		};
	}
	const { client } = await clients.twilio(i, NEEDS[kind]);
	return kind === 'call' ? async () => fromCall(await client.calls(id).fetch()) : async () => fromMessage(await client.messages(id).fetch());
}

export async function getStatus(ctx: IExecuteFunctions, clients: VendorClients, i: number): Promise<IDataObject> {
	const request = parseInput(
		getSchema,
		{
			id: ctx.getNodeParameter('id', i, ''),
			channel: ctx.getNodeParameter('channel', i, 'auto'),
			waitForFinal: ctx.getNodeParameter('waitForFinal', i, false),
			timeout: ctx.getNodeParameter('timeout', i, 300),
			pollInterval: ctx.getNodeParameter('options.pollInterval', i, 1),
			errorOnTimeout: ctx.getNodeParameter('options.errorOnTimeout', i, false),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: GET_LABELS },
	);
	const fetchOnce = await fetcher(clients, request.kind, request.id, i);
	if (!request.wait) return fetchOnce();

	const { wait } = request;
	const result = await pollUntilFinal(fetchOnce, (s) => s.isFinal, {
		timeoutMs: wait.timeoutMs,
		firstIntervalMs: wait.firstIntervalMs,
		signal: ctx.getExecutionCancelSignal?.(),
	});
	if (result.timedOut && wait.errorOnTimeout) {
		const seconds = wait.timeoutMs / 1000;
		throw new NodeOperationError(
			ctx.getNode(),
			`No final status for "${request.id}" in item ${i} within ${seconds} s: still "${result.last.status}"`,
			{
				itemIndex: i,
				description: `${result.last.statusMeaning}. Raise Timeout (up to 600 s), or turn off Error on Timeout to get the last status with isFinal false.`,
			},
		);
	}
	const { raw, ...status } = result.last;
	return { ...status, timedOut: result.timedOut, polls: result.polls, waitedSeconds: Math.round(result.waitedMs / 100) / 10, raw };
}
