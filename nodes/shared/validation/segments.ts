/**
 * SMS segment counting, as carriers bill it.
 *
 * A body is GSM-7 when every character is in the GSM 03.38 basic table or its extension table;
 * extension characters are sent as ESC + char and so take two septets. One segment holds 160
 * septets; a split message spends 7 septets per part on the concatenation header, leaving 153, and
 * an ESC pair is never split across parts. Any other character forces UCS-2 for the whole body:
 * 70 UTF-16 code units in one segment, 67 per part, and a surrogate pair (an emoji) is never split.
 *
 * An empty body has 0 segments: this analyses the text only. Twilio bills a media-only MMS as one
 * message, but that is an MMS count, not an SMS segment.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsAnalysis {
	encoding: SmsEncoding;
	segments: number;
	/** UTF-16 code units (JavaScript's `length`): the unit of Twilio's 1,600 limit, so an emoji counts 2. */
	characters: number;
	/** Septets for GSM-7, UTF-16 code units for UCS-2: what the segment limits are measured in. */
	units: number;
	/** Each character that forced UCS-2, once, in order of appearance. */
	nonGsmCharacters: string[];
}

export const SMS_BODY_MAX_CHARACTERS = 1600;

export const GSM7_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
	'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
export const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

const GSM7_SINGLE = 160;
const GSM7_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/** Septets a character costs in GSM-7, or 0 when GSM-7 cannot encode it. */
export function gsm7Septets(char: string): 0 | 1 | 2 {
	if (BASIC.has(char)) return 1;
	if (EXTENSION.has(char)) return 2;
	return 0;
}

/** Parts needed when each character's cost must stay whole within one part. */
function countParts(costs: number[], perPart: number): number {
	let parts = 1;
	let used = 0;
	for (const cost of costs) {
		if (used + cost > perPart) {
			parts++;
			used = 0;
		}
		used += cost;
	}
	return parts;
}

export function analyzeSms(body: string): SmsAnalysis {
	// for…of walks code points, so an emoji arrives as one string of two code units.
	const chars = [...body];
	const nonGsm = [...new Set(chars.filter((c) => gsm7Septets(c) === 0))];
	const gsm = nonGsm.length === 0;
	const costs = gsm ? chars.map(gsm7Septets) : chars.map((c) => c.length);
	const units = costs.reduce((sum, cost) => sum + cost, 0);
	const single = gsm ? GSM7_SINGLE : UCS2_SINGLE;
	const part = gsm ? GSM7_PART : UCS2_PART;
	const segments = units === 0 ? 0 : units <= single ? 1 : countParts(costs, part);
	return {
		encoding: gsm ? 'GSM-7' : 'UCS-2',
		segments,
		characters: body.length,
		units,
		nonGsmCharacters: nonGsm,
	};
}
