/**
 * Lookup v2 (lookups.twilio.com): `GET /v2/PhoneNumbers/{PhoneNumber}`.
 *
 * Validation and formatting always, and the two data packages the nodes use: line_type_intelligence
 * and caller_name. An invalid number is an answer, not an error: 200 with `valid: false` and
 * `validation_errors`, every other field null, as in Twilio's `fetchInvalid` example. The numbering
 * plan is a small table (+1, +44, +49, +33), not libphonenumber: enough to exercise E.164 and
 * national input, the validation errors and every line type, with magic numbers for the line types
 * (LOOKUP_NUMBERS in fixtures.ts).
 */
import { LOOKUP_NUMBERS, MAGIC_TO } from '../fixtures';
import { first } from '../form';
import type { Route, RouteContext } from '../router';
import { TwilioApiError, twilioErrors } from './errors';

/** The spec's `Fields` values (twilio_lookups_v2.json). */
export const LOOKUP_FIELDS = [
	'validation',
	'caller_name',
	'sim_swap',
	'call_forwarding',
	'line_status',
	'line_type_intelligence',
	'identity_match',
	'reassigned_number',
	'sms_pumping_risk',
	'phone_number_quality_score',
	'pre_fill',
] as const;

/** `validation` is what every lookup does anyway; the others are the packages answered here. */
const MODELLED_FIELDS = new Set<string>(['validation', 'line_type_intelligence', 'caller_name']);

export type LineType =
	| 'mobile'
	| 'landline'
	| 'fixedVoip'
	| 'nonFixedVoip'
	| 'personal'
	| 'tollFree'
	| 'premium'
	| 'sharedCost'
	| 'uan'
	| 'voicemail'
	| 'pager'
	| 'unknown';

export type ValidationError = 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_BUT_POSSIBLE' | 'INVALID_COUNTRY_CODE' | 'INVALID_LENGTH' | 'NOT_A_NUMBER';

export const lookupErrors = {
	/** The code Twilio's account-security APIs (Verify, Lookup) give a malformed parameter; the message names it. */
	invalidParameter: (name: string) => new TwilioApiError(400, 60200, `Invalid parameter: ${name}`),
	/** Packages the sandbox does not model answer as an account without access to them would. */
	packageNotEnabled: (field: string) => new TwilioApiError(403, 60606, `Lookup Package is Not Enabled: ${field}`),
};

interface Country {
	iso: string;
	callingCode: string;
	/** Digits after the country code (the national significant number). */
	minLength: number;
	maxLength: number;
	/** Dialled before the NSN in national format ('0' in most of Europe, none in North America). */
	trunkPrefix: string;
	format(nsn: string): string;
	lineType(nsn: string): LineType;
	/** E.212 mobile country code of the country's (fictional) mobile carrier. */
	mcc: string;
}

const group = (nsn: string, sizes: number[]) => {
	const parts: string[] = [];
	let at = 0;
	for (const size of sizes) {
		if (at >= nsn.length) break;
		parts.push(nsn.slice(at, at + size));
		at += size;
	}
	if (at < nsn.length) parts.push(nsn.slice(at));
	return parts.join(' ');
};

// Real toll-free area codes of the North American plan.
const NANP_TOLL_FREE = new Set(['800', '833', '844', '855', '866', '877', '888']);

const COUNTRIES: readonly Country[] = [
	{
		iso: 'US',
		callingCode: '1',
		minLength: 10,
		maxLength: 10,
		trunkPrefix: '',
		format: (n) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
		lineType: (n) => (NANP_TOLL_FREE.has(n.slice(0, 3)) ? 'tollFree' : 'mobile'),
		// 001 is the E.212 test network: no real carrier answers to it.
		mcc: '001',
	},
	{
		iso: 'GB',
		callingCode: '44',
		minLength: 10,
		maxLength: 10,
		trunkPrefix: '0',
		format: (n) => `0${group(n, [4, 6])}`,
		lineType: (n) => (n.startsWith('7') ? 'mobile' : n.startsWith('80') ? 'tollFree' : 'landline'),
		mcc: '234',
	},
	{
		iso: 'DE',
		callingCode: '49',
		minLength: 10,
		maxLength: 11,
		trunkPrefix: '0',
		// Mobile prefixes have three digits (0151); the big cities' area codes two (030 Berlin, 089 Munich).
		format: (n) => `0${group(n, [n.startsWith('1') ? 3 : 2])}`,
		lineType: (n) => (/^1[5-7]/.test(n) ? 'mobile' : n.startsWith('800') ? 'tollFree' : 'landline'),
		mcc: '262',
	},
	{
		iso: 'FR',
		callingCode: '33',
		minLength: 9,
		maxLength: 9,
		trunkPrefix: '0',
		format: (n) => `0${group(n, [1, 2, 2, 2, 2])}`,
		lineType: (n) => (/^[67]/.test(n) ? 'mobile' : n.startsWith('80') ? 'tollFree' : 'landline'),
		mcc: '208',
	},
];

