/**
 * Phone numbers in E.164 and WhatsApp channel addresses.
 *
 * People paste numbers with spaces, dashes, dots and parentheses, so those are stripped. A number
 * without a leading + is rejected rather than completed: guessing a country code would send a
 * message to a stranger in another country.
 */
import { z } from 'zod';
import { addProblem } from './issues';

export const E164_FIX = 'Use the international format with a leading + and country code, e.g. +14155550123';
export const WHATSAPP_PREFIX = 'whatsapp:';

const E164 = /^\+[1-9]\d{7,14}$/;
// \s covers NBSP; the Unicode hyphens and minus arrive from word processors and web pages.
const SEPARATORS = /[\s.()\-\u2010-\u2015\u2212]/g;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
// Short codes are 5-6 digits in the US, Canada and the UK, where Twilio sells them.
const SHORT_CODE = /^\d{5,6}$/;

export function isE164(value: unknown): value is string {
	return typeof value === 'string' && E164.test(value);
}

/** The E.164 form of a human-formatted number, or undefined when it is not one. */
export function normalizePhone(raw: string): string | undefined {
	const compact = raw.trim().replace(SEPARATORS, '');
	return E164.test(compact) ? compact : undefined;
}

/** Why `raw` is not an E.164 number, or undefined when it is one (after normalizing). */
export function phoneProblem(raw: string): string | undefined {
	const compact = raw.trim().replace(SEPARATORS, '');
	if (E164.test(compact)) return undefined;
	const base = 'not a phone number in E.164 format';
	if (compact === '') return `${base} (it is empty)`;
	if (/^00\d+$/.test(compact)) return `${base} (it starts with 00; write + instead)`;
	if (/^\d+$/.test(compact)) return `${base} (the leading + and country code are missing)`;
	if (!/^\+\d+$/.test(compact)) return `${base} (it contains characters other than digits)`;
	if (compact[1] === '0') return `${base} (country codes never start with 0)`;
	const digits = compact.length - 1;
	return `${base} (it has ${digits} digits; E.164 numbers have 8 to 15)`;
}

export function hasWhatsAppPrefix(value: string): boolean {
	return value.trim().toLowerCase().startsWith(WHATSAPP_PREFIX);
}

export function isWhatsAppAddress(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith(WHATSAPP_PREFIX) && isE164(value.slice(WHATSAPP_PREFIX.length));
}

export function toWhatsApp(e164: string): string {
	return WHATSAPP_PREFIX + e164;
}

export function stripWhatsApp(value: string): string {
	const trimmed = value.trim();
	return hasWhatsAppPrefix(trimmed) ? trimmed.slice(WHATSAPP_PREFIX.length).trim() : trimmed;
}

export function isAlphanumericSenderId(value: unknown): value is string {
	return typeof value === 'string' && ALPHANUMERIC_SENDER.test(value);
}

export function isShortCode(value: unknown): value is string {
	return typeof value === 'string' && SHORT_CODE.test(value);
}

/** A phone number, normalized to E.164. */
export const e164Schema = z.string().transform((raw, ctx) => {
	const normalized = normalizePhone(raw);
	if (normalized !== undefined) return normalized;
	addProblem(ctx, { message: phoneProblem(raw) ?? 'not a phone number in E.164 format', fix: E164_FIX });
	return z.NEVER;
});

/** A `whatsapp:+E164` address; the prefix is matched case-insensitively and written in lower case. */
export const whatsAppAddressSchema = z.string().transform((raw, ctx) => {
	if (!hasWhatsAppPrefix(raw)) {
		addProblem(ctx, {
			message: 'not a WhatsApp address (the whatsapp: prefix is missing)',
			fix: 'Write WhatsApp numbers as whatsapp:+14155550123',
		});
		return z.NEVER;
	}
	const number = stripWhatsApp(raw);
	const normalized = normalizePhone(number);
	if (normalized !== undefined) return toWhatsApp(normalized);
	addProblem(ctx, {
		message: `not a WhatsApp address: its number is ${phoneProblem(number) ?? 'not in E.164 format'}`,
		fix: 'Write WhatsApp numbers as whatsapp: followed by the number in international format, e.g. whatsapp:+14155550123',
	});
	return z.NEVER;
});
