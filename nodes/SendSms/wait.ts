/** What both Send and Wait response types check before they send. */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { runsAsTool } from '../shared/runner/tool';

export const MAX_WAIT_MINUTES = 43_200;

export function refuseAsTool(ctx: IExecuteFunctions): void {
	if (!runsAsTool(ctx.getNode())) return;
	throw new NodeOperationError(ctx.getNode(), 'Send and Wait for Response cannot run as an AI Agent tool: an agent cannot wait for a person to answer', {
		description: 'Use the Send operation as a tool, or place Send and Wait in the workflow after the agent',
	});
}

export function readWaitMinutes(ctx: IExecuteFunctions, i: number): number {
	const raw = ctx.getNodeParameter('waitTimeout', i, 60);
	const minutes = Number(raw);
	if (!Number.isFinite(minutes) || minutes < 1 || minutes > MAX_WAIT_MINUTES) {
		throw new NodeOperationError(ctx.getNode(), `Invalid Wait Timeout (Minutes) "${String(raw)}" in item ${i}: must be 1 to ${MAX_WAIT_MINUTES} (30 days)`, { itemIndex: i });
	}
	return minutes;
}
