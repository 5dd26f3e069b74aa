/**
 * The four Resend webhook calls the trigger makes (resend.json, tag "Webhooks"), through the same
 * send() and retry policy as every other request. Not through the resend SDK's `webhooks`: our
 * ResendClient retries every POST as idempotent, and `POST /webhooks` has no Idempotency-Key, so a
 * retried create after a 5xx could leave a second webhook behind that nobody deletes. Here the
 * create is a 'create': never repeated once Resend may have acted on it.
 */
import type { ErrorResponse } from 'resend';
import { send, type HttpResponse } from '../shared/http/send';
import type { RequestKind } from '../shared/http/retryPolicy';
import { DEFAULT_TIMEOUT_MS } from '../shared/resend/client';
import { ResendApiError } from '../shared/resend/errors';

export interface RemoteWebhook {
	id: string;
	endpoint: string;
	events: string[];
	status: string;
}

export interface CreatedWebhook {
	id: string;
	signingSecret: string;
}

export class WebhooksApi {
	constructor(
		private readonly apiKey: string,
		private readonly baseUrl: string,
	) {}

	private async call(method: string, path: string, kind: RequestKind, body?: unknown): Promise<HttpResponse> {
		return send(
			{
				method,
				url: `${this.baseUrl}${path}`,
				headers: {
					Authorization: `Bearer ${this.apiKey}`,
					...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
				},
				body: body !== undefined ? JSON.stringify(body) : undefined,
				describe: { path },
			},
			{ kind, timeoutMs: DEFAULT_TIMEOUT_MS },
		);
	}

	async create(endpoint: string, events: string[]): Promise<CreatedWebhook> {
		const res = await this.call('POST', '/webhooks', 'create', { endpoint, events });
		const body = ok(res) as { id?: unknown; signing_secret?: unknown };
		if (typeof body.id !== 'string' || typeof body.signing_secret !== 'string') {
			throw new Error('Resend created the webhook but its answer had no id or signing_secret');
		}
		return { id: body.id, signingSecret: body.signing_secret };
	}

	/** undefined when Resend no longer has it. */
	async get(id: string): Promise<RemoteWebhook | undefined> {
		const res = await this.call('GET', `/webhooks/${encodeURIComponent(id)}`, 'read');
		if (res.status === 404) return undefined;
		return toRemote(ok(res));
	}

	/** Every webhook of the team, following `has_more` (bounded: a team has a handful, not thousands). */
	async list(): Promise<RemoteWebhook[]> {
		const all: RemoteWebhook[] = [];
		let after: string | undefined;
		for (let page = 0; page < 20; page++) {
			const res = await this.call('GET', `/webhooks?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`, 'read');
			const body = ok(res) as { data?: unknown; has_more?: unknown };
			const data = Array.isArray(body.data) ? body.data.map(toRemote) : [];
			all.push(...data);
			if (body.has_more !== true || data.length === 0) break;
			after = data[data.length - 1].id;
		}
		return all;
	}

	/** True when deleted, false when Resend had no such webhook (already gone is as good as deleted). */
	async remove(id: string): Promise<boolean> {
		const res = await this.call('DELETE', `/webhooks/${encodeURIComponent(id)}`, 'read');
		if (res.status === 404) return false;
		ok(res);
		return true;
	}
}

function toRemote(value: unknown): RemoteWebhook {
	const v = (value ?? {}) as Record<string, unknown>;
	return {
		id: typeof v.id === 'string' ? v.id : '',
		endpoint: typeof v.endpoint === 'string' ? v.endpoint : '',
		events: Array.isArray(v.events) ? v.events.filter((e): e is string => typeof e === 'string') : [],
		status: typeof v.status === 'string' ? v.status : 'enabled',
	};
}

function ok(res: HttpResponse): unknown {
	let body: unknown;
	try {
		body = res.body ? JSON.parse(res.body) : {};
	} catch {
		body = undefined;
	}
	if (res.status >= 200 && res.status < 300) return body ?? {};
	const e = (body ?? {}) as Partial<ErrorResponse>;
	const error = {
		name: typeof e.name === 'string' ? e.name : res.status >= 500 ? 'application_error' : 'invalid_parameter',
		message: typeof e.message === 'string' ? e.message : `HTTP ${res.status}`,
		statusCode: res.status,
	} as ErrorResponse;
	throw new ResendApiError(error, res.headers);
}
