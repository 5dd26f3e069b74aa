/**
 * Look Up Phone's input check and output flattening, without a network: what is passed to Twilio
 * (anything in digits, so Twilio judges validity), what is refused before a request, and how each
 * answer becomes the flat item.
 */
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';
import { PhoneNumberInstance } from 'twilio/lib/rest/lookups/v2/phoneNumber';
import type V2 from 'twilio/lib/rest/lookups/V2';
import { lookupError } from '../../nodes/LookUpPhone/errors';
import { lookupOutput } from '../../nodes/LookUpPhone/output';
import { LOOKUP_LABELS, lookupSchema } from '../../nodes/LookUpPhone/validation';
import { parseInput } from '../../nodes/shared/validation/errors';

const node: INode = { id: '1', name: 'Look Up Phone', type: 'CUSTOM.lookUpPhone', typeVersion: 1, position: [0, 0], parameters: {} };

const parse = (input: { phoneNumber?: unknown; countryCode?: unknown; dataPackages?: unknown }) =>
	parseInput(lookupSchema, { phoneNumber: '+14155550123', dataPackages: [], ...input }, { node, itemIndex: 2, labels: LOOKUP_LABELS });
const failure = (fn: () => unknown): NodeOperationError => {
	try {
		fn();
	} catch (e) {
		return e as NodeOperationError;
	}
	throw new Error('expected a validation error');
};

describe('Look Up Phone input', () => {
	it('normalizes what people write, and leaves validity to Twilio', () => {
		expect(parse({ phoneNumber: ' +1 (415) 555-0123 ' })).toEqual({ phoneNumber: '+14155550123', countryCode: undefined, fields: [] });
		expect(parse({ phoneNumber: 'whatsapp:+1 415.555.0123' }).phoneNumber).toBe('+14155550123');
		expect(parse({ phoneNumber: '+1\u2011415\u2011555\u20110123' }).phoneNumber).toBe('+14155550123');
		// Too short or too long is Twilio's answer to give (valid: false), not an input error.
		expect(parse({ phoneNumber: '+1555' }).phoneNumber).toBe('+1555');
		expect(parse({ phoneNumber: '+1555555012345678901' }).phoneNumber).toBe('+1555555012345678901');
	});

	it('national numbers need Country Code, which is upper-cased', () => {
		expect(parse({ phoneNumber: '030 1234567', countryCode: ' de ' })).toEqual({ phoneNumber: '0301234567', countryCode: 'DE', fields: [] });
		expect(parse({ phoneNumber: 4155550123, countryCode: 'US' }).phoneNumber).toBe('4155550123');
		expect(parse({ countryCode: '' }).countryCode).toBeUndefined();
		const none = failure(() => parse({ phoneNumber: '(415) 555-0123' }));
		expect(none.message).toBe('Invalid Phone Number "(415) 555-0123" in item 2: has no + and country code, and Country Code is not set, so the country it belongs to is unknown');
		expect(none.description).toMatch(/E\.164 format.*Country Code under Options/);
		expect(failure(() => parse({ phoneNumber: '0049 30 1234567' })).message).toBe('Invalid Phone Number "0049 30 1234567" in item 2: starts with 00 but has no +, and Country Code is not set');
	});

	it('refuses what is no number, and bad Country Codes and packages, naming field, value and item', () => {
		expect(failure(() => parse({ phoneNumber: '' })).message).toBe('Missing Phone Number in item 2: a phone number is required');
		expect(failure(() => parse({ phoneNumber: 'ada@example.com' })).message).toBe(
			'Invalid Phone Number "ada@example.com" in item 2: not a phone number (it contains characters other than digits, a leading + and separators)',
		);
		expect(failure(() => parse({ phoneNumber: '1-800-FLOWERS' })).description).toMatch(/vanity numbers/);
		expect(failure(() => parse({ phoneNumber: { n: 1 } })).message).toBe('Invalid Phone Number {"n":1} in item 2: expected text, got object');
		expect(failure(() => parse({ countryCode: 'USA' })).message).toBe('Invalid Country Code "USA" in item 2: not a two-letter country code');
		const pkg = failure(() => parse({ dataPackages: ['line_type_intelligence', 'carrier'] }));
		expect(pkg.message).toBe('Invalid Data Packages ["line_type_intelligence","carrier"] in item 2: "carrier" is not a data package this node offers');
		expect(pkg.context.itemIndex).toBe(2);
	});

	it('data packages: a list or a comma-separated string, in a fixed order, without repeats', () => {
		expect(parse({ dataPackages: ['caller_name', 'line_type_intelligence', 'caller_name'] }).fields).toEqual(['line_type_intelligence', 'caller_name']);
		expect(parse({ dataPackages: 'caller_name, line_type_intelligence' }).fields).toEqual(['line_type_intelligence', 'caller_name']);
		expect(parse({ dataPackages: '' }).fields).toEqual([]);
		expect(parse({ dataPackages: undefined }).fields).toEqual([]);
	});
});

