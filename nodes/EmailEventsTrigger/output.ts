/**
 * One flat item per Resend event, so a workflow maps `{{ $json.emailId }}` rather than digging in
 * `data`. Field names follow Resend's webhook payloads (resend.json, components "Email*Event"):
 * `{type, created_at, data: {email_id, created_at, from, to, subject, bounce?, click?, failed?, …}}`.
 * Details a kind of event does not carry are left out rather than set to null.
 */
import type { IDataObject } from 'n8n-workflow';

export const EMAIL_EVENTS = [
	'email.sent',
	'email.delivered',
	'email.delivery_delayed',
	'email.bounced',
	'email.complained',
	'email.opened',
	'email.clicked',
	'email.failed',
	'email.received',
	'email.scheduled',
	'email.suppressed',
] as const;

export type EmailEventType = (typeof EMAIL_EVENTS)[number];

const obj = (v: unknown): IDataObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as IDataObject) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Only the keys whose value is set. */
function present(fields: Record<string, unknown>): IDataObject {
	return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as IDataObject;
}

export function toOutput(payload: IDataObject, svixId: string): IDataObject {
	const data = obj(payload.data);
	const bounce = obj(data.bounce);
	const click = obj(data.click);
	const failed = obj(data.failed);
	const suppressed = obj(data.suppressed);
	const to = Array.isArray(data.to) ? data.to.filter((a): a is string => typeof a === 'string') : typeof data.to === 'string' ? [data.to] : [];
	return {
		type: str(payload.type) ?? '',
		emailId: str(data.email_id) ?? '',
		to,
		from: str(data.from) ?? '',
		subject: str(data.subject) ?? '',
		createdAt: str(payload.created_at) ?? '',
		...present({
			emailCreatedAt: str(data.created_at),
			bounceType: str(bounce.type),
			bounceSubType: str(bounce.subType),
			bounceMessage: str(bounce.message),
			clickLink: str(click.link),
			clickTimestamp: str(click.timestamp),
			userAgent: str(click.userAgent),
			ipAddress: str(click.ipAddress),
			failedReason: str(failed.reason),
			suppressedReason: str(suppressed.reason),
			suppressedMessage: str(suppressed.message),
			tags: Object.keys(obj(data.tags)).length ? obj(data.tags) : undefined,
		}),
		// The delivery's id: the same for Resend's retries of one event, so it can key a downstream dedupe.
		eventId: svixId,
		raw: payload,
	};
}
