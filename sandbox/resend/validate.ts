/**
 * Checks a send body as Resend does and returns the email to store. Throws ResendApiError with
 * Resend's name and wording for the first problem found.
 */
import { RESEND_DOMAINS } from '../fixtures';
import { resendErrors } from './errors';
import type { EmailAttachmentRecord, ValidEmail } from './types';

export type { ValidEmail } from './types';

const BARE = /^[^\s@<>()[\]",;:]+@([^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:]+)$/;
const TAG = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_ATTACHMENTS_BASE64 = 40 * 1024 * 1024;
const DAY_MS = 86_400_000;

/** The domain of `addr` or `Name <addr>`, or undefined when it is not an address. */
export function addressDomain(raw: string): string | undefined {
	const m = /<([^<>]+)>\s*$/.exec(raw.trim());
	return BARE.exec((m ? m[1] : raw).trim())?.[1].toLowerCase();
}

function list(body: Record<string, unknown>, field: string, required: boolean): string[] {
	const raw = body[field];
	if (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0)) {
		if (required) throw resendErrors.missingField(field);
		return [];
	}
	const values = Array.isArray(raw) ? raw : [raw];
	if (!values.every((v) => typeof v === 'string' && addressDomain(v) !== undefined)) throw resendErrors.invalidAddress(field);
	if (values.length > 50) throw resendErrors.tooManyRecipients(field);
	return values as string[];
}

/** ISO 8601, or the "in N minutes/hours/days" form of Resend's natural language; other phrases as one hour ahead. */
export function parseSchedule(raw: string, now: Date): Date | undefined {
	const rel = /^in\s+(\d+)\s*(min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i.exec(raw.trim());
	if (rel) {
		const unit = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[rel[2][0].toLowerCase() as 'm' | 'h' | 'd' | 'w'];
		return new Date(now.getTime() + Number(rel[1]) * unit);
	}
	if (/^\d{4}-\d{2}-\d{2}/.test(raw)) {
		const d = new Date(raw);
		return Number.isNaN(d.getTime()) ? undefined : d;
	}
	return /[a-z]/i.test(raw) ? new Date(now.getTime() + 3_600_000) : undefined;
}

function attachments(raw: unknown): EmailAttachmentRecord[] {
	if (raw === undefined || raw === null) return [];
	if (!Array.isArray(raw)) throw resendErrors.invalid('Invalid `attachments` field. It must be an array.');
	let total = 0;
	const out = raw.map((a: Record<string, unknown>) => {
		const content = typeof a?.content === 'string' ? a.content : null;
		const path = typeof a?.path === 'string' ? a.path : null;
		if (content === null && path === null) throw resendErrors.invalidAttachment('Attachment must have either a `content` or `path`.');
		if (content !== null && typeof a.filename !== 'string') throw resendErrors.invalidAttachment('Attachment with `content` must have a `filename`.');
		if (content !== null && !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) throw resendErrors.invalidAttachment('Attachment `content` must be base64 encoded.');
		if (path !== null && !/^https?:\/\//i.test(path)) throw resendErrors.invalidAttachment('Attachment `path` must be a URL.');
		total += content?.length ?? 0;
		return {
			filename: typeof a.filename === 'string' ? a.filename : null,
			contentType: typeof a.content_type === 'string' ? a.content_type : null,
			contentId: typeof a.content_id === 'string' ? a.content_id : null,
			content,
			path,
			size: content === null ? 0 : Buffer.from(content, 'base64').length,
		};
	});
	if (total > MAX_ATTACHMENTS_BASE64) throw resendErrors.invalid('Attachments exceed the 40MB limit per email.');
	return out;
}

export function validateEmail(input: unknown, opts: { batch: boolean; now: Date }): ValidEmail {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) throw resendErrors.invalid('The request body must be a JSON object.');
	const body = input as Record<string, unknown>;
	if (typeof body.from !== 'string' || body.from.trim() === '') throw resendErrors.missingField('from');
	const domain = addressDomain(body.from);
	if (domain === undefined) throw resendErrors.invalidFrom();
	if (!RESEND_DOMAINS.some((d) => d.name === domain)) throw resendErrors.domainNotVerified(domain);
	const to = list(body, 'to', true);
	if (typeof body.subject !== 'string' || body.subject === '') throw resendErrors.missingField('subject');
	const cc = list(body, 'cc', false);
	const bcc = list(body, 'bcc', false);
	const replyTo = list(body, 'reply_to', false);
	const html = typeof body.html === 'string' && body.html !== '' ? body.html : null;
	const text = typeof body.text === 'string' && body.text !== '' ? body.text : null;
	if (html === null && text === null && body.template === undefined) throw resendErrors.missingField('html` or `text');

	if (opts.batch && body.attachments !== undefined) throw resendErrors.invalid('The `attachments` field is not supported for batch emails.');
	if (opts.batch && body.scheduled_at !== undefined) throw resendErrors.invalid('The `scheduled_at` field is not supported for batch emails.');

	const tags = body.tags === undefined ? [] : body.tags;
	if (!Array.isArray(tags) || !tags.every((t) => typeof t?.name === 'string' && TAG.test(t.name) && typeof t.value === 'string' && TAG.test(t.value))) {
		throw resendErrors.invalid('Tags should only contain ASCII letters (a–z, A–Z), numbers (0–9), underscores (_), or dashes (-).');
	}
	const headers = body.headers === undefined ? {} : body.headers;
	if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || !Object.values(headers).every((v) => typeof v === 'string')) {
		throw resendErrors.invalid('Invalid `headers` field. It must be an object of string values.');
	}

	let scheduledAt: Date | null = null;
	if (body.scheduled_at !== undefined && body.scheduled_at !== null) {
		const at = typeof body.scheduled_at === 'string' ? parseSchedule(body.scheduled_at, opts.now) : undefined;
		if (!at) throw resendErrors.invalid('Invalid `scheduled_at` field. Use an ISO 8601 date or natural language such as "in 1 hour".');
		if (at.getTime() <= opts.now.getTime()) throw resendErrors.invalid('The `scheduled_at` date must be in the future.');
		if (at.getTime() - opts.now.getTime() > 30 * DAY_MS) throw resendErrors.invalid('The `scheduled_at` date must be within 30 days.');
		scheduledAt = at;
	}
	return {
		from: body.from,
		to,
		cc,
		bcc,
		replyTo,
		subject: body.subject,
		html,
		text,
		headers: headers as Record<string, string>,
		tags: tags as ValidEmail['tags'],
		attachments: attachments(body.attachments),
		scheduledAt,
		topicId: typeof body.topic_id === 'string' ? body.topic_id : null,
	};
}
