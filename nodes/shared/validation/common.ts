/**
 * Field schemas shared by every node: URLs, Twilio SIDs, bounded integers, JSON objects, dates.
 * Each reports a reason and a fix (see issues.ts) rather than zod's generic wording.
 */
import { z } from 'zod';
import { addProblem } from './issues';

/** n8n hands unset text parameters over as '' (or whitespace from an expression), not undefined. */
export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Treats a blank value as absent, so optional fields left empty in the editor pass. */
export function optional<S extends z.ZodType>(schema: S) {
	return z.preprocess((value) => (isBlank(value) ? undefined : value), schema.optional());
}

// ---- URLs ---------------------------------------------------------------------------------------

const URL_FIX = 'Use a full URL starting with https:// (or http://), e.g. https://example.com/path';

export function httpUrlProblem(raw: string): string | undefined {
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return 'not an absolute URL';
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return `uses ${url.protocol.slice(0, -1)}; only http and https URLs are allowed`;
	}
	if (!url.hostname) return 'has no host name';
	return undefined;
}

export function isHttpUrl(value: unknown): value is string {
	return typeof value === 'string' && httpUrlProblem(value) === undefined;
}

/** An absolute http(s) URL, trimmed but otherwise as typed (re-encoding it could change what it points to). */
export const httpUrl = z.string().transform((raw, ctx) => {
	const problem = httpUrlProblem(raw);
	if (problem === undefined) return raw.trim();
	addProblem(ctx, { message: problem, fix: URL_FIX });
	return z.NEVER;
});

/** Twilio refuses callback URLs whose host name contains an underscore, so catch it before sending. */
export const callbackUrl = httpUrl.transform((url, ctx) => {
	if (!new URL(url).hostname.includes('_')) return url;
	addProblem(ctx, {
		message: 'has an underscore in its host name, which Twilio rejects for callbacks',
		fix: 'Use a host name without underscores (a CNAME or a different subdomain works)',
	});
	return z.NEVER;
});

// ---- Twilio SIDs --------------------------------------------------------------------------------

const SID_NAMES: Record<string, string> = {
	AC: 'Account',
	AP: 'TwiML Application',
	CA: 'Call',
	HX: 'Content Template',
	MG: 'Messaging Service',
	MM: 'Message',
	PN: 'Phone Number',
	RE: 'Recording',
	SK: 'API Key',
	SM: 'Message',
	VA: 'Verify Service',
};

export function sidName(prefix: string): string {
	return SID_NAMES[prefix] ?? prefix;
}

export function isSid(value: unknown, prefix: string): boolean {
	return typeof value === 'string' && new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value);
}

export function sidProblem(raw: string, prefix: string): string | undefined {
	const value = raw.trim();
	if (isSid(value, prefix)) return undefined;
	const other = value.slice(0, 2);
	if (other !== prefix && SID_NAMES[other] && /^[A-Z]{2}[0-9a-fA-F]{32}$/.test(value)) {
		return `is a ${SID_NAMES[other]} SID (${other}…), not a ${sidName(prefix)} SID (${prefix}…)`;
	}
	return `not a ${sidName(prefix)} SID (${prefix} followed by 32 hexadecimal characters)`;
}

/** A Twilio SID with the given two-letter prefix, e.g. sid('MG') for a Messaging Service. */
export function sid(prefix: string) {
	return z.string().transform((raw, ctx) => {
		const problem = sidProblem(raw, prefix);
		if (problem === undefined) return raw.trim();
		addProblem(ctx, {
			message: problem,
			fix: `Copy the ${sidName(prefix)} SID from the Twilio Console; it looks like ${prefix}${'0123456789abcdef'.repeat(2)}`,
		});
		return z.NEVER;
	});
}

// ---- Numbers ------------------------------------------------------------------------------------

/** A whole number in [min, max]; numeric strings are accepted because expressions often yield them. */
export function boundedInt(min: number, max: number, unit = '') {
	const fix = `Use a whole number from ${min} to ${max}${unit ? ` (${unit})` : ''}`;
	// z.unknown, not z.number: zod's own NaN and type messages would bypass our reason and fix.
	return z.unknown().transform((raw, ctx) => {
		const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
		if (!Number.isInteger(value)) {
			addProblem(ctx, { message: 'not a whole number', fix });
			return z.NEVER;
		}
		if (value < min || value > max) {
			addProblem(ctx, { message: `out of range (${min} to ${max})`, fix });
			return z.NEVER;
		}
		return value;
	});
}

// ---- JSON ---------------------------------------------------------------------------------------

/** A JSON object given as text or as an object (n8n's JSON parameters can be either). */
export function jsonObject(example: string) {
	const fix = `Use a JSON object, e.g. ${example}`;
	return z.unknown().transform((raw, ctx): Record<string, unknown> => {
		let value = raw;
		if (typeof raw === 'string') {
			try {
				value = JSON.parse(raw);
			} catch (error) {
				addProblem(ctx, { message: `not valid JSON (${(error as Error).message})`, fix });
				return z.NEVER;
			}
		}
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
			addProblem(ctx, { message: `is ${kind}, not a JSON object`, fix });
			return z.NEVER;
		}
		return value as Record<string, unknown>;
	});
}

// ---- Dates --------------------------------------------------------------------------------------

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO 8601 date-time. Without an offset it is read as UTC, not as the server's local
 * time: n8n servers often run in UTC while the editor shows another zone, and a result that
 * depends on the machine would be worse than a documented rule.
 */
export function parseIsoDateTime(raw: string): Date | undefined {
	const text = raw.trim();
	const match = ISO_DATE_TIME.exec(text);
	if (!match) return undefined;
	const date = new Date(match[1] ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
	if (Number.isNaN(date.getTime())) return undefined;
	// Date rolls 2026-02-30 over to March; the calendar date must survive the round trip.
	const [year, month, day] = text.slice(0, 10).split('-').map(Number);
	const probe = new Date(Date.UTC(year, month - 1, day));
	if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
	return date;
}

export const isoDateTime = z.unknown().transform((raw, ctx) => {
	const date =
		raw instanceof Date
			? Number.isNaN(raw.getTime())
				? undefined
				: raw
			: typeof raw === 'string'
				? parseIsoDateTime(raw)
				: undefined;
	if (date) return date;
	addProblem(ctx, {
		message: 'not an ISO 8601 date and time',
		fix: 'Use a date and time like 2026-12-01T09:30:00Z (or with an offset such as +01:00)',
	});
	return z.NEVER;
});
