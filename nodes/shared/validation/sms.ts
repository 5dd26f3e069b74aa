/**
 * The Send SMS input: raw node parameters in, twilio SDK `messages.create` params out.
 *
 * Field checks come from phone.ts and common.ts; the rules that relate fields (channel and
 * prefixes, sender, scheduling, content templates) live here, in one transform, so that every
 * problem of an item is reported at once.
 */
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';
import { z } from 'zod';
import { boundedInt, callbackUrl, httpUrl, isBlank, isoDateTime, jsonObject, sid } from './common';
import { parseInput, type ParseContext } from './errors';
import { addProblem, parseField, type Ctx } from './issues';
import {
	E164_FIX,
	hasWhatsAppPrefix,
	isAlphanumericSenderId,
	isShortCode,
	normalizePhone,
	phoneProblem,
	stripWhatsApp,
	toWhatsApp,
} from './phone';
import { SMS_BODY_MAX_CHARACTERS } from './segments';

export type SmsChannel = 'sms' | 'whatsapp';

export interface SendSmsInput {
	channel: SmsChannel;
	to: string;
	from?: string;
	messagingServiceSid?: string;
	body?: string;
	mediaUrls?: string[];
	statusCallback?: string;
	validityPeriod?: number;
	/** ISO 8601; without an offset it is read as UTC. */
	sendAt?: string;
	shortenUrls?: boolean;
	contentSid?: string;
	contentVariables?: string | Record<string, unknown>;
	/** The clock the schedule window is checked against (injected so tests are deterministic). */
	now: Date;
}

export type SendSmsParams = Pick<
	MessageListInstanceCreateOptions,
	| 'to'
	| 'from'
	| 'messagingServiceSid'
	| 'body'
	| 'mediaUrl'
	| 'statusCallback'
	| 'validityPeriod'
	| 'sendAt'
	| 'shortenUrls'
	| 'contentSid'
	| 'contentVariables'
> & { scheduleType?: 'fixed' };

export const SEND_SMS_LABELS: Record<keyof SendSmsInput, string> = {
	channel: 'Channel',
	to: 'To',
	from: 'From',
	messagingServiceSid: 'Messaging Service SID',
	body: 'Body',
	mediaUrls: 'Media URLs',
	statusCallback: 'Status Callback URL',
	validityPeriod: 'Validity Period',
	sendAt: 'Send At',
	shortenUrls: 'Shorten URLs',
	contentSid: 'Content SID',
	contentVariables: 'Content Variables',
	now: 'Current Time',
};

export const MAX_MEDIA_URLS = 10;
export const MAX_VALIDITY_PERIOD = 36000;
// Twilio's scheduling window: at least 15 minutes and at most 35 days ahead.
export const SEND_AT_MIN_SECONDS = 15 * 60;
export const SEND_AT_MAX_SECONDS = 35 * 24 * 60 * 60;

// Expressions may yield a number for a phone number; let the phone rules explain what is wrong.
const text = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string());

const rawInput = z.object({
	channel: z.enum(['sms', 'whatsapp']),
	to: text.optional(),
	from: text.optional(),
	messagingServiceSid: z.string().optional(),
	body: z.string().optional(),
	mediaUrls: z.array(z.string()).optional(),
	statusCallback: z.string().optional(),
	validityPeriod: z.union([z.number(), z.string()]).optional(),
	sendAt: z.union([z.string(), z.date()]).optional(),
	shortenUrls: z.boolean().optional(),
	contentSid: z.string().optional(),
	contentVariables: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
	now: z.date(),
});
type RawInput = z.output<typeof rawInput>;

type Address =
	| { kind: 'phone'; whatsapp: boolean; e164: string }
	| { kind: 'alphanumeric' | 'shortCode'; value: string };

const SENDER_FIX =
	'Use one of your Twilio numbers in international format (e.g. +14155550123), a short code, or an alphanumeric sender ID of up to 11 letters, digits and spaces';

function parseRecipient(ctx: Ctx, raw: string): Address | undefined {
	const whatsapp = hasWhatsAppPrefix(raw);
	const number = stripWhatsApp(raw);
	const e164 = normalizePhone(number);
	if (e164 !== undefined) return { kind: 'phone', whatsapp, e164 };
	const problem = phoneProblem(number) ?? 'not a phone number in E.164 format';
	addProblem(ctx, {
		path: ['to'],
		message: whatsapp ? `not a WhatsApp address: its number is ${problem}` : problem,
		fix: whatsapp ? 'Write WhatsApp numbers as whatsapp:+14155550123' : E164_FIX,
	});
	return undefined;
}

