import { countSegments, GSM7_BASIC, GSM7_EXTENSION, isGsm7 } from '../../sandbox/segments';

describe('sandbox segment counting', () => {
	it('has the full GSM 03.38 tables (127 basic characters without ESC, 10 extension characters)', () => {
		expect(new Set(GSM7_BASIC).size).toBe(127);
		expect(GSM7_BASIC).not.toContain('\u001b');
		expect([...GSM7_EXTENSION]).toEqual(['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€']);
	});

	it('counts GSM-7: 160 in one segment, then 153 per part', () => {
		expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160, characters: 160 });
		expect(countSegments('a'.repeat(161)).segments).toBe(2);
		expect(countSegments('a'.repeat(306)).segments).toBe(2);
		expect(countSegments('a'.repeat(307)).segments).toBe(3);
		expect(countSegments('a'.repeat(1600)).segments).toBe(11);
	});

	it('charges two septets for extension characters and never splits the escape pair', () => {
		expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160 });
		expect(countSegments('€'.repeat(81))).toMatchObject({ segments: 2, units: 162 });
		// 152 plain + one € = 154 septets: the € cannot straddle the 153 boundary, so it starts part 2.
		expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(10)).segments).toBe(2);
		expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(152)).segments).toBe(3);
		expect(countSegments('[]{}^~|\\').units).toBe(16);
	});

	it('keeps GSM accented letters in GSM-7 and switches to UCS-2 for anything else', () => {
		expect(isGsm7('Ça va? Äöñü à ¿¡ £$¥ ß')).toBe(true);
		expect(countSegments('café').encoding).toBe('GSM-7');
		expect(countSegments('naïve').encoding).toBe('UCS-2');
		expect(countSegments('ç').encoding).toBe('UCS-2'); // only the capital Ç is in the table
	});

	it('counts UCS-2 in UTF-16 code units: 70 alone, 67 per part', () => {
		expect(countSegments('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70, characters: 70 });
		expect(countSegments('ж'.repeat(71)).segments).toBe(2);
		expect(countSegments('ж'.repeat(134)).segments).toBe(2);
		expect(countSegments('ж'.repeat(135)).segments).toBe(3);
		// An emoji is two code units: 35 fit in one segment, 36 do not.
		expect(countSegments('😀'.repeat(35))).toMatchObject({ segments: 1, units: 70, characters: 35 });
		expect(countSegments('😀'.repeat(36)).segments).toBe(2);
		// 67 emoji = 134 units, but surrogate pairs are never split: 33 per part, so 3 parts.
		expect(countSegments('😀'.repeat(67)).segments).toBe(3);
	});

	it('a single non-GSM character makes the whole body UCS-2', () => {
		const body = 'a'.repeat(100) + '✓';
		expect(countSegments(body)).toMatchObject({ encoding: 'UCS-2', units: 101, segments: 2 });
	});

	it('reports one segment for an empty body, as Twilio does for media-only messages', () => {
		expect(countSegments('')).toEqual({ encoding: 'GSM-7', segments: 1, units: 0, characters: 0 });
	});
});
