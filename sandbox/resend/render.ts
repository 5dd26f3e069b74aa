/**
 * Emails in Resend's JSON shape (GET /emails and GET /emails/{id}). Empty lists are [] rather than Resend's null,
 * because the published spec types them as arrays and our contract test holds us to it.
 */
import type { EmailRecord } from './types';

/** Resend writes dates as Postgres does: "2023-04-03 22:13:42.674981+00". */
export const resendDate = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '+00');

/**
 * An email as GET /emails lists it: the spec's `Email` schema without its message_id (Resend's own
 * list example has none); scheduled_at, tags, topic_id and message_id come only from GET /emails/{id}.
 */
export function renderListedEmail(e: EmailRecord) {
	return {
		object: 'email',
		id: e.id,
		to: e.to,
		from: e.from,
		created_at: resendDate(e.createdAt),
		subject: e.subject,
		...(e.html !== null ? { html: e.html } : {}),
		...(e.text !== null ? { text: e.text } : {}),
		bcc: e.bcc,
		cc: e.cc,
		reply_to: e.replyTo,
		last_event: e.lastEvent,
	};
}

/** An email as GET /emails/{email_id} gives it: the listed fields and four more. */
export function renderEmail(e: EmailRecord) {
	return {
		...renderListedEmail(e),
		scheduled_at: e.scheduledAt ? resendDate(e.scheduledAt) : null,
		tags: e.tags,
		topic_id: e.topicId,
		message_id: e.messageId,
	};
}

/** For /__sandbox/state: the API shape plus what only the sandbox knows. */
export function adminEmail(e: EmailRecord) {
	return {
		...renderEmail(e),
		sandbox: {
			headers: e.headers,
			attachments: e.attachments,
			events: e.events,
			logicalKey: e.logicalKey,
			idempotencyKey: e.idempotencyKey,
			apiKeyId: e.apiKeyId,
			batch: e.batch,
		},
	};
}
