/**
 * What one sent email looks like as an output item: flat, easy to map in the next node.
 */
import type { IDataObject } from 'n8n-workflow';
import type { CreateEmailOptions } from 'resend';
import type { RateLimitInfo } from '../shared/resend/rateLimit';

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function emailOutput(id: string, email: CreateEmailOptions, idempotencyKey: string, rateLimit: RateLimitInfo): IDataObject {
	return {
		id,
		from: email.from ?? null,
		to: list(email.to),
		subject: email.subject ?? null,
		scheduledAt: email.scheduledAt ?? null,
		idempotencyKey,
		rateLimit: { ...rateLimit },
	};
}
