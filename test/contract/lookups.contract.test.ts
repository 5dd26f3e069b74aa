/**
 * Every Lookup request the Look Up Phone node sends, and every success the sandbox answers, checked
 * against Twilio's official Lookup v2 spec (../shared/specs/twilio_lookups_v2.json). Unknown query
 * keys are errors: Twilio ignores them, which would hide a misspelt Fields or CountryCode.
 *
 * One allowance, learnt from the spec itself at test time: its LookupResponse leaves out `nullable`
 * on the package objects, `validation_errors` and the packages' `error_code`, while its own examples
 * (and Twilio's answers) carry null there. A null is accepted exactly where one of the spec's 200
 * examples has a null at the same place; any other mismatch still fails, and the spec's examples
 * are checked to pass under the same rule. Twilio's docs add a few nulls the examples do not show
 * (DOCUMENTED_NULLS).
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { LOOKUP_NUMBERS, MAGIC_TO, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { LookUpPhone } from '../../nodes/LookUpPhone/LookUpPhone.node';
import { itemsSource, runWorkflow } from '../support/engine';
import { loadSpec, validateRequest, validateResponse, type OpenApiSpec } from '../support/openapi';
import { CREDENTIAL_TYPES, TWILIO_CREDENTIAL_REF, twilioCredential } from '../support/twilioWorkflows';
import { sdk } from '../sandbox/helpers';

let sandbox: Sandbox;
let spec: OpenApiSpec;
let nullable: Set<string>;

const PATH = '/v2/PhoneNumbers/{PhoneNumber}';

/**
 * Nulls Twilio documents but the spec's examples do not show. Line Type Intelligence: "Carrier data
 * isn't available for phone number types: personal, tollFree, premium, … In these cases
 * mobile_country_code, mobile_network_code, and carrier_name values will be null", and the mobile
 * network code "is only returned for mobile numbers"
 * (https://www.twilio.com/docs/lookup/v2-api/line-type-intelligence). Caller Name: no name, or no
 * type outside its coverage, is null (caller_type UNDETERMINED with caller_name null in real answers).
 */
const DOCUMENTED_NULLS = [
	'/line_type_intelligence/mobile_country_code',
	'/line_type_intelligence/mobile_network_code',
	'/line_type_intelligence/carrier_name',
	'/line_type_intelligence/type',
	'/caller_name/caller_name',
	'/caller_name/caller_type',
];

/** JSON pointers (array indices as `*`) where a value is null. */
function nullPointers(value: unknown, at = '', out = new Set<string>()): Set<string> {
	if (value === null) out.add(at);
	else if (Array.isArray(value)) value.forEach((v) => nullPointers(v, `${at}/*`, out));
	else if (typeof value === 'object') for (const [k, v] of Object.entries(value as Record<string, unknown>)) nullPointers(v, `${at}/${k}`, out);
	return out;
}

function examples(): Array<[string, unknown]> {
	const get = (spec.document.paths as Record<string, { get: { responses: Record<string, { content: Record<string, { examples: Record<string, { value: unknown }> }> }> } }>)[PATH].get;
	return Object.entries(get.responses['200'].content['application/json'].examples).map(([name, e]) => [name, e.value]);
}

function valueAt(body: unknown, pointer: string): unknown {
	return pointer
		.split('/')
		.slice(1)
		.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
}

/** The response errors, minus a null where the spec's own examples have one. */
function responseErrors(path: string, body: unknown): string[] {
	const { errors } = validateResponse(spec, { method: 'GET', path, status: 200, body });
	return errors.filter((error) => {
		const m = /^response(\/[^:]*): must be (object|integer|array|string|boolean|number)$/.exec(error);
		if (!m) return true;
		const pointer = m[1].replace(/\/\d+(?=\/|$)/g, '/*');
		return !(valueAt(body, m[1]) === null && nullable.has(pointer));
	});
}

/** Every recorded Lookup request and 2xx answer since the last reset; returns how many were checked. */
function checkRecorded(): number {
	const recorded = sandbox.state.requests.filter((r) => !r.path.startsWith('/__sandbox'));
	for (const r of recorded) {
		const req = validateRequest(spec, { method: r.method, path: r.path, query: r.query });
		expect({ request: `${r.method} ${r.path}`, errors: req.errors }).toEqual({ request: `${r.method} ${r.path}`, errors: [] });
		if (r.status >= 200 && r.status < 300) {
			expect({ response: `${r.method} ${r.path}`, errors: responseErrors(r.path, r.responseBody) }).toEqual({ response: `${r.method} ${r.path}`, errors: [] });
		}
	}
	return recorded.length;
}

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 10 });
	spec = loadSpec('twilio_lookups_v2.json');
	nullable = new Set([...examples().flatMap(([, value]) => [...nullPointers(value)]), ...DOCUMENTED_NULLS]);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

