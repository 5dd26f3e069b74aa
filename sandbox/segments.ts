/**
 * SMS segment counting, written independently of the nodes' implementation so the two can check
 * each other in tests.
 *
 * GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one segment, 153 per part once split
 * (the rest carries the concatenation header). Extension-table characters cost two septets (ESC +
 * char). Any character outside both tables forces UCS-2: 70 UTF-16 code units alone, 67 per part.
 * Like Twilio's own segment calculator, an escape pair or a surrogate pair is never split across
 * parts, so a part may end up one unit short.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
	encoding: SmsEncoding;
	/** At least 1: Twilio reports "1" even for an empty (media-only) body. */
	segments: number;
	/** Septets for GSM-7, UTF-16 code units for UCS-2. */
	units: number;
	/** Unicode code points in the body. */
	characters: number;
}

// Default alphabet in code-point order of the GSM table, without 0x1B (ESC), which is not a character.
export const GSM7_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
	'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
export const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
	'GSM-7': { single: 160, part: 153 },
	'UCS-2': { single: 70, part: 67 },
};

export function isGsm7(text: string): boolean {
	for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
	return true;
}

export function countSegments(body: string): SegmentCount {
	const chars = [...body];
	const encoding: SmsEncoding = isGsm7(body) ? 'GSM-7' : 'UCS-2';
	const cost = (ch: string): number => (encoding === 'GSM-7' ? (EXTENSION.has(ch) ? 2 : 1) : ch.length);
	const costs = chars.map(cost);
	const units = costs.reduce((a, b) => a + b, 0);
	const { single, part } = LIMITS[encoding];
	if (units <= single) return { encoding, segments: 1, units, characters: chars.length };
	let segments = 1;
	let used = 0;
	for (const c of costs) {
		if (used + c > part) {
			segments++;
			used = 0;
		}
		used += c;
	}
	return { encoding, segments, units, characters: chars.length };
}