/** An answer as the SDK builds it from Twilio's JSON. */
const answer = (payload: Record<string, unknown>) =>
	new PhoneNumberInstance({} as V2, {
		calling_country_code: '1',
		country_code: 'US',
		phone_number: '+14155550123',
		national_format: '(415) 555-0123',
		valid: true,
		validation_errors: null,
		caller_name: null,
		line_type_intelligence: null,
		url: 'https://lookups.twilio.com/v2/PhoneNumbers/+14155550123',
		...payload,
	} as never);

describe('Look Up Phone output', () => {
	const request = { input: '+14155550123', fields: ['line_type_intelligence' as const] };

	it.each([
		['mobile', { isMobile: true, isLandline: false, isVoip: false }],
		['landline', { isMobile: false, isLandline: true, isVoip: false }],
		['fixedVoip', { isMobile: false, isLandline: false, isVoip: true }],
		['nonFixedVoip', { isMobile: false, isLandline: false, isVoip: true }],
		['tollFree', { isMobile: false, isLandline: false, isVoip: false }],
		['personal', { isMobile: false, isLandline: false, isVoip: false }],
	])('line type %s sets the flags', (type, flags) => {
		const out = lookupOutput(answer({ line_type_intelligence: { type, carrier_name: 'X', mobile_country_code: null, mobile_network_code: null, error_code: null } }), request);
		expect(out).toMatchObject({ lineType: type, ...flags, carrier: 'X' });
	});

	it('without the package: lineType null and all flags false; packages errors as numbers', () => {
		expect(lookupOutput(answer({}), { input: '+14155550123', fields: [] })).toMatchObject({ lineType: null, isMobile: false, isLandline: false, isVoip: false, carrier: null, lineTypeErrorCode: null, dataPackages: [] });
		expect(lookupOutput(answer({ line_type_intelligence: { type: null, error_code: 60600 } }), request)).toMatchObject({ lineType: null, lineTypeErrorCode: 60600 });
		expect(lookupOutput(answer({ caller_name: { caller_name: null, caller_type: 'UNDETERMINED', error_code: null } }), request)).toMatchObject({ callerName: null, callerType: 'UNDETERMINED' });
	});

	it('an invalid number: valid false, its errors, nulls, and raw keeps the whole answer as plain JSON', () => {
		const out = lookupOutput(
			answer({ calling_country_code: null, country_code: null, national_format: null, phone_number: '+141555501239', valid: false, validation_errors: ['TOO_LONG'] }),
			{ input: '+141555501239', fields: [] },
		);
		expect(out).toMatchObject({ valid: false, validationErrors: ['TOO_LONG'], phoneNumber: '+141555501239', nationalFormat: null, countryCode: null, input: '+141555501239' });
		expect(out.raw).toEqual(expect.objectContaining({ valid: false, validationErrors: ['TOO_LONG'], callerName: null }));
		expect(JSON.parse(JSON.stringify(out))).toEqual(out);
	});
});

describe('Look Up Phone errors', () => {
	const rest = (status: number, code: number, message: string) => Object.assign(new Error(message), { status, code, moreInfo: `https://www.twilio.com/docs/errors/${code}` });

	it("explains Lookup's codes in lookup terms, and keeps Twilio's code and link", () => {
		const notFound = lookupError(node, rest(404, 20404, 'The requested resource /PhoneNumbers/x was not found'), 1, []);
		expect(notFound).toBeInstanceOf(NodeApiError);
		expect(notFound.message).toBe('Twilio error 20404: The requested resource /PhoneNumbers/x was not found');
		expect(notFound.description).toBe('Twilio could not read this as a phone number. Write it in E.164 format, e.g. +14155550123. More: https://www.twilio.com/docs/errors/20404');
		expect(notFound.context.itemIndex).toBe(1);
		expect(lookupError(node, rest(403, 60606, 'Lookup Package is Not Enabled'), 0, []).description).toMatch(/^This Twilio account is not enabled/);
	});

	it('redacts secrets', () => {
		const secret = '5a4db0c5700000000000000000000001';
		const e = lookupError(node, rest(401, 20003, `Authenticate ${secret}`), 0, [secret]);
		expect(e.message).not.toContain(secret);
	});
});
