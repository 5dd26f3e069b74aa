/**
 * The frame every vendor's error mapping shares: errors that are already n8n errors keep their
 * text (redacted) and get the item index, and anything no mapping knows becomes a plain
 * NodeOperationError. Only the vendor's own cases differ, and they come in as `mapVendorError`.
 */
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';
import { redact } from './redact';

export type Clean = (text: string) => string;

export function mapNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: readonly string[],
	what: string,
	mapVendorError: (clean: Clean) => NodeApiError | undefined,
): NodeApiError | NodeOperationError {
	const clean: Clean = (s) => redact(s, secrets);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = clean(error.message);
		if (error.description) error.description = clean(error.description);
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const mapped = mapVendorError(clean);
	if (mapped) return mapped;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, clean(`${what} failed: ${message}`), { itemIndex });
}
