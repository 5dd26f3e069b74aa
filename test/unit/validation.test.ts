import { NodeOperationError, type INode } from 'n8n-workflow';
import { z } from 'zod';
import {
	addProblem,
	boundedInt,
	callbackUrl,
	e164Schema,
	httpUrl,
	isAlphanumericSenderId,
	isE164,
	isHttpUrl,
	isShortCode,
	isSid,
	isWhatsAppAddress,
	isoDateTime,
	jsonObject,
	normalizePhone,
	optional,
	parseInput,
	parseIsoDateTime,
	phoneProblem,
	quote,
	sid,
	stripWhatsApp,
	toWhatsApp,
	whatsAppAddressSchema,
} from '../../nodes/shared/validation';

const node: INode = {
	id: 'n1',
	name: 'Node',
	type: 'n8n-nodes-comms.test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function issuesOf(schema: z.ZodType, value: unknown) {
	const result = schema.safeParse(value);
	if (result.success) throw new Error(`expected ${JSON.stringify(value)} to fail`);
	return result.error.issues;
}

describe('phone', () => {
	it.each([
		['+14155550123', '+14155550123'],
		['+1 (415) 555-0123', '+14155550123'],
		['+44 20 7946 0958', '+442079460958'],
		['  +49.30.1234567  ', '+49301234567'],
		['+33\u00a01\u00a023\u00a045\u00a067\u00a089', '+33123456789'],
		['+1\u2013415\u2013555\u20130123', '+14155550123'],
		['+12345678', '+12345678'],
		['+123456789012345', '+123456789012345'],
	])('normalizes %j to %s', (raw, expected) => {
		expect(normalizePhone(raw)).toBe(expected);
		expect(e164Schema.parse(raw)).toBe(expected);
	});

	it.each([
		['4155550123', /leading \+ and country code are missing/],
		['(415) 555-0123', /leading \+ and country code are missing/],
		['0044 20 7946 0958', /starts with 00/],
		['+0 415 555 0123', /never start with 0/],
		['+1234567', /7 digits/],
		['+1234567890123456', /16 digits/],
		['+1 415 CALL NOW', /characters other than digits/],
		['', /empty/],
		['12345', /not a phone number in E\.164 format/],
	])('rejects %j without guessing a country code', (raw, reason) => {
		expect(normalizePhone(raw)).toBeUndefined();
		expect(phoneProblem(raw)).toMatch(reason);
		const [issue] = issuesOf(e164Schema, raw);
		expect(issue.message).toMatch(reason);
		expect(issue.code === 'custom' && issue.params?.fix).toMatch(/leading \+ and country code/);
	});

	it('has plain predicates', () => {
		expect(isE164('+14155550123')).toBe(true);
		expect(isE164('+1 415 555 0123')).toBe(false);
		expect(isE164(14155550123)).toBe(false);
		expect(isWhatsAppAddress('whatsapp:+14155550123')).toBe(true);
		expect(isWhatsAppAddress('+14155550123')).toBe(false);
		expect(isWhatsAppAddress('whatsapp:14155550123')).toBe(false);
		expect(toWhatsApp('+14155550123')).toBe('whatsapp:+14155550123');
		expect(stripWhatsApp(' WhatsApp:+14155550123')).toBe('+14155550123');
		expect(stripWhatsApp('+14155550123')).toBe('+14155550123');
	});

	it('accepts alphanumeric sender IDs of 1-11 letters, digits and spaces with a letter', () => {
		for (const ok of ['A', 'Acme', 'Acme Alerts', 'ACME2026', 'x1']) expect(isAlphanumericSenderId(ok)).toBe(true);
		for (const bad of ['', '12345', 'Acme Alerts!', 'Acme Alerts1', 'Ünicode', '   ']) {
			expect(isAlphanumericSenderId(bad)).toBe(false);
		}
	});

	it('recognizes 5-6 digit short codes only', () => {
		expect(isShortCode('12345')).toBe(true);
		expect(isShortCode('123456')).toBe(true);
		expect(isShortCode('1234')).toBe(false);
		expect(isShortCode('1234567')).toBe(false);
	});

	it('parses WhatsApp addresses', () => {
		expect(whatsAppAddressSchema.parse('whatsapp:+1 415 555 0123')).toBe('whatsapp:+14155550123');
		expect(whatsAppAddressSchema.parse('WhatsApp:+14155550123')).toBe('whatsapp:+14155550123');
		expect(issuesOf(whatsAppAddressSchema, '+14155550123')[0].message).toMatch(/prefix is missing/);
		expect(issuesOf(whatsAppAddressSchema, 'whatsapp:4155550123')[0].message).toMatch(
			/not a WhatsApp address: its number is not a phone number in E\.164 format/,
		);
	});
});

