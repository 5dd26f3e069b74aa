/**
 * The Verify Phone inputs: raw node parameters in, twilio SDK `verifications.create` and
 * `verificationChecks.create` params out. Every problem of an item is reported at once, before any
 * request is sent, so a typo never costs one of the 5 sends or 5 checks Twilio allows.
 */
import { z } from 'zod';
import { isBlank, isSid, sid, sidName } from './common';
import { emailAddressOf } from './email';
import { addProblem, parseField, type Ctx } from './issues';
import { E164_FIX, hasWhatsAppPrefix, normalizePhone, phoneProblem, stripWhatsApp } from './phone';

export const VERIFY_CHANNELS = ['sms', 'call', 'email', 'whatsapp'] as const;
export type VerifyChannel = (typeof VERIFY_CHANNELS)[number];
export const CHECK_BY = ['to', 'verificationSid'] as const;
export type CheckBy = (typeof CHECK_BY)[number];

/** Twilio Verify codes are 4 to 10 characters; the codes it generates are digits. */
export const CODE_LENGTH = { min: 4, max: 10 };
export const MAX_CUSTOM_FRIENDLY_NAME = 30;
// ISO 639 language with an optional region or script, as Twilio's supported-languages list writes them.
const LOCALE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;
// People paste codes as "123 456" or "123-456".
const CODE_SEPARATORS = /[\s-]/g;

export const VERIFY_LABELS: Record<string, string> = {
	serviceSid: 'Verify Service',
	channel: 'Channel',
	to: 'To',
	locale: 'Locale',
	customFriendlyName: 'Custom Friendly Name',
	checkBy: 'Check By',
	verificationSid: 'Verification SID',
	code: 'Code',
};

export interface SendCodeInput {
	serviceSid?: unknown;
	channel?: unknown;
	to?: unknown;
	locale?: unknown;
	customFriendlyName?: unknown;
}

export interface CheckCodeInput {
	serviceSid?: unknown;
	checkBy?: unknown;
	to?: unknown;
	verificationSid?: unknown;
	code?: unknown;
}

export interface SendCodeParams {
	to: string;
	channel: VerifyChannel;
	locale?: string;
	customFriendlyName?: string;
}

export type CheckCodeParams = { code: string } & ({ to: string } | { verificationSid: string });

// Expressions often give numbers (a code typed into a form); n8n gives '' for untouched fields.
const asText = (v: unknown): string | undefined => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined);

function serviceSidOf(ctx: Ctx, raw: unknown): string | undefined {
	if (isBlank(raw)) {
		addProblem(ctx, {
			path: ['serviceSid'],
			message: 'no Verify Service is selected and the Twilio credential has no Default Verify Service SID',
			fix: 'Pick a Verify Service from the list, enter its SID (VA…), or set Default Verify Service SID in the Twilio credential',
		});
		return undefined;
	}
	return parseField(ctx, sid('VA'), asText(raw) ?? raw, ['serviceSid']);
}

function phoneTo(ctx: Ctx, raw: string, channel: string): string | undefined {
	if (raw.includes('@')) {
		addProblem(ctx, {
			path: ['to'],
			message: `is an email address, but the ${channel} channel needs a phone number`,
			fix: 'Choose the Email channel to send the code by email, or give a phone number such as +14155550123',
		});
		return undefined;
	}
	// WhatsApp numbers are written whatsapp:+1… elsewhere in this package; Verify wants the bare number.
	const number = hasWhatsAppPrefix(raw) ? stripWhatsApp(raw) : raw;
	const e164 = normalizePhone(number);
	if (e164 === undefined) addProblem(ctx, { path: ['to'], message: phoneProblem(number) ?? 'not a phone number in E.164 format', fix: E164_FIX });
	return e164;
}

function emailTo(ctx: Ctx, raw: string): string | undefined {
	const address = emailAddressOf(raw);
	if (address === undefined) {
		addProblem(ctx, {
			path: ['to'],
			message: 'not an email address, which the email channel needs',
			fix: 'Use an address like ada@example.com, or choose the SMS, Call or WhatsApp channel for a phone number',
		});
	}
	return address;
}

/** To for a check: the channel is not known there, so an email address or a phone number. */
function anyTo(ctx: Ctx, raw: string): string | undefined {
	return raw.includes('@') ? emailTo(ctx, raw) : phoneTo(ctx, raw, 'sms');
}

function requiredTo(ctx: Ctx, raw: unknown, what: string): string | undefined {
	const text = asText(raw);
	if (text === undefined || isBlank(text)) {
		addProblem(ctx, { path: ['to'], message: `${what} is required`, fix: 'Enter the phone number in international format (e.g. +14155550123), or an email address for the email channel' });
		return undefined;
	}
	return text.trim();
}

export function codeProblem(raw: string): string | undefined {
	const code = raw.replace(CODE_SEPARATORS, '');
	if (!/^\d+$/.test(code)) return 'contains characters other than digits';
	if (code.length < CODE_LENGTH.min || code.length > CODE_LENGTH.max) {
		return `has ${code.length} digit${code.length === 1 ? '' : 's'}; verification codes have ${CODE_LENGTH.min} to ${CODE_LENGTH.max}`;
	}
	return undefined;
}

