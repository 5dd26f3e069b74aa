import { analyzeSms, GSM7_BASIC, GSM7_EXTENSION, gsm7Septets, SMS_BODY_MAX_CHARACTERS } from '../../nodes/shared/validation';

const a = (n: number) => 'a'.repeat(n);
const cyr = (n: number) => 'ж'.repeat(n);

describe('analyzeSms', () => {
	it('has the full GSM 03.38 tables', () => {
		// 128 basic positions minus ESC, which is not a character of its own.
		expect([...GSM7_BASIC]).toHaveLength(127);
		expect(new Set(GSM7_BASIC).size).toBe(127);
		expect([...GSM7_EXTENSION].sort()).toEqual(['\f', '[', '\\', ']', '^', '{', '|', '}', '~', '€'].sort());
		expect(gsm7Septets('@')).toBe(1);
		expect(gsm7Septets('€')).toBe(2);
		expect(gsm7Septets('\u001b')).toBe(0);
		expect(gsm7Septets('ç')).toBe(0);
	});

	it('reports an empty body as 0 GSM-7 segments', () => {
		expect(analyzeSms('')).toEqual({ encoding: 'GSM-7', segments: 0, characters: 0, units: 0, nonGsmCharacters: [] });
	});

	it.each([
		[1, 1],
		[160, 1],
		[161, 2],
		[306, 2],
		[307, 3],
		[459, 3],
		[460, 4],
	])('GSM-7: %i characters make %i segments', (length, segments) => {
		expect(analyzeSms(a(length))).toMatchObject({ encoding: 'GSM-7', segments, characters: length, units: length });
	});

	it('counts extension characters as two septets', () => {
		expect(analyzeSms('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, characters: 80, units: 160 });
		expect(analyzeSms(`${'€'.repeat(80)}a`)).toMatchObject({ segments: 2, units: 161 });
		expect(analyzeSms(`${a(159)}{`)).toMatchObject({ segments: 2, units: 161 });
		expect(analyzeSms('[]{}^~|\\\f€')).toMatchObject({ encoding: 'GSM-7', units: 20 });
	});

	it('does not split an escape pair across a segment boundary', () => {
		// After 152 septets the pair would need 154 > 153, so it moves whole to part two; without
		// the rule these 306 septets would fit in two parts of 153.
		expect(analyzeSms(`${a(152)}€${a(152)}`)).toMatchObject({ units: 306, segments: 3 });
		// A pair ending exactly on the boundary is fine.
		expect(analyzeSms(`${a(151)}€${a(153)}`)).toMatchObject({ units: 306, segments: 2 });
		// 153 is odd, so a part holds only 76 pairs: 152 pairs fit in two parts, 153 need three.
		expect(analyzeSms('€'.repeat(152))).toMatchObject({ units: 304, segments: 2 });
		expect(analyzeSms('€'.repeat(153))).toMatchObject({ units: 306, segments: 3 });
	});

	it('switches the whole body to UCS-2 for one non-GSM character and lists it', () => {
		const result = analyzeSms(`Hello ç and ç and “quotes”`);
		expect(result.encoding).toBe('UCS-2');
		expect(result.nonGsmCharacters).toEqual(['ç', '“', '”']);
		expect(result.units).toBe(result.characters);
	});

	it.each([
		[70, 1],
		[71, 2],
		[134, 2],
		[135, 3],
		[201, 3],
		[202, 4],
	])('UCS-2: %i code units make %i segments', (length, segments) => {
		expect(analyzeSms(cyr(length))).toMatchObject({ encoding: 'UCS-2', segments, characters: length });
	});

	it('counts emoji as two UTF-16 code units and never splits a surrogate pair', () => {
		expect(analyzeSms('😀'.repeat(35))).toMatchObject({ encoding: 'UCS-2', characters: 70, units: 70, segments: 1 });
		expect(analyzeSms('😀'.repeat(36))).toMatchObject({ characters: 72, segments: 2 });
		// 66 units + an emoji would straddle the 67-unit boundary, so it moves to part two.
		expect(analyzeSms(`${cyr(66)}😀${cyr(66)}`)).toMatchObject({ characters: 134, segments: 3 });
		expect(analyzeSms(`${cyr(65)}😀${cyr(67)}`)).toMatchObject({ characters: 134, segments: 2 });
		expect(analyzeSms('👍🏽').nonGsmCharacters).toEqual(['👍', '🏽']);
	});

	it('analyses bodies at the 1,600 character limit', () => {
		expect(SMS_BODY_MAX_CHARACTERS).toBe(1600);
		expect(analyzeSms(a(1600))).toMatchObject({ encoding: 'GSM-7', characters: 1600, segments: 11 });
		expect(analyzeSms(cyr(1600))).toMatchObject({ encoding: 'UCS-2', characters: 1600, segments: 24 });
		// 67 is odd too: a part holds 33 emoji, so 800 emoji take 25 parts, not 24.
		expect(analyzeSms('😀'.repeat(800))).toMatchObject({ characters: 1600, segments: 25 });
	});

	it('treats a lone surrogate as one non-GSM unit', () => {
		expect(analyzeSms('a\ud83d')).toMatchObject({ encoding: 'UCS-2', characters: 2, units: 2, segments: 1 });
	});
});
