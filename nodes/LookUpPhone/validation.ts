/**
 * The inputs of Look Up Phone, checked before any request so a bad item fails alone, naming the
 * field, the value and the item (see shared/validation/errors.ts).
 *
 * The node is there to find out whether a number is valid, so it passes on anything written in
 * digits and leaves TOO_SHORT, TOO_LONG and the like to Twilio, whose answer comes back as data.
 * What it refuses is what Twilio cannot be asked about meaningfully: text that is no number at all,
 * and a national number with no country to read it in (Twilio would silently assume the US).
 */
import { z } from 'zod';
import { addProblem } from '../shared/validation/issues';
import { WHATSAPP_PREFIX } from '../shared/validation/phone';

export const LINE_TYPE_INTELLIGENCE = 'line_type_intelligence';
export const CALLER_NAME = 'caller_name';
/** The Lookup v2 data packages this node offers, by their `Fields` names. */
export const DATA_PACKAGES = [LINE_TYPE_INTELLIGENCE, CALLER_NAME] as const;
export type DataPackage = (typeof DATA_PACKAGES)[number];

export const LOOKUP_LABELS: Record<string, string> = {
	phoneNumber: 'Phone Number',
	countryCode: 'Country Code',
	dataPackages: 'Data Packages',
};

const PHONE_FIX = 'Write the number in E.164 format, with + and the country code (e.g. +14155550123), or set Country Code under Options for a number written the national way';

export interface LookupRequest {
	/** What goes into the URL: E.164, or national digits when countryCode is set. */
	phoneNumber: string;
	countryCode?: string;
	/** Sent as `Fields`, in the order of DATA_PACKAGES; empty for a basic (free) lookup. */
	fields: DataPackage[];
}

// \s covers NBSP; the Unicode hyphens and minus arrive from word processors and web pages.
const SEPARATORS = /[\s.()/\-\u2010-\u2015\u2212]/g;

const phoneNumber = z.unknown().transform((raw, ctx) => {
	// A spreadsheet column of numbers arrives as JS numbers; their digits are the number.
	let text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
	if (text === undefined) {
		addProblem(ctx, { message: `expected text, got ${raw === null ? 'null' : typeof raw}`, fix: PHONE_FIX });
		return z.NEVER;
	}
	// The number behind a WhatsApp address (as Send SMS writes To) is the one to look up.
	if (text.toLowerCase().startsWith(WHATSAPP_PREFIX)) text = text.slice(WHATSAPP_PREFIX.length).trim();
	const compact = text.replace(SEPARATORS, '');
	if (compact === '') {
		addProblem(ctx, { message: 'a phone number is required', fix: PHONE_FIX });
		return z.NEVER;
	}
	if (!/^\+?\d+$/.test(compact)) {
		addProblem(ctx, {
			message: 'not a phone number (it contains characters other than digits, a leading + and separators)',
			fix: `${PHONE_FIX}. Letters (vanity numbers such as 1-800-FLOWERS) are not accepted.`,
		});
		return z.NEVER;
	}
	return compact;
});

// Optional so an absent key (no option added) is undefined rather than a zod "nonoptional" error.
const countryCode = z
	.unknown()
	.transform((raw, ctx) => {
		if (raw === undefined || raw === null) return undefined;
		const text = String(raw).trim();
		if (text === '') return undefined;
		if (!/^[A-Za-z]{2}$/.test(text)) {
			addProblem(ctx, { message: 'not a two-letter country code', fix: 'Use an ISO 3166-1 alpha-2 code such as US, GB, DE or FR, or leave it empty for numbers written with +' });
			return z.NEVER;
		}
		return text.toUpperCase();
	})
	.optional();

const dataPackages = z.unknown().transform((raw, ctx) => {
	// An expression may give a comma-separated string, as Twilio's own Fields is written.
	const list = raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
	const wanted = new Set<DataPackage>();
	for (const item of list) {
		const name = typeof item === 'string' ? item.trim() : item;
		if (name === '') continue;
		if (!(DATA_PACKAGES as readonly unknown[]).includes(name)) {
			addProblem(ctx, {
				message: `${JSON.stringify(name)} is not a data package this node offers`,
				fix: `Use ${DATA_PACKAGES.map((p) => `"${p}"`).join(' or ')}, or leave it empty for validation and formatting only`,
			});
			return z.NEVER;
		}
		wanted.add(name as DataPackage);
	}
	return DATA_PACKAGES.filter((p) => wanted.has(p));
});

export const lookupSchema = z
	.object({ phoneNumber, countryCode, dataPackages })
	.superRefine((v, ctx) => {
		if (typeof v.phoneNumber !== 'string' || v.phoneNumber.startsWith('+') || v.countryCode) return;
		const international = v.phoneNumber.startsWith('00');
		addProblem(ctx, {
			message: international
				? 'starts with 00 but has no +, and Country Code is not set'
				: 'has no + and country code, and Country Code is not set, so the country it belongs to is unknown',
			fix: international ? 'Write + instead of 00 (e.g. +4915123456789)' : PHONE_FIX,
			path: ['phoneNumber'],
		});
	})
	.transform((v): LookupRequest => ({ phoneNumber: v.phoneNumber, countryCode: v.countryCode, fields: v.dataPackages }));
