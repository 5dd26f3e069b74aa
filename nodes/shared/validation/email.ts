/**
 * The Send Email input: raw node parameters in, the resend SDK's `CreateEmailOptions` out.
 *
 * Field rules (addresses, tags, schedule, attachments) are small functions below; `build` relates
 * them (content present, batch limits) and reports every problem of an item in one pass, like sms.ts.
 */
import type { Attachment, CreateEmailOptions, Tag } from 'resend';
import { z } from 'zod';
import { isBlank, parseIsoDateTime } from './common';
import { parseInput, type ParseContext } from './errors';
import { addProblem, type Ctx } from './issues';

/** Resend: `to` takes at most 50 addresses; we hold CC and BCC to the same bound. */
export const MAX_RECIPIENTS = 50;
/** Resend's limit per email, measured on the base64-encoded attachments. */
export const MAX_ATTACHMENT_BYTES = 40 * 1024 * 1024;
/** Resend schedules at most 30 days ahead. */
export const MAX_SCHEDULE_DAYS = 30;
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export interface AttachmentInput {
	/** Where it came from, for error messages: the binary property or the URL. */
	source: { kind: 'binary'; property: string } | { kind: 'url'; url: string };
	/** false when the item has no binary property of that name. */
	found: boolean;
	/** Base64, for binary attachments. */
	content?: string;
	filename?: string;
	contentType?: string;
	contentId?: string;
}

export interface SendEmailInput {
	from?: string;
	to?: string | string[];
	cc?: string | string[];
	bcc?: string | string[];
	replyTo?: string | string[];
	subject?: string;
	text?: string;
	html?: string;
	attachments?: AttachmentInput[];
	tags?: Array<{ name?: string; value?: string }>;
	headers?: Array<{ name?: string; value?: string }>;
	scheduledAt?: string;
	topicId?: string;
	/** Batch mode: Resend's /emails/batch takes neither attachments nor scheduled_at. */
	batch?: boolean;
	now: Date;
}

export const SEND_EMAIL_LABELS: Record<keyof SendEmailInput, string> = {
	from: 'From',
	to: 'To',
	cc: 'CC',
	bcc: 'BCC',
	replyTo: 'Reply-To',
	subject: 'Subject',
	text: 'Text',
	html: 'HTML',
	attachments: 'Attachments',
	tags: 'Tags',
	headers: 'Headers',
	scheduledAt: 'Scheduled At',
	topicId: 'Topic ID',
	batch: 'Batch Mode',
	now: 'Current Time',
};