describe('common', () => {
	it('httpUrl accepts only absolute http(s) URLs', () => {
		expect(httpUrl.parse(' https://example.com/a.jpg ')).toBe('https://example.com/a.jpg');
		expect(httpUrl.parse('http://127.0.0.1:8080/x?y=1')).toBe('http://127.0.0.1:8080/x?y=1');
		expect(issuesOf(httpUrl, 'example.com/a.jpg')[0].message).toBe('not an absolute URL');
		expect(issuesOf(httpUrl, '/relative/path')[0].message).toBe('not an absolute URL');
		expect(issuesOf(httpUrl, 'ftp://example.com/a.jpg')[0].message).toMatch(/uses ftp; only http and https/);
		expect(issuesOf(httpUrl, 'javascript:alert(1)')[0].message).toMatch(/uses javascript/);
		expect(issuesOf(httpUrl, 'file:///etc/passwd')[0].message).toMatch(/uses file/);
		expect(isHttpUrl('https://x.io')).toBe(true);
		expect(isHttpUrl('mailto:a@b.c')).toBe(false);
	});

	it('callbackUrl also refuses underscores in the host name', () => {
		expect(callbackUrl.parse('https://hooks.example.com/status_cb')).toBe('https://hooks.example.com/status_cb');
		expect(issuesOf(callbackUrl, 'https://my_host.example.com/cb')[0].message).toMatch(/underscore/);
		expect(issuesOf(callbackUrl, 'ftp://x.com')[0].message).toMatch(/only http and https/);
	});

	it('sid() checks prefix and 32 hex characters and names a mixed-up SID', () => {
		const mg = `MG${'a'.repeat(32)}`;
		expect(sid('MG').parse(` ${mg} `)).toBe(mg);
		expect(sid('HX').parse(`HX${'0123456789ABCDEF'.repeat(2)}`)).toBe(`HX${'0123456789ABCDEF'.repeat(2)}`);
		for (const prefix of ['AC', 'PN', 'SK']) expect(isSid(`${prefix}${'f'.repeat(32)}`, prefix)).toBe(true);
		expect(isSid(`MG${'a'.repeat(31)}`, 'MG')).toBe(false);
		expect(isSid(`MG${'g'.repeat(32)}`, 'MG')).toBe(false);
		const [wrongKind] = issuesOf(sid('MG'), `PN${'a'.repeat(32)}`);
		expect(wrongKind.message).toBe('is a Phone Number SID (PN…), not a Messaging Service SID (MG…)');
		const [short] = issuesOf(sid('MG'), 'MG123');
		expect(short.message).toBe('not a Messaging Service SID (MG followed by 32 hexadecimal characters)');
		expect(short.code === 'custom' && short.params?.fix).toMatch(/MG0123456789abcdef/);
	});

	it('boundedInt accepts integers and numeric strings in range', () => {
		const schema = boundedInt(1, 36000, 'seconds');
		expect(schema.parse(1)).toBe(1);
		expect(schema.parse('36000')).toBe(36000);
		expect(issuesOf(schema, 0)[0].message).toBe('out of range (1 to 36000)');
		expect(issuesOf(schema, 36001)[0].message).toBe('out of range (1 to 36000)');
		expect(issuesOf(schema, 1.5)[0].message).toBe('not a whole number');
		expect(issuesOf(schema, 'ten')[0].message).toBe('not a whole number');
		expect(issuesOf(schema, NaN)[0].message).toBe('not a whole number');
	});

	it('jsonObject takes text or an object and refuses other JSON', () => {
		const schema = jsonObject('{"1":"x"}');
		expect(schema.parse('{"1":"Alice"}')).toEqual({ '1': 'Alice' });
		expect(schema.parse({ a: 1 })).toEqual({ a: 1 });
		expect(issuesOf(schema, '{1: Alice}')[0].message).toMatch(/^not valid JSON/);
		expect(issuesOf(schema, '[1,2]')[0].message).toBe('is an array, not a JSON object');
		expect(issuesOf(schema, 'null')[0].message).toBe('is null, not a JSON object');
		expect(issuesOf(schema, '"text"')[0].message).toBe('is a string, not a JSON object');
	});

	it('parses ISO 8601 date-times, reading a missing offset as UTC', () => {
		expect(parseIsoDateTime('2026-12-01T09:30:00Z')?.toISOString()).toBe('2026-12-01T09:30:00.000Z');
		expect(parseIsoDateTime('2026-12-01T09:30:00+01:00')?.toISOString()).toBe('2026-12-01T08:30:00.000Z');
		expect(parseIsoDateTime('2026-12-01T09:30:00.123-0500')?.toISOString()).toBe('2026-12-01T14:30:00.123Z');
		expect(parseIsoDateTime('2026-12-01T09:30')?.toISOString()).toBe('2026-12-01T09:30:00.000Z');
		expect(parseIsoDateTime('2026-12-01 09:30:00')?.toISOString()).toBe('2026-12-01T09:30:00.000Z');
		for (const bad of ['tomorrow', '2026-12-01', '2026-02-30T10:00:00Z', '2026-13-01T10:00:00Z', '12/01/2026 09:30']) {
			expect(parseIsoDateTime(bad)).toBeUndefined();
		}
		expect(isoDateTime.parse(new Date(0))).toEqual(new Date(0));
		expect(issuesOf(isoDateTime, new Date('nope'))[0].message).toBe('not an ISO 8601 date and time');
	});

	it('optional() treats blank values as absent', () => {
		const schema = optional(httpUrl);
		expect(schema.parse('')).toBeUndefined();
		expect(schema.parse('   ')).toBeUndefined();
		expect(schema.parse(undefined)).toBeUndefined();
		expect(schema.parse('https://a.b')).toBe('https://a.b');
	});
});

