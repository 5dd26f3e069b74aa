/**
 * The sandbox's Lookup v2 through the real twilio SDK: validation and formatting, national input
 * with CountryCode, every magic number's line type, caller names, invalid numbers as 200 answers,
 * Twilio's parameter errors, auth, and the raw JSON shape (every spec field present, null when not
 * requested).
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { API_KEY, FULL_ACCOUNT, LOOKUP_NUMBERS, MAGIC_TO, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { basic, request, sdk, twilioFailure, type TwilioClient } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

/** The SDK with lookups.twilio.com pointed at the sandbox. */
function lookupsClient(client: TwilioClient = sdk(sandbox)): TwilioClient {
	client.lookups.baseUrl = sandbox.url;
	return client;
}

const lookUp = (number: string, params: { fields?: string; countryCode?: string } = {}, client = lookupsClient()) => client.lookups.v2.phoneNumbers(number).fetch(params);
const auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
/** `authorization: null` sends none. */
const rawGet = (path: string, authorization: string | null = auth) =>
	request(`${sandbox.url}${path}`, { headers: authorization ? { Authorization: authorization } : {} });

const SPEC_FIELDS = [
	'calling_country_code',
	'country_code',
	'phone_number',
	'national_format',
	'valid',
	'validation_errors',
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
	'url',
];

describe('basic lookup: validation and formatting', () => {
	it('answers a valid US number with its formats and no packages', async () => {
		const r = await rawGet(`/v2/PhoneNumbers/${encodeURIComponent(SAMPLE_RECIPIENT)}`);
		expect(r.status).toBe(200);
		expect(Object.keys(r.json).sort()).toEqual([...SPEC_FIELDS].sort());
		expect(r.json).toEqual({
			calling_country_code: '1',
			country_code: 'US',
			phone_number: SAMPLE_RECIPIENT,
			national_format: '(555) 555-0123',
			valid: true,
			validation_errors: null,
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
			url: `${sandbox.url}/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`,
		});
	});

	it('reads the number through the SDK, with a raw + in the path as the SDK sends it', async () => {
		const n = await lookUp(SAMPLE_RECIPIENT);
		expect(n).toMatchObject({ valid: true, phoneNumber: SAMPLE_RECIPIENT, countryCode: 'US', callingCountryCode: '1', nationalFormat: '(555) 555-0123', lineTypeIntelligence: null, callerName: null });
		expect(sandbox.state.requests.map((q) => [q.route, q.path.split('?')[0]])).toEqual([['twilio.lookups.phone_numbers.fetch', `/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`]]);
	});

	it.each([
		['national US without CountryCode (Twilio assumes +1)', '(555) 555-0123', undefined, SAMPLE_RECIPIENT, 'US', '(555) 555-0123'],
		['national US with the 1 in front', '15555550123', 'US', SAMPLE_RECIPIENT, 'US', '(555) 555-0123'],
		['national GB mobile', '07400 123456', 'gb', '+447400123456', 'GB', '07400 123456'],
		['national DE', '030 12345678', 'DE', '+493012345678', 'DE', '030 12345678'],
		['E.164 FR (CountryCode ignored)', '+33612345678', 'US', '+33612345678', 'FR', '06 12 34 56 78'],
	])('%s', async (_name, input, countryCode, e164, iso, national) => {
		const n = await lookUp(input, { countryCode });
		expect(n).toMatchObject({ valid: true, phoneNumber: e164, countryCode: iso, nationalFormat: national });
	});

	it.each([
		['INVALID_BUT_POSSIBLE (magic)', LOOKUP_NUMBERS.invalid, 'INVALID_BUT_POSSIBLE'],
		["INVALID_BUT_POSSIBLE (Twilio's magic invalid To)", MAGIC_TO.invalid, 'INVALID_BUT_POSSIBLE'],
		['INVALID_BUT_POSSIBLE (an area code starting with 0)', '+10555550123', 'INVALID_BUT_POSSIBLE'],
		['TOO_SHORT', LOOKUP_NUMBERS.tooShort, 'TOO_SHORT'],
		['TOO_LONG', LOOKUP_NUMBERS.tooLong, 'TOO_LONG'],
		['INVALID_COUNTRY_CODE', '+999123456789', 'INVALID_COUNTRY_CODE'],
		['NOT_A_NUMBER', '1-800-FLOWERS', 'NOT_A_NUMBER'],
	])('an invalid number is a 200 answer: %s', async (_name, input, error) => {
		const r = await rawGet(`/v2/PhoneNumbers/${encodeURIComponent(input)}?Fields=line_type_intelligence,caller_name`);
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ valid: false, validation_errors: [error], calling_country_code: null, country_code: null, national_format: null, line_type_intelligence: null, caller_name: null });
		expect(Object.keys(r.json).sort()).toEqual([...SPEC_FIELDS].sort());
	});

	it('text that is no number has no phone_number to give back', async () => {
		const r = await rawGet(`/v2/PhoneNumbers/${encodeURIComponent('1-800-FLOWERS')}`);
		expect(r.json).toMatchObject({ valid: false, validation_errors: ['NOT_A_NUMBER'], phone_number: null, url: `${sandbox.url}/v2/PhoneNumbers/1-800-FLOWERS` });
	});

	it('an unknown country for a national number is INVALID_COUNTRY_CODE', async () => {
		const n = await lookUp('0123456789', { countryCode: 'JP' });
		expect(n).toMatchObject({ valid: false, validationErrors: ['INVALID_COUNTRY_CODE'] });
	});
});

