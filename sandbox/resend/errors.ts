/**
 * Resend's error body is `{statusCode, name, message}`; names, statuses and wording follow
 * https://resend.com/docs/api-reference/errors.
 */
import { ApiError } from '../router';

export class ResendApiError extends ApiError {
	constructor(statusCode: number, name: string, message: string, headers: Record<string, string> = {}) {
		super(statusCode, { statusCode, name, message }, headers);
	}
}

const ADDRESS_FORMAT = 'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
const invalid = (message: string) => new ResendApiError(422, 'validation_error', message);

export const resendErrors = {
	missingApiKey: () => new ResendApiError(401, 'missing_api_key', 'Missing API key in the authorization header. Include the following header `Authorization: Bearer YOUR_API_KEY` in the request.'),
	invalidApiKey: () => new ResendApiError(403, 'invalid_api_key', 'API key is invalid'),
	restrictedApiKey: () => new ResendApiError(401, 'restricted_api_key', 'This API key is restricted to only send emails'),
	notFound: (what = 'Email') => new ResendApiError(404, 'not_found', `${what} not found`),
	missingField: (field: string) => new ResendApiError(422, 'missing_required_field', `Missing \`${field}\` field.`),
	invalidFrom: () => new ResendApiError(422, 'invalid_from_address', `Invalid \`from\` field. ${ADDRESS_FORMAT}`),
	invalidAddress: (field: string) => invalid(`Invalid \`${field}\` field. ${ADDRESS_FORMAT}`),
	tooManyRecipients: (field: string) => invalid(`Too many recipients in \`${field}\` field. Max 50.`),
	domainNotVerified: (domain: string) =>
		new ResendApiError(403, 'validation_error', `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`),
	invalid,
	invalidAttachment: (message: string) => new ResendApiError(422, 'invalid_attachment', message),
	invalidIdempotencyKey: () => new ResendApiError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'),
	idempotencyMismatch: () => new ResendApiError(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'),
	idempotencyInProgress: () => new ResendApiError(409, 'concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.'),
	dailyQuota: () => new ResendApiError(429, 'daily_quota_exceeded', 'You have reached your daily email sending quota.'),
	monthlyQuota: () => new ResendApiError(429, 'monthly_quota_exceeded', 'You have reached your monthly email sending quota.'),
};

/** The server's fault answers (429, 503 before, 500 after), in Resend's shape instead of Twilio's. */
export const resendFaultErrors = {
	tooManyRequests: (retryAfterSec: number) =>
		new ResendApiError(429, 'rate_limit_exceeded', 'Too many requests. You can only make 5 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.', {
			'retry-after': String(retryAfterSec),
			'ratelimit-limit': '5',
			'ratelimit-remaining': '0',
			'ratelimit-reset': String(Math.max(1, retryAfterSec)),
		}),
	unavailable: () => new ResendApiError(503, 'application_error', 'Service unavailable. Please try again later.'),
	internal: () => new ResendApiError(500, 'internal_server_error', 'An unexpected error occurred.'),
};
