/**
 * Lookup's refusals said in lookup terms. The shared Twilio mapping explains 20404 as a missing
 * resource SID, which misleads here: for Lookup it means Twilio could not read the number at all.
 */
import { NodeApiError, type INode, type NodeOperationError } from 'n8n-workflow';
import { toNodeError } from '../shared/twilio/errors';

const LOOKUP_HINTS: Record<number, string> = {
	20404: 'Twilio could not read this as a phone number. Write it in E.164 format, e.g. +14155550123.',
	60200: 'A Lookup parameter is invalid: Country Code must be a two-letter code such as US, and Data Packages only Line Type Intelligence or Caller Name.',
	60606: 'This Twilio account is not enabled for the requested Lookup data package. Enable it in the Twilio Console (Lookup), or remove it from Data Packages.',
	60607: 'The requested data package does not cover this country. Caller Name covers US numbers only.',
};

export function lookupError(node: INode, error: unknown, itemIndex: number, secrets: readonly string[]): NodeApiError | NodeOperationError {
	const mapped = toNodeError(node, error, itemIndex, secrets, 'Look Up Phone');
	const code = mapped instanceof NodeApiError ? (mapped.errorResponse as { code?: unknown } | undefined)?.code : undefined;
	const hint = typeof code === 'number' ? LOOKUP_HINTS[code] : undefined;
	if (hint) {
		const more = (mapped.errorResponse as { more_info?: unknown }).more_info;
		mapped.description = [hint, typeof more === 'string' ? `More: ${more}` : undefined].filter(Boolean).join(' ');
	}
	return mapped;
}