function parseSender(ctx: Ctx, raw: string): Address | undefined {
	const value = raw.trim();
	const whatsapp = hasWhatsAppPrefix(value);
	const number = stripWhatsApp(value);
	const e164 = normalizePhone(number);
	if (e164 !== undefined) return { kind: 'phone', whatsapp, e164 };
	if (!whatsapp && isShortCode(value)) return { kind: 'shortCode', value };
	if (!whatsapp && isAlphanumericSenderId(value)) return { kind: 'alphanumeric', value };
	// Mostly digits means a phone number gone wrong; otherwise an over-long or odd sender ID.
	const looksLikePhone = whatsapp || /^[\d\s+().\-]+$/.test(value);
	addProblem(ctx, {
		path: ['from'],
		message: looksLikePhone
			? (phoneProblem(number) ?? 'not a phone number in E.164 format')
			: 'not a phone number, short code or alphanumeric sender ID (1 to 11 letters, digits or spaces, with at least one letter)',
		fix: SENDER_FIX,
	});
	return undefined;
}

/** Applies the channel's addressing rules and returns To and From as Twilio expects them. */
function address(
	ctx: Ctx,
	channel: SmsChannel,
	to: Address | undefined,
	from: Address | undefined,
): { to?: string; from?: string } {
	const render = (a: Address | undefined, whatsapp: boolean) =>
		a === undefined ? undefined : a.kind === 'phone' ? (whatsapp ? toWhatsApp(a.e164) : a.e164) : a.value;

	if (from !== undefined && from.kind !== 'phone' && (channel === 'whatsapp' || (to?.kind === 'phone' && to.whatsapp))) {
		const what = from.kind === 'alphanumeric' ? 'alphanumeric sender IDs' : 'short codes';
		addProblem(ctx, {
			path: ['from'],
			message: `${what} cannot send WhatsApp messages`,
			fix: 'Use your WhatsApp-enabled Twilio number, e.g. whatsapp:+14155550123, or switch the channel to SMS',
		});
		return {};
	}
	if (channel === 'whatsapp') return { to: render(to, true), from: render(from, true) };

	// On the SMS channel a whatsapp: address is honoured only when both ends use it; a mix is
	// almost always a forgotten prefix, and Twilio would reject it with a less helpful error.
	if (to?.kind === 'phone' && from?.kind === 'phone' && to.whatsapp !== from.whatsapp) {
		const bare = to.whatsapp ? 'from' : 'to';
		addProblem(ctx, {
			path: [bare],
			message: `a WhatsApp number without the prefix: ${bare === 'to' ? 'From' : 'To'} is a whatsapp: address, so this must be one too`,
			fix: 'Add the whatsapp: prefix to both To and From, or choose the WhatsApp channel and the node adds it for you',
		});
		return {};
	}
	const whatsapp = to?.kind === 'phone' && to.whatsapp;
	return { to: render(to, whatsapp), from: render(from, whatsapp) };
}

function checkSchedule(ctx: Ctx, sendAt: Date, now: Date, hasService: boolean): void {
	if (!hasService) {
		addProblem(ctx, {
			path: ['sendAt'],
			message: 'scheduling needs a Messaging Service',
			fix: 'Set a Messaging Service SID (Twilio only schedules messages sent through one), or remove Send At',
		});
	}
	const seconds = (sendAt.getTime() - now.getTime()) / 1000;
	const fix = 'Pick a time between 15 minutes and 35 days from now';
	if (seconds < SEND_AT_MIN_SECONDS) {
		const message =
			seconds <= 0
				? 'is in the past'
				: `is only ${Math.floor(seconds / 60)} minutes from now; Twilio needs at least 15 minutes`;
		addProblem(ctx, { path: ['sendAt'], message, fix });
	} else if (seconds > SEND_AT_MAX_SECONDS) {
		addProblem(ctx, {
			path: ['sendAt'],
			message: `is ${Math.floor(seconds / 86400)} days from now; Twilio schedules at most 35 days ahead`,
			fix,
		});
	}
}