const byIso = new Map(COUNTRIES.map((c) => [c.iso, c]));

/** Fixed answers for magic numbers, by E.164. */
const MAGIC_LINE_TYPES: Record<string, LineType | null> = {
	[LOOKUP_NUMBERS.mobile]: 'mobile',
	[LOOKUP_NUMBERS.landline]: 'landline',
	[LOOKUP_NUMBERS.fixedVoip]: 'fixedVoip',
	[LOOKUP_NUMBERS.nonFixedVoip]: 'nonFixedVoip',
	[LOOKUP_NUMBERS.tollFree]: 'tollFree',
	[LOOKUP_NUMBERS.noLineType]: null,
	// Twilio's magic "not a mobile number" and our landline delivery failure: landlines, as Send SMS finds them.
	[MAGIC_TO.notMobile]: 'landline',
	[MAGIC_TO.landline]: 'landline',
};

const MAGIC_INVALID = new Set<string>([LOOKUP_NUMBERS.invalid, MAGIC_TO.invalid]);

/** Carriers and caller names are invented and say "Sandbox", so no output is mistaken for real data. */
const CARRIERS: Partial<Record<LineType, string>> = {
	mobile: 'Sandbox Wireless',
	landline: 'Sandbox Telephone Company',
	fixedVoip: 'Sandbox Voice Cloud - SVR',
	nonFixedVoip: 'Sandbox VoIP - SMS/MMS-SVR',
};

const CALLER_NAMES: Partial<Record<LineType, { caller_name: string | null; caller_type: string }>> = {
	mobile: { caller_name: 'SANDBOX SUBSCRIBER', caller_type: 'CONSUMER' },
	landline: { caller_name: 'SANDBOX PLUMBING CO', caller_type: 'BUSINESS' },
	tollFree: { caller_name: 'SANDBOX SUPPORT LINE', caller_type: 'BUSINESS' },
};

export type Parsed =
	| { valid: true; e164: string; country: Country; nsn: string }
	| { valid: false; phoneNumber: string | null; errors: ValidationError[] };

// What people write between digits; Twilio reads through it.
const SEPARATORS = /[\s.()\-]/g;
// Anything else in the path segment is no phone number at all: Twilio finds no such resource.
const READABLE = /^[0-9A-Za-z+()\-.\s]+$/;

/** How Twilio reads the path's PhoneNumber: E.164, or national for CountryCode (default US). */
export function parsePhoneNumber(raw: string, countryCode: string | undefined): Parsed {
	const compact = raw.replace(SEPARATORS, '');
	// Text that is no number has no E.164 form to give back, so phone_number is null.
	if (!/^\+?\d+$/.test(compact)) return { valid: false, phoneNumber: null, errors: ['NOT_A_NUMBER'] };
	let country: Country | undefined;
	let nsn: string;
	if (compact.startsWith('+')) {
		const digits = compact.slice(1);
		country = COUNTRIES.find((c) => digits.startsWith(c.callingCode));
		if (!country) return { valid: false, phoneNumber: compact, errors: ['INVALID_COUNTRY_CODE'] };
		nsn = digits.slice(country.callingCode.length);
	} else {
		country = byIso.get(countryCode ?? 'US');
		if (!country) return { valid: false, phoneNumber: compact, errors: ['INVALID_COUNTRY_CODE'] };
		nsn = compact;
		if (country.trunkPrefix && nsn.startsWith(country.trunkPrefix)) nsn = nsn.slice(country.trunkPrefix.length);
		// Americans often write the country code 1 without the +.
		else if (country.callingCode === '1' && nsn.length === 11 && nsn.startsWith('1')) nsn = nsn.slice(1);
	}
	const e164 = `+${country.callingCode}${nsn}`;
	if (nsn.length < country.minLength) return { valid: false, phoneNumber: e164, errors: ['TOO_SHORT'] };
	if (nsn.length > country.maxLength) return { valid: false, phoneNumber: e164, errors: ['TOO_LONG'] };
	// North American area codes and exchanges never start with 0 or 1.
	const nanpImpossible = country.callingCode === '1' && (/^[01]/.test(nsn) || /^[01]/.test(nsn.slice(3)));
	if (nanpImpossible || MAGIC_INVALID.has(e164)) return { valid: false, phoneNumber: e164, errors: ['INVALID_BUT_POSSIBLE'] };
	return { valid: true, e164, country, nsn };
}

