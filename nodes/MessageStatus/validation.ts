/**
 * The inputs of both operations, checked before any request so that a bad item fails alone with
 * the field, the value and the item (see shared/validation/errors.ts).
 */
import { z } from 'zod';
import { boundedInt, isBlank, isoDateTime, optional, sid } from '../shared/validation/common';
import { addProblem, parseField } from '../shared/validation/issues';
import { e164Schema, hasWhatsAppPrefix, isAlphanumericSenderId, isShortCode, whatsAppAddressSchema } from '../shared/validation/phone';
import { CHANNEL_CHOICES, detectKind, ID_EXAMPLES, KIND_NAMES, type IdKind } from './ids';

/** Ten minutes: a longer wait holds an execution open for nothing; status callbacks (Twilio Trigger) suit that case. */
export const MAX_WAIT_SECONDS = 600;
export const MIN_POLL_SECONDS = 0.01;
export const MAX_POLL_SECONDS = 60;
export const MAX_PAGE_SIZE = 1000;

// ---- Get ----------------------------------------------------------------------------------------

export const GET_LABELS: Record<string, string> = {
	id: 'ID',
	channel: 'Channel',
	timeout: 'Timeout (Seconds)',
	pollInterval: 'First Poll Interval (Seconds)',
};

const pollSeconds = z.unknown().transform((raw, ctx) => {
	const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
	if (!Number.isFinite(value) || value < MIN_POLL_SECONDS || value > MAX_POLL_SECONDS) {
		addProblem(ctx, {
			message: `out of range (${MIN_POLL_SECONDS} to ${MAX_POLL_SECONDS} seconds)`,
			fix: `Use a number of seconds from ${MIN_POLL_SECONDS} to ${MAX_POLL_SECONDS}; 1 suits most workflows`,
		});
		return z.NEVER;
	}
	return value;
});

export interface GetRequest {
	id: string;
	kind: IdKind;
	wait?: { timeoutMs: number; firstIntervalMs: number; errorOnTimeout: boolean };
}

export const getSchema = z
	.object({
		id: z.unknown(),
		channel: z.enum(CHANNEL_CHOICES),
		waitForFinal: z.boolean(),
		timeout: z.unknown(),
		pollInterval: z.unknown(),
		errorOnTimeout: z.boolean(),
	})
	.transform((input, ctx): GetRequest => {
		const id = typeof input.id === 'string' ? input.id.trim() : input.id === undefined || input.id === null ? '' : String(input.id);
		const kind = id === '' ? undefined : detectKind(id);
		const choices = input.channel === 'auto' ? (['message', 'call', 'email'] as const) : [input.channel];
		if (id === '') {
			addProblem(ctx, { message: 'an id is required', fix: 'Map the sid of a Send SMS or Voice Message output, or the id of a Send Email output', path: ['id'] });
		} else if (!kind || (input.channel !== 'auto' && kind !== input.channel)) {
			const expected = choices.map((k) => KIND_NAMES[k]).join(', or ');
			addProblem(ctx, {
				message: kind ? `is ${KIND_NAMES[kind]}, not ${expected}` : `matches no known id format: expected ${expected}`,
				fix: kind
					? `Set Channel to Auto-Detect, or to the channel of this id`
					: `Use an id like ${choices.map((k) => ID_EXAMPLES[k]).join(' or ')}; check that the expression returns the id field`,
				path: ['id'],
			});
		}
		let wait: GetRequest['wait'];
		if (input.waitForFinal) {
			const timeout = parseField(ctx, boundedInt(1, MAX_WAIT_SECONDS, 'seconds'), input.timeout, ['timeout']);
			const interval = parseField(ctx, pollSeconds, input.pollInterval, ['pollInterval']);
			if (timeout !== undefined && interval !== undefined) {
				wait = { timeoutMs: timeout * 1000, firstIntervalMs: Math.round(interval * 1000), errorOnTimeout: input.errorOnTimeout };
			}
		}
		return { id, kind: kind ?? 'message', wait };
	});

// ---- Get Many -----------------------------------------------------------------------------------

export const LIST_LABELS: Record<string, string> = {
	to: 'To',
	from: 'From',
	numberA: 'Your Number',
	numberB: 'Other Number',
	dateSentAfter: 'Sent After',
	dateSentBefore: 'Sent Before',
	limit: 'Limit',
	pageSize: 'Page Size',
};