describe('the allowance for nulls is no loophole', () => {
	it("accepts every 200 example in Twilio's spec, which the plain schema rejects", () => {
		expect(examples().length).toBeGreaterThan(5);
		for (const [name, value] of examples()) {
			expect({ name, errors: responseErrors(`/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`, value) }).toEqual({ name, errors: [] });
		}
		const [, fetch] = examples().find(([name]) => name === 'fetch')!;
		expect(validateResponse(spec, { method: 'GET', path: `/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`, status: 200, body: fetch }).errors).toContain('response/caller_name: must be object');
	});

	it('still rejects wrong types, and nulls where the examples never have one', () => {
		const [, base] = examples().find(([name]) => name === 'fetchLineTypeIntelligence')!;
		const body = base as IDataObject;
		const path = `/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`;
		expect(responseErrors(path, { ...body, valid: 'yes' })).toEqual(['response/valid: must be boolean']);
		expect(responseErrors(path, { ...body, valid: null })).toEqual(['response/valid: must be boolean']);
		expect(responseErrors(path, { ...body, line_type_intelligence: { ...(body.line_type_intelligence as IDataObject), error_code: '60600' } })).toEqual([
			'response/line_type_intelligence/error_code: must be integer',
		]);
		expect(responseErrors(path, { ...body, validation_errors: ['TOO_SHORTISH'] })).toEqual([expect.stringMatching(/^response\/validation_errors\/0: "TOO_SHORTISH" is not one of/)]);
	});
});

describe('Look Up Phone requests match the Lookup v2 spec', () => {
	const run = (parameters: INodeParameters, items: IDataObject[] = [{}]) => {
		const source = itemsSource(items);
		const node: INode = { id: 'lookup', name: 'Look Up Phone', type: 'CUSTOM.lookUpPhone', typeVersion: 1, position: [200, 0], parameters, credentials: { twilioCommsApi: TWILIO_CREDENTIAL_REF }, onError: 'continueRegularOutput' };
		return runWorkflow(
			{ nodes: [source, node], connections: { [source.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } } },
			{ nodeTypes: { 'CUSTOM.lookUpPhone': new LookUpPhone() }, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url)] },
		);
	};
	const each = { phoneNumber: '={{ $json.phone }}' };
	const magic = [LOOKUP_NUMBERS.mobile, LOOKUP_NUMBERS.landline, LOOKUP_NUMBERS.fixedVoip, LOOKUP_NUMBERS.nonFixedVoip, LOOKUP_NUMBERS.tollFree, LOOKUP_NUMBERS.noLineType, SAMPLE_RECIPIENT];
	const invalid = [LOOKUP_NUMBERS.invalid, LOOKUP_NUMBERS.tooShort, LOOKUP_NUMBERS.tooLong, MAGIC_TO.invalid, '+999123456789'];

	it.each([
		['a basic lookup', {}],
		['Line Type Intelligence', { dataPackages: ['line_type_intelligence'] }],
		['Caller Name', { dataPackages: ['caller_name'] }],
		['both packages', { dataPackages: ['line_type_intelligence', 'caller_name'] }],
	])('%s, for every magic number and the invalid ones', async (_name, parameters) => {
		const r = await run({ ...each, ...parameters }, [...magic, ...invalid].map((phone) => ({ phone })));
		expect(r.error).toBeUndefined();
		expect(r.outputs('Look Up Phone').filter((o) => o.json.error !== undefined)).toEqual([]);
		expect(checkRecorded()).toBe(magic.length + invalid.length);
	});

	it('national numbers with Country Code, and numbers outside the US with Caller Name', async () => {
		const r = await run({ ...each, dataPackages: ['caller_name', 'line_type_intelligence'], options: { countryCode: '={{ $json.country }}' } }, [
			{ phone: '030 12345678', country: 'DE' },
			{ phone: '07400 123456', country: 'GB' },
			{ phone: '(555) 555-0123', country: 'US' },
			{ phone: '+33 6 12 34 56 78', country: '' },
		]);
		expect(r.outputs('Look Up Phone').map((o) => o.json.countryCode)).toEqual(['DE', 'GB', 'US', 'FR']);
		expect(checkRecorded()).toBe(4);
	});
});

describe('the sandbox answers every Lookup in the spec shape', () => {
	it('through the SDK: E.164, national, vanity text, and each package', async () => {
		const client = sdk(sandbox);
		client.lookups.baseUrl = sandbox.url;
		const phone = client.lookups.v2;
		await phone.phoneNumbers(SAMPLE_RECIPIENT).fetch();
		await phone.phoneNumbers('5555550123').fetch({ countryCode: 'US', fields: 'validation' });
		await phone.phoneNumbers('1-800-FLOWERS').fetch();
		await phone.phoneNumbers(LOOKUP_NUMBERS.landline).fetch({ fields: 'caller_name,line_type_intelligence' });
		await phone.phoneNumbers('+447400123456').fetch({ fields: 'caller_name,line_type_intelligence' });
		expect(checkRecorded()).toBe(5);
	});
});