function build(raw: RawInput, ctx: Ctx): SendSmsParams {
	const issuesBefore = ctx.issues.length;
	const present = <T>(v: T | undefined): v is T => !isBlank(v);

	// ---- addressing
	let to: Address | undefined;
	if (present(raw.to)) to = parseRecipient(ctx, raw.to);
	else
		addProblem(ctx, {
			path: ['to'],
			message: 'a recipient is required',
			fix: 'Enter the recipient number in international format, e.g. +14155550123',
		});
	const from = present(raw.from) ? parseSender(ctx, raw.from) : undefined;
	const messagingServiceSid = present(raw.messagingServiceSid)
		? parseField(ctx, sid('MG'), raw.messagingServiceSid, ['messagingServiceSid'])
		: undefined;
	const hasService = present(raw.messagingServiceSid);
	// Both may be given: Twilio then sends through the service from that specific sender.
	if (!present(raw.from) && !hasService) {
		addProblem(ctx, {
			path: ['from'],
			message: 'a sender is required',
			fix: 'Set From to one of your Twilio numbers, or set a Messaging Service SID',
		});
	}
	const addresses = address(ctx, raw.channel, to, from);

	// ---- content
	const mediaUrls = (raw.mediaUrls ?? []).map((url, index) => ({ url, index })).filter((m) => present(m.url));
	if (mediaUrls.length > MAX_MEDIA_URLS) {
		addProblem(ctx, {
			path: ['mediaUrls'],
			message: `has ${mediaUrls.length} URLs; Twilio accepts at most ${MAX_MEDIA_URLS} per message`,
			fix: `Remove media URLs until there are ${MAX_MEDIA_URLS} or fewer, or send several messages`,
		});
	}
	const mediaUrl = mediaUrls.map((m) => parseField(ctx, httpUrl, m.url, ['mediaUrls', m.index]));
	const contentSid = present(raw.contentSid) ? parseField(ctx, sid('HX'), raw.contentSid, ['contentSid']) : undefined;

	const body = raw.body ?? '';
	if (body.length > SMS_BODY_MAX_CHARACTERS) {
		addProblem(ctx, {
			path: ['body'],
			message: `is ${body.length.toLocaleString('en-US')} characters long; the limit is 1,600`,
			fix: 'Shorten the message or split it across several messages (emoji count as 2 characters)',
		});
	} else if (body.trim() === '' && mediaUrls.length === 0 && !present(raw.contentSid)) {
		addProblem(ctx, {
			path: ['body'],
			message: 'a message body is required unless you send media or a content template',
			fix: 'Enter the message text, add a Media URL, or set a Content SID',
		});
	}

	let contentVariables: string | undefined;
	if (present(raw.contentVariables)) {
		const vars = parseField(ctx, jsonObject('{"1": "Alice", "2": "12/1"}'), raw.contentVariables, ['contentVariables']);
		if (!present(raw.contentSid)) {
			addProblem(ctx, {
				path: ['contentVariables'],
				message: 'content variables are only used with a content template',
				fix: 'Set a Content SID (HX…), or remove Content Variables',
			});
		}
		if (vars !== undefined) contentVariables = JSON.stringify(vars);
	}

	// ---- delivery options
	const statusCallback = present(raw.statusCallback)
		? parseField(ctx, callbackUrl, raw.statusCallback, ['statusCallback'])
		: undefined;
	const validityPeriod =
		present(raw.validityPeriod)
			? parseField(ctx, boundedInt(1, MAX_VALIDITY_PERIOD, 'seconds'), raw.validityPeriod, ['validityPeriod'])
			: undefined;
	let sendAt: Date | undefined;
	if (present(raw.sendAt)) {
		sendAt = parseField(ctx, isoDateTime, raw.sendAt, ['sendAt']);
		if (sendAt) checkSchedule(ctx, sendAt, raw.now, hasService);
	}
	if (raw.shortenUrls === true && !hasService) {
		addProblem(ctx, {
			path: ['shortenUrls'],
			message: 'link shortening needs a Messaging Service',
			fix: 'Set a Messaging Service SID with link shortening configured, or turn off Shorten URLs',
		});
	}

	if (ctx.issues.length > issuesBefore) return z.NEVER;

	const out: SendSmsParams = { to: addresses.to as string };
	if (addresses.from !== undefined) out.from = addresses.from;
	if (messagingServiceSid !== undefined) out.messagingServiceSid = messagingServiceSid;
	if (body.trim() !== '') out.body = body;
	if (mediaUrl.length > 0) out.mediaUrl = mediaUrl as string[];
	if (statusCallback !== undefined) out.statusCallback = statusCallback;
	if (validityPeriod !== undefined) out.validityPeriod = validityPeriod;
	if (sendAt !== undefined) {
		out.sendAt = sendAt;
		out.scheduleType = 'fixed';
	}
	// false is Twilio's default; sending it without a service would only invite a rejection.
	if (raw.shortenUrls === true) out.shortenUrls = true;
	if (contentSid !== undefined) out.contentSid = contentSid;
	if (contentVariables !== undefined) out.contentVariables = contentVariables;
	return out;
}

export const sendSmsSchema = rawInput.transform(build);

export function parseSendSmsInput(
	input: unknown,
	ctx: Omit<ParseContext, 'labels'> & { labels?: Record<string, string> },
): SendSmsParams {
	return parseInput(sendSmsSchema, input, { ...ctx, labels: { ...SEND_SMS_LABELS, ...ctx.labels } });
}