/** A To/From filter: an E.164 number (normalized), a whatsapp: address, a short code or a sender ID. */
export const addressFilter = z.string().transform((raw, ctx) => {
	const value = raw.trim();
	if (hasWhatsAppPrefix(value)) return parseField(ctx, whatsAppAddressSchema, value, []) ?? z.NEVER;
	if (isShortCode(value) || isAlphanumericSenderId(value)) return value;
	return parseField(ctx, e164Schema, value, []) ?? z.NEVER;
});

export interface DateRange {
	after?: Date;
	before?: Date;
}

export const listSchema = z
	.object({
		to: optional(addressFilter),
		from: optional(addressFilter),
		numberA: optional(addressFilter),
		numberB: optional(addressFilter),
		dateSentAfter: optional(isoDateTime),
		dateSentBefore: optional(isoDateTime),
		conversation: z.boolean(),
		returnAll: z.boolean(),
		limit: boundedInt(1, 100_000),
		pageSize: boundedInt(1, MAX_PAGE_SIZE),
	})
	.superRefine((v, ctx) => {
		if (v.dateSentAfter && v.dateSentBefore && v.dateSentAfter.getTime() > v.dateSentBefore.getTime()) {
			addProblem(ctx, {
				message: `is later than Sent Before (${v.dateSentBefore.toISOString()}), so no message can match`,
				fix: 'Swap the two dates, or clear one of them',
				path: ['dateSentAfter'],
			});
		}
		if (v.conversation) {
			if (!v.numberA) addProblem(ctx, { message: 'a conversation needs both numbers', fix: 'Choose your Twilio number', path: ['numberA'] });
			if (!v.numberB) addProblem(ctx, { message: 'a conversation needs both numbers', fix: 'Enter the other party\'s number, e.g. +14155550123', path: ['numberB'] });
		}
	});

// ---- Recordings ---------------------------------------------------------------------------------

export const RECORDING_FORMATS = ['mp3', 'wav'] as const;
export type RecordingFormat = (typeof RECORDING_FORMATS)[number];

export const RECORDING_LABELS: Record<string, string> = {
	callSid: 'Call SID',
	recordingSid: 'Recording SID',
	format: 'Format',
	binaryPropertyName: 'Put Output File in Field',
	fileName: 'File Name',
};

/** A required SID: a blank one is "missing", anything else must be the prefix and 32 hex characters. */
function requiredSid(prefix: 'CA' | 'RE', mapHint: string) {
	return z.unknown().transform((raw, ctx) => {
		const text = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
		if (isBlank(text)) {
			addProblem(ctx, { message: 'a SID is required', fix: mapHint });
			return z.NEVER;
		}
		return parseField(ctx, sid(prefix), text, []) ?? z.NEVER;
	});
}

export const listRecordingsSchema = z.object({
	callSid: requiredSid('CA', 'Map the "sid" of a Voice Message or Outbound Call output, or the "callSid" of a Twilio Comms Trigger event'),
	includeRaw: z.boolean(),
});

/** n8n binary field names: letters, digits, _ and -, as n8n's own nodes accept them. */
const BINARY_FIELD = /^[A-Za-z0-9_-]{1,100}$/;

export const downloadRecordingSchema = z.object({
	recordingSid: requiredSid('RE', 'Map the "recordingSid" of a Recording Completed event, or of a List Call Recordings item'),
	format: z.enum(RECORDING_FORMATS),
	binaryPropertyName: z.string().transform((raw, ctx) => {
		const name = raw.trim();
		if (BINARY_FIELD.test(name)) return name;
		addProblem(ctx, { message: 'is not a field name', fix: 'Use letters, digits, _ or -, e.g. data' });
		return z.NEVER;
	}),
	fileName: z.string().transform((raw, ctx) => {
		const name = raw.trim();
		if (name === '') return undefined;
		if (/[/\\\u0000-\u001f]/.test(name) || name.length > 200) {
			addProblem(ctx, { message: 'is not a file name', fix: 'Use a plain name without slashes or control characters, e.g. call-recording.mp3' });
			return z.NEVER;
		}
		return name;
	}),
});