describe('Line Type Intelligence', () => {
	it.each([
		['mobile (magic)', LOOKUP_NUMBERS.mobile, { type: 'mobile', carrierName: 'Sandbox Wireless', mobileCountryCode: '001', mobileNetworkCode: '01', errorCode: null }],
		['mobile (SAMPLE_RECIPIENT, the default)', SAMPLE_RECIPIENT, { type: 'mobile', carrierName: 'Sandbox Wireless' }],
		['mobile (our own sender)', NUMBER_MAIN.phoneNumber, { type: 'mobile' }],
		['landline', LOOKUP_NUMBERS.landline, { type: 'landline', carrierName: 'Sandbox Telephone Company', mobileCountryCode: null, mobileNetworkCode: null }],
		["landline (Twilio's magic not-a-mobile)", MAGIC_TO.notMobile, { type: 'landline' }],
		['landline (our undelivered-landline number)', MAGIC_TO.landline, { type: 'landline' }],
		['fixedVoip', LOOKUP_NUMBERS.fixedVoip, { type: 'fixedVoip', carrierName: 'Sandbox Voice Cloud - SVR' }],
		['nonFixedVoip', LOOKUP_NUMBERS.nonFixedVoip, { type: 'nonFixedVoip', carrierName: 'Sandbox VoIP - SMS/MMS-SVR' }],
		['tollFree (no carrier data, as Twilio)', LOOKUP_NUMBERS.tollFree, { type: 'tollFree', carrierName: null }],
		['tollFree (a real toll-free area code)', '+18005550199', { type: 'tollFree' }],
		['no data: error_code 60600', LOOKUP_NUMBERS.noLineType, { type: null, carrierName: null, errorCode: 60600 }],
		['GB mobile', '+447400123456', { type: 'mobile', mobileCountryCode: '234' }],
		['DE landline', '+493012345678', { type: 'landline' }],
	])('%s', async (_name, number, expected) => {
		const n = await lookUp(number, { fields: 'line_type_intelligence' });
		expect(n.valid).toBe(true);
		expect(n.lineTypeIntelligence).toMatchObject(expected);
		expect(n.callerName).toBeNull();
	});
});