const ADDRESS_FIX = 'Use an address like ada@example.com or "Ada Lovelace <ada@example.com>"';
// Practical, not RFC 5322: one @, no spaces or brackets, a dot in the domain. Resend rejects the rest.
const BARE_ADDRESS = /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:.][^\s@<>()[\]",;:]*$/;
const NAMED_ADDRESS = /^(.*?)\s*<([^<>]+)>$/;

/** The bare address of `Name <addr>` or `addr`, or undefined when it is not an address. */
export function emailAddressOf(raw: string): string | undefined {
	const value = raw.trim();
	const named = NAMED_ADDRESS.exec(value);
	const address = named ? named[2].trim() : value;
	return BARE_ADDRESS.test(address) ? address : undefined;
}

/**
 * Splits a recipient list on commas, semicolons and newlines, except inside quotes or angle
 * brackets, so `"Lovelace, Ada" <ada@example.com>` stays one address.
 */
export function splitAddresses(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(splitAddresses);
	if (typeof value !== 'string') return isBlank(value) ? [] : [String(value)];
	const out: string[] = [];
	let current = '';
	let quoted = false;
	let angle = false;
	for (const ch of value) {
		if (ch === '"') quoted = !quoted;
		else if (ch === '<' && !quoted) angle = true;
		else if (ch === '>' && !quoted) angle = false;
		if (!quoted && !angle && (ch === ',' || ch === ';' || ch === '\n')) {
			out.push(current);
			current = '';
		} else current += ch;
	}
	out.push(current);
	return out.map((s) => s.trim()).filter(Boolean);
}

function addressList(ctx: Ctx, raw: unknown, field: string, required: boolean): string[] {
	const list = splitAddresses(raw);
	if (list.length === 0 && required) {
		addProblem(ctx, { path: [field], message: 'at least one recipient is required', fix: ADDRESS_FIX });
	}
	if (list.length > MAX_RECIPIENTS) {
		addProblem(ctx, {
			path: [field],
			message: `has ${list.length} addresses; Resend accepts at most ${MAX_RECIPIENTS}`,
			fix: `Split the recipients across several items (at most ${MAX_RECIPIENTS} each), or use BCC lists per item`,
		});
	}
	list.forEach((address) => {
		if (emailAddressOf(address) === undefined) {
			addProblem(ctx, { path: [field], message: `contains ${JSON.stringify(address)}, which is not an email address`, fix: ADDRESS_FIX });
		}
	});
	return list;
}

/** Resend's shorthand such as "in 1 hour" or "tomorrow at 9am"; only "in N unit" can be bounded here. */
const RELATIVE = /^in\s+(\d+)\s*(min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function scheduleTime(raw: string, now: Date): Date | undefined {
	const iso = parseIsoDateTime(raw);
	if (iso) return iso;
	const rel = RELATIVE.exec(raw.trim());
	if (!rel) return undefined;
	return new Date(now.getTime() + Number(rel[1]) * UNIT_MS[rel[2][0].toLowerCase()]);
}

function checkSchedule(ctx: Ctx, raw: string, now: Date): string | undefined {
	const value = raw.trim();
	const at = scheduleTime(value, now);
	const fix = `Use an ISO date and time (2026-12-01T09:30:00Z) or Resend's natural language ("in 1 hour", "tomorrow at 9am"), within ${MAX_SCHEDULE_DAYS} days`;
	if (at === undefined) {
		// Natural language Resend understands ("tomorrow at 9am ET") passes; digits-only or date-like junk does not.
		if (/^\d[\d\s:/.-]*$/.test(value) || /^\d{4}-\d{2}-\d{2}/.test(value)) {
			addProblem(ctx, { path: ['scheduledAt'], message: 'not a valid date and time', fix });
			return undefined;
		}
		return value;
	}
	const ms = at.getTime() - now.getTime();
	if (ms <= 0) addProblem(ctx, { path: ['scheduledAt'], message: 'is in the past', fix });
	else if (ms > MAX_SCHEDULE_DAYS * 86_400_000) {
		addProblem(ctx, { path: ['scheduledAt'], message: `is ${Math.floor(ms / 86_400_000)} days ahead; Resend schedules at most ${MAX_SCHEDULE_DAYS}`, fix });
	}
	return parseIsoDateTime(value) ? at.toISOString() : value;
}

function checkTags(ctx: Ctx, raw: SendEmailInput['tags']): Tag[] {
	const tags: Tag[] = [];
	(raw ?? []).forEach((t, i) => {
		if (isBlank(t.name) && isBlank(t.value)) return;
		const name = String(t.name ?? '').trim();
		const value = String(t.value ?? '').trim();
		const fix = 'Tag names and values may only contain ASCII letters, digits, _ and - (at most 256 characters)';
		if (!TAG_PATTERN.test(name)) addProblem(ctx, { path: ['tags', i, 'name'], message: `${JSON.stringify(name)} is not a valid tag name`, fix });
		if (!TAG_PATTERN.test(value)) addProblem(ctx, { path: ['tags', i, 'value'], message: `${JSON.stringify(value)} is not a valid tag value`, fix });
		tags.push({ name, value });
	});
	return tags;
}

function checkHeaders(ctx: Ctx, raw: SendEmailInput['headers']): Record<string, string> | undefined {
	const out: Record<string, string> = {};
	(raw ?? []).forEach((h, i) => {
		if (isBlank(h.name)) return;
		const name = String(h.name).trim();
		// RFC 5322 field names: printable ASCII except the colon.
		if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
			addProblem(ctx, { path: ['headers', i, 'name'], message: `${JSON.stringify(name)} is not a valid header name`, fix: 'Use a name like X-Entity-Ref-ID (letters, digits and dashes)' });
		}
		out[name] = String(h.value ?? '');
	});
	return Object.keys(out).length > 0 ? out : undefined;
}

function checkAttachments(ctx: Ctx, raw: AttachmentInput[], batch: boolean): Attachment[] {
	const out: Attachment[] = [];
	let bytes = 0;
	raw.forEach((a, i) => {
		if (batch) return;
		if (a.source.kind === 'binary' && !a.found) {
			addProblem(ctx, {
				path: ['attachments', i],
				message: `the item has no binary property "${a.source.property}"`,
				fix: 'Check the binary property names (comma-separated, e.g. data, invoice); the previous node must output binary data under that name',
			});
			return;
		}
		if (a.source.kind === 'url' && !/^https?:\/\/[^/\s]+/i.test(a.source.url.trim())) {
			addProblem(ctx, { path: ['attachments', i], message: `${JSON.stringify(a.source.url)} is not an http(s) URL`, fix: 'Use a public URL such as https://example.com/report.pdf' });
			return;
		}
		bytes += a.content?.length ?? 0;
		out.push({
			...(a.content !== undefined ? { content: a.content } : { path: (a.source as { url: string }).url.trim() }),
			...(a.filename ? { filename: a.filename } : {}),
			...(a.contentType ? { contentType: a.contentType } : {}),
			...(a.contentId ? { contentId: a.contentId } : {}),
		});
	});
	if (bytes > MAX_ATTACHMENT_BYTES) {
		addProblem(ctx, {
			path: ['attachments'],
			message: `total ${(bytes / 1024 / 1024).toFixed(1)} MB once base64-encoded; Resend accepts at most 40 MB per email`,
			fix: 'Send fewer or smaller files, or attach them by URL',
		});
	}
	return out;
}

const rawInput = z.object({
	from: z.string().optional(),
	to: z.union([z.string(), z.array(z.string())]).optional(),
	cc: z.union([z.string(), z.array(z.string())]).optional(),
	bcc: z.union([z.string(), z.array(z.string())]).optional(),
	replyTo: z.union([z.string(), z.array(z.string())]).optional(),
	subject: z.string().optional(),
	text: z.string().optional(),
	html: z.string().optional(),
	attachments: z.array(z.custom<AttachmentInput>()).optional(),
	tags: z.array(z.object({ name: z.unknown(), value: z.unknown() }).transform((t) => t as { name?: string; value?: string })).optional(),
	headers: z.array(z.object({ name: z.unknown(), value: z.unknown() }).transform((t) => t as { name?: string; value?: string })).optional(),
	scheduledAt: z.string().optional(),
	topicId: z.string().optional(),
	batch: z.boolean().optional(),
	now: z.date(),
});
type RawInput = z.output<typeof rawInput>;

function build(raw: RawInput, ctx: Ctx): CreateEmailOptions {
	const before = ctx.issues.length;
	const batch = raw.batch === true;

	if (isBlank(raw.from)) {
		addProblem(ctx, { path: ['from'], message: 'a sender is required', fix: 'Set From, or a Default From in the Resend credential' });
	} else if (emailAddressOf(raw.from!) === undefined) {
		addProblem(ctx, { path: ['from'], message: 'not an email address', fix: ADDRESS_FIX });
	}
	const to = addressList(ctx, raw.to, 'to', true);
	const cc = addressList(ctx, raw.cc, 'cc', false);
	const bcc = addressList(ctx, raw.bcc, 'bcc', false);
	const replyTo = addressList(ctx, raw.replyTo, 'replyTo', false);

	if (isBlank(raw.subject)) addProblem(ctx, { path: ['subject'], message: 'a subject is required', fix: 'Enter the email subject' });
	const text = isBlank(raw.text) ? undefined : raw.text;
	const html = isBlank(raw.html) ? undefined : raw.html;
	if (text === undefined && html === undefined) {
		addProblem(ctx, { path: ['text'], message: 'the email has no content', fix: 'Enter a Text body, an HTML body, or both' });
	}

	const attachmentInputs = raw.attachments ?? [];
	if (batch && attachmentInputs.length > 0) {
		addProblem(ctx, {
			path: ['attachments'],
			message: "Resend's batch endpoint does not accept attachments",
			fix: 'Turn off Batch Mode for emails with attachments (each is then sent on its own), or remove the attachments',
		});
	}
	const attachments = checkAttachments(ctx, attachmentInputs, batch);
	const tags = checkTags(ctx, raw.tags);
	const headers = checkHeaders(ctx, raw.headers);
	let scheduledAt: string | undefined;
	if (!isBlank(raw.scheduledAt)) {
		if (batch) {
			addProblem(ctx, {
				path: ['scheduledAt'],
				message: "Resend's batch endpoint does not accept scheduled emails",
				fix: 'Turn off Batch Mode to schedule emails, or remove Scheduled At',
			});
		} else scheduledAt = checkSchedule(ctx, raw.scheduledAt!, raw.now);
	}
	if (ctx.issues.length > before) return z.NEVER;

	const out: CreateEmailOptions = { from: raw.from!.trim(), to, subject: raw.subject!, ...(html !== undefined ? { html } : { text: text! }) };
	if (html !== undefined && text !== undefined) out.text = text;
	if (cc.length) out.cc = cc;
	if (bcc.length) out.bcc = bcc;
	if (replyTo.length) out.replyTo = replyTo;
	if (attachments.length) out.attachments = attachments;
	if (tags.length) out.tags = tags;
	if (headers) out.headers = headers;
	if (scheduledAt) out.scheduledAt = scheduledAt;
	if (!isBlank(raw.topicId)) out.topicId = raw.topicId!.trim();
	return out;
}

export const sendEmailSchema = rawInput.transform(build);

export function parseSendEmailInput(
	input: SendEmailInput,
	ctx: Omit<ParseContext, 'labels'> & { labels?: Record<string, string> },
): CreateEmailOptions {
	return parseInput(sendEmailSchema, input, { ...ctx, labels: { ...SEND_EMAIL_LABELS, ...ctx.labels } });
}