const sendCodeInput = z.object({
	serviceSid: z.unknown().optional(),
	channel: z.unknown().optional(),
	to: z.unknown().optional(),
	locale: z.unknown().optional(),
	customFriendlyName: z.unknown().optional(),
});

export const sendCodeSchema = sendCodeInput.transform((raw, ctx): { serviceSid: string; params: SendCodeParams } => {
	const serviceSid = serviceSidOf(ctx, raw.serviceSid);
	const channel = asText(raw.channel) ?? '';
	const knownChannel = (VERIFY_CHANNELS as readonly string[]).includes(channel);
	if (!knownChannel) {
		addProblem(ctx, { path: ['channel'], message: `must be one of ${VERIFY_CHANNELS.join(', ')}`, fix: 'Choose SMS, Call, Email or WhatsApp' });
	}
	const rawTo = requiredTo(ctx, raw.to, channel === 'email' ? 'an email address' : 'a phone number');
	let to: string | undefined;
	if (rawTo !== undefined && knownChannel) to = channel === 'email' ? emailTo(ctx, rawTo) : phoneTo(ctx, rawTo, channel);

	const params: Partial<SendCodeParams> = {};
	const locale = asText(raw.locale)?.trim();
	if (locale) {
		if (LOCALE.test(locale)) params.locale = locale;
		else addProblem(ctx, { path: ['locale'], message: 'not a language code', fix: 'Use a language Twilio Verify supports, such as en, es, fr, pt-BR or zh-HK' });
	}
	const name = asText(raw.customFriendlyName)?.trim();
	if (name) {
		if ([...name].length <= MAX_CUSTOM_FRIENDLY_NAME) params.customFriendlyName = name;
		else
			addProblem(ctx, {
				path: ['customFriendlyName'],
				message: `too long (at most ${MAX_CUSTOM_FRIENDLY_NAME} characters)`,
				fix: 'Shorten it; it replaces the service name in "Your <name> verification code is…"',
			});
	}
	return { serviceSid: serviceSid ?? '', params: { ...params, to: to ?? '', channel: channel as VerifyChannel } };
});

function verificationSidOf(ctx: Ctx, raw: unknown): string | undefined {
	if (isBlank(raw)) {
		addProblem(ctx, {
			path: ['verificationSid'],
			message: 'the Verification SID is required when checking by SID',
			fix: 'Map the sid output of the Send Code step (VE…), or check by To instead',
		});
		return undefined;
	}
	const value = (asText(raw) ?? '').trim();
	if (isSid(value, 'VE')) return value;
	const prefix = value.slice(0, 2);
	addProblem(ctx, {
		path: ['verificationSid'],
		// common.ts names the SID types the other nodes take; a Verification SID is only read here.
		message: /^[A-Z]{2}[0-9a-fA-F]{32}$/.test(value)
			? `is a ${sidName(prefix)} SID (${prefix}…), not a Verification SID (VE…)`
			: 'not a Verification SID (VE followed by 32 hexadecimal characters)',
		fix: 'Map the sid output of the Send Code step; it looks like VE0123456789abcdef0123456789abcdef',
	});
	return undefined;
}

const checkCodeInput = z.object({
	serviceSid: z.unknown().optional(),
	checkBy: z.unknown().optional(),
	to: z.unknown().optional(),
	verificationSid: z.unknown().optional(),
	code: z.unknown().optional(),
});

export const checkCodeSchema = checkCodeInput.transform((raw, ctx): { serviceSid: string; params: CheckCodeParams } => {
	const serviceSid = serviceSidOf(ctx, raw.serviceSid);
	const checkBy: CheckBy = raw.checkBy === 'verificationSid' ? 'verificationSid' : 'to';

	let code = '';
	const rawCode = asText(raw.code);
	if (rawCode === undefined || isBlank(rawCode)) {
		addProblem(ctx, { path: ['code'], message: 'the code the user received is required', fix: 'Map the code the user typed in, e.g. {{ $json.code }}' });
	} else {
		const problem = codeProblem(rawCode.trim());
		if (problem === undefined) code = rawCode.replace(CODE_SEPARATORS, '');
		else
			addProblem(ctx, {
				path: ['code'],
				message: problem,
				fix: `Pass the ${CODE_LENGTH.min} to ${CODE_LENGTH.max} digits the user received, as text (a number loses leading zeros)`,
			});
	}

	if (checkBy === 'verificationSid') {
		const verificationSid = verificationSidOf(ctx, raw.verificationSid);
		return { serviceSid: serviceSid ?? '', params: { code, verificationSid: verificationSid ?? '' } };
	}
	const rawTo = requiredTo(ctx, raw.to, 'the phone number or email address the code was sent to');
	const to = rawTo === undefined ? undefined : anyTo(ctx, rawTo);
	return { serviceSid: serviceSid ?? '', params: { code, to: to ?? '' } };
});