describe('parseInput', () => {
	const schema = z.object({ to: e164Schema, count: z.number(), urls: z.array(httpUrl) });
	const labels = { to: 'To', count: 'Count', urls: 'Media URLs' };

	function failure(input: unknown, itemIndex = 3): NodeOperationError {
		try {
			parseInput(schema, input, { node, itemIndex, labels });
		} catch (error) {
			expect(error).toBeInstanceOf(NodeOperationError);
			return error as NodeOperationError;
		}
		throw new Error('expected a NodeOperationError');
	}

	it('returns the parsed output', () => {
		expect(parseInput(schema, { to: '+1 415 555 0123', count: 1, urls: [] }, { node, itemIndex: 0, labels })).toEqual({
			to: '+14155550123',
			count: 1,
			urls: [],
		});
	});

	it('names the field by label, quotes the value and gives the item', () => {
		const error = failure({ to: '12345', count: 1, urls: [] });
		expect(error.message).toBe(
			'Invalid To "12345" in item 3: not a phone number in E.164 format (the leading + and country code are missing)',
		);
		expect(error.description).toBe('Use the international format with a leading + and country code, e.g. +14155550123');
		// n8n-workflow 2.40 keeps the item index in error.context (see NodeOperationError's constructor).
		expect(error.context.itemIndex).toBe(3);
		expect(error.node).toBe(node);
	});

	it('lists every problem of the item in the description, the first in the message', () => {
		const error = failure({ to: 'nope', count: 'x', urls: ['https://ok.com', 'ftp://bad.com'] }, 0);
		expect(error.message).toMatch(/^Invalid To "nope" in item 0: /);
		expect(error.description).toContain('Other problems in this item:');
		expect(error.description).toContain('- Invalid Count "x": expected a number.');
		expect(error.description).toContain('- Invalid Media URLs[1] "ftp://bad.com": uses ftp; only http and https URLs are allowed.');
	});

	it('says Missing for absent values', () => {
		const error = failure({ count: 1, urls: [] }, 7);
		expect(error.message).toBe('Missing To in item 7: expected a string');
	});

	it('truncates long values to about 80 characters, JSON-quoted', () => {
		const long = `+1 ${'9'.repeat(200)}`;
		const error = failure({ to: long, count: 1, urls: [] });
		const quoted = /Invalid To (".*?") in item/.exec(error.message)?.[1] ?? '';
		expect(JSON.parse(quoted)).toHaveLength(80);
		expect(JSON.parse(quoted).endsWith('…')).toBe(true);
		expect(quote('a "quoted" value')).toBe('"a \\"quoted\\" value"');
		expect(quote({ a: 'x'.repeat(100) })).toHaveLength(80);
		expect(quote(true)).toBe('true');
		// Invisible characters are shown by code point, so the message says what is really there.
		expect(quote('a\u000Bb\u007Fc\u0085d\uFFFEe\uD800')).toBe('"a\\u000bb\\u007fc\\u0085d\\ufffee\\ud800"');
	});

	it('keeps the message even when the value contains an errno-like word', () => {
		// NodeOperationError would otherwise replace a message containing "EPERM" with a canned text.
		const error = failure({ to: 'DEEPERM', count: 1, urls: [] });
		expect(error.message).toMatch(/^Invalid To "DEEPERM" in item 3/);
	});

	it('uses the fix from custom problems and a generic one otherwise', () => {
		const custom = z.string().superRefine((value, ctx) => {
			if (value !== 'ok') addProblem(ctx, { message: 'is not ok', fix: 'Type ok' });
		});
		try {
			parseInput(z.object({ a: custom }), { a: 'no' }, { node, itemIndex: 1, labels: { a: 'A' } });
			throw new Error('unreachable');
		} catch (error) {
			expect((error as NodeOperationError).message).toBe('Invalid A "no" in item 1: is not ok');
			expect((error as NodeOperationError).description).toBe('Type ok');
		}
	});
});