describe('Caller Name', () => {
	it.each([
		['a mobile: a consumer', LOOKUP_NUMBERS.mobile, { callerName: 'SANDBOX SUBSCRIBER', callerType: 'CONSUMER', errorCode: null }],
		['a landline: a business', LOOKUP_NUMBERS.landline, { callerName: 'SANDBOX PLUMBING CO', callerType: 'BUSINESS', errorCode: null }],
		['VoIP: undetermined', LOOKUP_NUMBERS.nonFixedVoip, { callerName: null, callerType: 'UNDETERMINED', errorCode: null }],
		['outside the US: 60607', '+447400123456', { callerName: null, callerType: null, errorCode: 60607 }],
	])('%s', async (_name, number, expected) => {
		const n = await lookUp(number, { fields: 'caller_name' });
		expect(n.callerName).toEqual(expect.objectContaining(expected));
		expect(n.lineTypeIntelligence).toBeNull();
	});

	it('both packages in one request (and validation, which is implied)', async () => {
		const r = await rawGet(`/v2/PhoneNumbers/${LOOKUP_NUMBERS.landline}?Fields=validation,%20caller_name,line_type_intelligence`);
		expect(r.status).toBe(200);
		expect(r.json.caller_name).toEqual({ caller_name: 'SANDBOX PLUMBING CO', caller_type: 'BUSINESS', error_code: null });
		expect(r.json.line_type_intelligence).toEqual({ mobile_country_code: null, mobile_network_code: null, carrier_name: 'Sandbox Telephone Company', type: 'landline', error_code: null });
	});
});

describe('errors', () => {
	it('an unknown Fields value is 400 60200, in Twilio\'s error shape', async () => {
		const r = await rawGet(`/v2/PhoneNumbers/${LOOKUP_NUMBERS.mobile}?Fields=line_type`);
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ code: 60200, message: 'Invalid parameter: Fields', more_info: 'https://www.twilio.com/docs/errors/60200', status: 400 });
		expect(await twilioFailure(lookUp(LOOKUP_NUMBERS.mobile, { fields: 'carrier' }))).toMatchObject({ status: 400, code: 60200 });
	});

	it('a package the sandbox does not model is 403 60606 (not enabled)', async () => {
		expect(await twilioFailure(lookUp(LOOKUP_NUMBERS.mobile, { fields: 'sim_swap' }))).toMatchObject({ status: 403, code: 60606, message: 'Lookup Package is Not Enabled: sim_swap' });
	});

	it('a malformed CountryCode is 400 60200', async () => {
		expect(await twilioFailure(lookUp('5555550123', { countryCode: 'USA' }))).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: CountryCode' });
	});

	it('a path that is no phone number at all is 404 20404', async () => {
		const r = await rawGet(`/v2/PhoneNumbers/${encodeURIComponent('ada@example.com')}`);
		expect(r.status).toBe(404);
		expect(r.json).toMatchObject({ code: 20404, status: 404 });
	});

	it('auth like every Twilio route: none or a wrong token is 401 20003; an API key works', async () => {
		expect((await rawGet(`/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`, null)).json).toMatchObject({ code: 20003, status: 401 });
		expect((await rawGet(`/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`, basic(FULL_ACCOUNT.sid, 'wrong'))).status).toBe(401);
		const keyed = lookupsClient(sdk(sandbox, API_KEY.sid, API_KEY.secret));
		expect((await lookUp(SAMPLE_RECIPIENT, {}, keyed)).valid).toBe(true);
	});

	it('counts in the stats under its route name, and takes faults like the other routes', async () => {
		sandbox.faults.set({ rate5xxBefore: 1, routes: ['twilio.lookups.*'] });
		expect((await rawGet(`/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`)).status).toBe(503);
		sandbox.faults.clear();
		await lookUp(SAMPLE_RECIPIENT);
		expect(sandbox.stats().requestsByRoute['twilio.lookups.phone_numbers.fetch']).toBe(2);
	});
});