export function lineTypeOf(e164: string, country: Country, nsn: string): LineType | null {
	return e164 in MAGIC_LINE_TYPES ? MAGIC_LINE_TYPES[e164] : country.lineType(nsn);
}

function lineTypeIntelligence(e164: string, country: Country, nsn: string) {
	const type = lineTypeOf(e164, country, nsn);
	// Twilio's answer when it has no data for the number: 60600 "Unprovisioned or Out of Coverage".
	if (type === null) return { mobile_country_code: null, mobile_network_code: null, carrier_name: null, type: null, error_code: 60600 };
	const mobile = type === 'mobile';
	return {
		// Twilio gives the network codes for mobiles only, and no carrier for toll-free and the like.
		mobile_country_code: mobile ? country.mcc : null,
		mobile_network_code: mobile ? '01' : null,
		carrier_name: CARRIERS[type] ?? null,
		type,
		error_code: null,
	};
}

function callerName(e164: string, country: Country, nsn: string) {
	// CNAM exists in the US only; elsewhere the package answers 60607 "Lookup Unsupported Country".
	if (country.iso !== 'US') return { caller_name: null, caller_type: null, error_code: 60607 };
	const type = lineTypeOf(e164, country, nsn);
	const known = type === null ? undefined : CALLER_NAMES[type];
	return { caller_name: known?.caller_name ?? null, caller_type: known?.caller_type ?? 'UNDETERMINED', error_code: null };
}

function readFields(ctx: RouteContext): Set<string> {
	const raw = ctx.query.Fields ?? [];
	const fields = new Set<string>();
	for (const value of raw) {
		for (const part of value.split(',')) {
			const field = part.trim();
			if (field === '') continue;
			if (!(LOOKUP_FIELDS as readonly string[]).includes(field)) throw lookupErrors.invalidParameter('Fields');
			if (!MODELLED_FIELDS.has(field)) throw lookupErrors.packageNotEnabled(field);
			fields.add(field);
		}
	}
	return fields;
}

function readCountryCode(ctx: RouteContext): string | undefined {
	const raw = first(ctx.query, 'CountryCode')?.trim();
	if (raw === undefined || raw === '') return undefined;
	if (!/^[A-Za-z]{2}$/.test(raw)) throw lookupErrors.invalidParameter('CountryCode');
	return raw.toUpperCase();
}

/** Every property of the spec's LookupResponse, null unless requested and known. */
export function renderLookup(parsed: Parsed, fields: Set<string>, baseUrl: string, raw: string) {
	const empty = {
		caller_name: null,
		sim_swap: null,
		call_forwarding: null,
		line_status: null,
		line_type_intelligence: null,
		identity_match: null,
		reassigned_number: null,
		sms_pumping_risk: null,
		phone_number_quality_score: null,
		pre_fill: null,
	};
	if (!parsed.valid) {
		return {
			calling_country_code: null,
			country_code: null,
			phone_number: parsed.phoneNumber,
			national_format: null,
			valid: false,
			validation_errors: parsed.errors,
			...empty,
			url: `${baseUrl}/v2/PhoneNumbers/${encodeURIComponent(parsed.phoneNumber ?? raw)}`,
		};
	}
	const { e164, country, nsn } = parsed;
	return {
		calling_country_code: country.callingCode,
		country_code: country.iso,
		phone_number: e164,
		national_format: country.format(nsn),
		valid: true,
		validation_errors: null,
		...empty,
		caller_name: fields.has('caller_name') ? callerName(e164, country, nsn) : null,
		line_type_intelligence: fields.has('line_type_intelligence') ? lineTypeIntelligence(e164, country, nsn) : null,
		url: `${baseUrl}/v2/PhoneNumbers/${e164}`,
	};
}

function fetchPhoneNumber(ctx: RouteContext) {
	const raw = ctx.params.PhoneNumber;
	if (!READABLE.test(raw)) throw twilioErrors.notFound(`/v2/PhoneNumbers/${raw}`);
	const fields = readFields(ctx);
	const countryCode = readCountryCode(ctx);
	return { status: 200, body: renderLookup(parsePhoneNumber(raw.trim(), countryCode), fields, ctx.baseUrl, raw.trim()) };
}

export const lookupRoutes: Route[] = [
	{
		name: 'twilio.lookups.phone_numbers.fetch',
		method: 'GET',
		path: '/v2/PhoneNumbers/{PhoneNumber}',
		auth: 'twilio',
		handle: fetchPhoneNumber,
	},
];
