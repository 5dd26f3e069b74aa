/**
 * The one Resend client: the resend SDK with its HTTP exchange routed through our `send()`.
 *
 * Why the SDK, and why this way: resend 6.38 builds the request (field names, base64 attachments,
 * `Idempotency-Key` from `idempotencyKey`, `x-batch-validation`) and its types, but has no fetch or
 * transport option, calls the global `fetch`, never retries, and turns every network failure into
 * a bare "Unable to fetch data". Its `fetchRequest(path, init)` is public and is the single place
 * every call passes through, so we override that one method and keep everything else. Retries
 * (429 with retry-after / ratelimit-reset, 5xx, network) are then decided by retryPolicy.ts with
 * kind 'idempotent': every send carries an Idempotency-Key, so a repeat never sends twice.
 * resend is pinned to an exact version; test/unit/resendClient.test.ts fails if the hook changes.
 */
import { Resend, type CreateBatchOptions, type CreateEmailOptions, type ErrorResponse, type ListEmailsResponseSuccess, type Response } from 'resend';
import { send, type HttpResponse, type SendOptions } from '../http/send';
import type { RetrySettings } from '../http/retryPolicy';
import { ResendApiError } from './errors';
import { readRateLimit, type RateLimitInfo } from './rateLimit';

// Node descriptions write this name as a literal, so n8n's lint rules can match each node's
// credentials (and their testedBy) against the classes in credentials/.
export const RESEND_CREDENTIAL = 'resendCommsApi';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ClientSettings {
	timeoutMs: number;
	retry?: RetrySettings;
	onRetry?: SendOptions['onRetry'];
}

/** Quota errors are 429s too, but waiting seconds never helps: not retried. */
export const QUOTA_ERRORS = new Set(['daily_quota_exceeded', 'monthly_quota_exceeded']);

function errorName(res: HttpResponse): string | undefined {
	try {
		const body = JSON.parse(res.body) as { name?: unknown };
		return typeof body.name === 'string' ? body.name : undefined;
	} catch {
		return undefined;
	}
}

export const isQuotaResponse = (res: HttpResponse) => res.status === 429 && QUOTA_ERRORS.has(errorName(res) ?? '');

export interface SentEmail {
	id: string;
	rateLimit: RateLimitInfo;
}

export interface SentBatch {
	data: Array<{ id: string }>;
	/** Permissive mode only: the emails Resend refused, by index in the batch. */
	errors: Array<{ index: number; message: string }>;
	rateLimit: RateLimitInfo;
}

export type ListedEmail = ListEmailsResponseSuccess['data'][number];

export class ResendClient extends Resend {
	constructor(
		apiKey: string,
		baseUrl: string,
		private readonly settings: Partial<ClientSettings> = {},
	) {
		super(apiKey, { baseUrl });
	}

	/** The SDK's only HTTP call, replaced; it keeps the SDK's `{data, error, headers}` contract. */
	override async fetchRequest<T>(path: string, init: RequestInit = {}): Promise<Response<T>> {
		const method = (init.method ?? 'GET').toUpperCase();
		const res = await send(
			{
				method,
				url: `${this.baseUrl}${path}`,
				headers: Object.fromEntries(new Headers(init.headers).entries()),
				body: typeof init.body === 'string' ? init.body : undefined,
				describe: { path },
			},
			{
				// POSTs here carry an Idempotency-Key (sends) or act on a known id (cancel); reads are reads.
				kind: method === 'GET' ? 'read' : 'idempotent',
				timeoutMs: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
				retry: this.settings.retry,
				onRetry: this.settings.onRetry,
				isFinal: isQuotaResponse,
			},
		);
		if (res.status >= 200 && res.status < 300) {
			return { data: (res.body ? JSON.parse(res.body) : {}) as T, error: null, headers: res.headers };
		}
		return { data: null, error: parseError(res), headers: res.headers };
	}

	async sendEmail(email: CreateEmailOptions, idempotencyKey: string): Promise<SentEmail> {
		const r = await this.emails.send(email, { idempotencyKey });
		if (r.error) throw new ResendApiError(r.error, r.headers);
		return { id: r.data.id, rateLimit: readRateLimit(r.headers) };
	}

	/** One page of the account's emails, newest first; `after` is the last id of the previous page. */
	async listEmails(limit: number, after?: string): Promise<{ data: ListedEmail[]; hasMore: boolean }> {
		const r = await this.emails.list(after ? { limit, after } : { limit });
		if (r.error) throw new ResendApiError(r.error, r.headers);
		return { data: r.data.data, hasMore: r.data.has_more };
	}

	async sendBatch(emails: CreateBatchOptions, idempotencyKey: string, batchValidation: 'strict' | 'permissive'): Promise<SentBatch> {
		const r = await this.batch.send(emails, { idempotencyKey, batchValidation });
		if (r.error) throw new ResendApiError(r.error, r.headers);
		const errors = (r.data as { errors?: SentBatch['errors'] }).errors ?? [];
		return { data: r.data.data, errors, rateLimit: readRateLimit(r.headers) };
	}
}

function parseError(res: HttpResponse): ErrorResponse {
	try {
		const body = JSON.parse(res.body) as Partial<ErrorResponse>;
		if (typeof body.name === 'string' && typeof body.message === 'string') {
			return { name: body.name, message: body.message, statusCode: typeof body.statusCode === 'number' ? body.statusCode : res.status };
		}
	} catch {
		// Not JSON: a proxy or load balancer answered; fall through.
	}
	return { name: res.status >= 500 ? 'application_error' : 'invalid_parameter', message: `HTTP ${res.status}`, statusCode: res.status } as ErrorResponse;
}
