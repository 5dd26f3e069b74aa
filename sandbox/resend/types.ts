/**
 * Records the Resend part of the sandbox keeps. camelCase with real Dates, like the Twilio records;
 * render.ts turns them into Resend's JSON.
 */
export type EmailEvent =
	| 'scheduled'
	| 'queued'
	| 'sent'
	| 'delivered'
	| 'bounced'
	| 'complained'
	| 'suppressed'
	| 'canceled'
	| 'failed';

export interface EmailAttachmentRecord {
	filename: string | null;
	contentType: string | null;
	contentId: string | null;
	/** Base64 as received (null for attachments by path). */
	content: string | null;
	path: string | null;
	/** Decoded bytes, for content attachments. */
	size: number;
}

/** An email as validated from a send request, before the sandbox stores it. */
export interface ValidEmail {
	from: string;
	to: string[];
	cc: string[];
	bcc: string[];
	replyTo: string[];
	subject: string;
	html: string | null;
	text: string | null;
	headers: Record<string, string>;
	tags: Array<{ name: string; value: string }>;
	attachments: EmailAttachmentRecord[];
	scheduledAt: Date | null;
	topicId: string | null;
}

export interface EmailRecord extends ValidEmail {
	id: string;
	lastEvent: EmailEvent;
	events: Array<{ event: EmailEvent; at: Date }>;
	createdAt: Date;
	messageId: string;
	/** Exactly-once accounting key (see stats.ts). */
	logicalKey: string;
	idempotencyKey: string | null;
	apiKeyId: string;
	/** Sent through /emails/batch. */
	batch: boolean;
}

export interface IdempotencyRecord {
	/** Endpoint and key: Resend scopes keys per team, and one sandbox is one team. */
	scope: string;
	bodyHash: string;
	state: 'in-progress' | 'done';
	response?: { status: number; body: unknown };
	expiresAt: Date;
}
