/**
 * Resend failures as n8n errors: NodeApiError carrying Resend's `name` (validation_error,
 * daily_quota_exceeded…) and a fix the user can act on. The API key never survives into a message.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import type { ErrorResponse } from 'resend';
import { NetworkError, networkHint, OutcomeUnknownError } from '../http/send';
import { mapNodeError } from '../nodeError';
import { readRateLimit, type RateLimitInfo } from './rateLimit';

export class ResendApiError extends Error {
	readonly statusCode: number | null;
	readonly resendName: string;
	readonly rateLimit: RateLimitInfo;

	constructor(error: ErrorResponse, headers: Record<string, string> | null) {
		super(error.message);
		this.name = 'ResendApiError';
		this.statusCode = error.statusCode;
		this.resendName = error.name;
		this.rateLimit = readRateLimit(headers);
	}
}

/** The names users meet most, with what to do (also in docs/email.md). */
export const RESEND_ERROR_HINTS: Record<string, string> = {
	missing_api_key: 'Set the API key in the Resend credential.',
	invalid_api_key: 'The API key is wrong or was revoked. Create a new key at resend.com/api-keys and update the credential.',
	restricted_api_key: 'This sending-only key cannot do this. Use a key with Full access.',
	validation_error: 'Resend refused a field of the email; the message names it. A 403 validation_error usually means the From domain is not verified.',
	missing_required_field: 'A required field is missing; the message names it.',
	invalid_from_address: 'Use From as email@example.com or "Name <email@example.com>" on a verified domain.',
	invalid_attachment: 'An attachment needs a filename with content, or a path (URL).',
	invalid_idempotency_key: 'The Idempotency Key must be 1 to 256 characters.',
	invalid_idempotent_request: 'The same Idempotency Key was used with a different email in the last 24 hours. Use a new key, or leave it empty for the safe default.',
	concurrent_idempotent_requests: 'The same Idempotency Key is being sent at the same moment by another request. Try again shortly.',
	rate_limit_exceeded: 'Resend is rate limiting the team. Lower "Max Requests per Second" (the default 2 suits the standard limit) or ask Resend for more.',
	daily_quota_exceeded: 'The daily sending quota of your Resend plan is used up. Nothing was sent and it was not retried; try after the quota resets or upgrade the plan.',
	monthly_quota_exceeded: 'The monthly sending quota of your Resend plan is used up. Nothing was sent and it was not retried; upgrade the plan or wait for the next month.',
	not_found: 'No such email in this Resend team. Check the id and the credential.',
	application_error: 'Resend had an internal problem and retries did not help. Try again later.',
	internal_server_error: 'Resend had an internal problem and retries did not help. Try again later.',
};

export function toNodeError(node: INode, error: unknown, itemIndex: number, secrets: readonly string[], what = 'Resend request'): NodeApiError | NodeOperationError {
	return mapNodeError(node, error, itemIndex, secrets, what, (clean) => {
		if (error instanceof ResendApiError) {
			const response: JsonObject = { statusCode: error.statusCode, name: error.resendName, message: clean(error.message) };
			const quota = error.resendName === 'daily_quota_exceeded' || error.resendName === 'monthly_quota_exceeded';
			return new NodeApiError(node, response, {
				message: `Resend ${quota ? 'quota exceeded' : 'error'} ${error.resendName}: ${clean(error.message)}`,
				description: RESEND_ERROR_HINTS[error.resendName] ?? 'See https://resend.com/docs/api-reference/errors',
				httpCode: error.statusCode ? String(error.statusCode) : undefined,
				itemIndex,
			});
		}
		if (error instanceof NetworkError || error instanceof OutcomeUnknownError) {
			return new NodeApiError(node, { code: (error as NetworkError).code ?? null, attempts: error.attempts }, {
				message: clean(`${what} failed: ${error.message}`),
				description: `${networkHint((error as NetworkError).code)} The retries used the same Idempotency-Key, so nothing was sent twice.`,
				itemIndex,
			});
		}
		return undefined;
	});
}
