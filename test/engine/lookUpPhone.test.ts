/*
 * Look Up Phone in n8n-core's WorkflowExecute against the sandbox: each magic number with and
 * without data packages, invalid numbers as data, bad input naming field, value and item, Continue
 * On Fail, Twilio's refusals as NodeApiError, retries of a read, the "skip landlines" IF on a mapped
 * flag, and the node as an AI Agent tool.
 */
import { FROM_AI_AUTO_GENERATED_MARKER, NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, LOOKUP_NUMBERS, MAGIC_TO, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { LookUpPhone } from '../../nodes/LookUpPhone/LookUpPhone.node';
import { itemsSource, runWorkflow } from '../support/engine';
import { CREDENTIAL_TYPES, TWILIO_CREDENTIAL_REF, twilioCredential } from '../support/twilioWorkflows';
import { asAiTool, runAgentWorkflow } from './toolAgent';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 15 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const TYPE = 'CUSTOM.lookUpPhone';
const LTI = 'line_type_intelligence';
const CNAM = 'caller_name';

/** The "IF" of a workflow: items whose `condition` expression is true go to output 0, the rest to 1. */
class IfCondition implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'If Condition',
		name: 'test.ifCondition',
		group: ['transform'],
		version: 1,
		description: 'Routes each item by a boolean expression, as the IF node does',
		defaults: { name: 'If' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [{ displayName: 'Condition', name: 'condition', type: 'boolean', default: false }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const yes: INodeExecutionData[] = [];
		const no: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => (this.getNodeParameter('condition', i) === true ? yes : no).push({ json: item.json, pairedItem: { item: i } }));
		return [yes, no];
	}
}

const NODE_TYPES = { [TYPE]: new LookUpPhone(), 'test.ifCondition': new IfCondition() };

function lookupNode(parameters: INodeParameters, extra: Partial<INode> = {}): INode {
	return { id: 'lookup', name: 'Look Up Phone', type: TYPE, typeVersion: 1, position: [200, 0], parameters, credentials: { twilioCommsApi: TWILIO_CREDENTIAL_REF }, ...extra };
}

async function lookUp(
	parameters: INodeParameters,
	items: IDataObject[] = [{}],
	opts: { continueOnFail?: boolean; credential?: IDataObject; node?: Partial<INode> } = {},
) {
	const source = itemsSource(items);
	const node = lookupNode(parameters, { ...(opts.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}), ...opts.node });
	const result = await runWorkflow(
		{ nodes: [source, node], connections: { [source.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } } },
		{ nodeTypes: NODE_TYPES, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url, opts.credential)], timeoutMs: 30_000 },
	);
	return { ...result, out: () => result.outputs(node.name) };
}

const requests = () => sandbox.state.requests.filter((r) => r.route === 'twilio.lookups.phone_numbers.fetch');
const byItem = { phoneNumber: '={{ $json.phone }}' };

describe('Look Up Phone in WorkflowExecute against the sandbox', () => {
	it('a basic lookup: validity and formats, no packages, nothing else asked for', async () => {
		const r = await lookUp({ phoneNumber: '+1 (555) 555-0123' });
		expect(r.error).toBeUndefined();
		const [item] = r.out();
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toEqual({
			valid: true,
			validationErrors: [],
			phoneNumber: SAMPLE_RECIPIENT,
			nationalFormat: '(555) 555-0123',
			countryCode: 'US',
			callingCountryCode: '1',
			lineType: null,
			isMobile: false,
			isLandline: false,
			isVoip: false,
			carrier: null,
			mobileCountryCode: null,
			mobileNetworkCode: null,
			lineTypeErrorCode: null,
			callerName: null,
			callerType: null,
			callerNameErrorCode: null,
			dataPackages: [],
			input: SAMPLE_RECIPIENT,
			raw: expect.objectContaining({ valid: true, phoneNumber: SAMPLE_RECIPIENT, lineTypeIntelligence: null, callerName: null, url: expect.any(String) }),
		});
		const [request] = requests();
		expect(request.path.split('?')[0]).toBe(`/v2/PhoneNumbers/${SAMPLE_RECIPIENT}`);
		expect(request.query).toEqual({});
	});

	it('each magic number with Line Type Intelligence, one item each, in input order', async () => {
		const numbers = [LOOKUP_NUMBERS.mobile, LOOKUP_NUMBERS.landline, LOOKUP_NUMBERS.fixedVoip, LOOKUP_NUMBERS.nonFixedVoip, LOOKUP_NUMBERS.tollFree, LOOKUP_NUMBERS.noLineType, MAGIC_TO.notMobile];
		const r = await lookUp({ ...byItem, dataPackages: [LTI] }, numbers.map((phone) => ({ phone })));
		expect(r.error).toBeUndefined();
		const out = r.out();
		expect(out.map((o) => o.pairedItem)).toEqual(numbers.map((_, item) => ({ item })));
		expect(out.map((o) => [o.json.phoneNumber, o.json.lineType, o.json.isMobile, o.json.isLandline, o.json.isVoip])).toEqual([
			[LOOKUP_NUMBERS.mobile, 'mobile', true, false, false],
			[LOOKUP_NUMBERS.landline, 'landline', false, true, false],
			[LOOKUP_NUMBERS.fixedVoip, 'fixedVoip', false, false, true],
			[LOOKUP_NUMBERS.nonFixedVoip, 'nonFixedVoip', false, false, true],
			[LOOKUP_NUMBERS.tollFree, 'tollFree', false, false, false],
			[LOOKUP_NUMBERS.noLineType, null, false, false, false],
			[MAGIC_TO.notMobile, 'landline', false, true, false],
		]);
		expect(out[0].json).toMatchObject({ carrier: 'Sandbox Wireless', mobileCountryCode: '001', mobileNetworkCode: '01', lineTypeErrorCode: null, dataPackages: [LTI], callerName: null });
		expect(out[1].json).toMatchObject({ carrier: 'Sandbox Telephone Company', mobileCountryCode: null });
		expect(out[5].json).toMatchObject({ carrier: null, lineTypeErrorCode: 60600 });
		expect(out[0].json.raw).toMatchObject({ lineTypeIntelligence: { type: 'mobile', carrierName: 'Sandbox Wireless' } });
		expect(requests().map((q) => q.query)).toEqual(numbers.map(() => ({ Fields: [LTI] })));
	});

	it('both packages: Fields lists them comma-separated, and Caller Name fills callerName and callerType', async () => {
		const r = await lookUp({ phoneNumber: LOOKUP_NUMBERS.landline, dataPackages: [CNAM, LTI] });
		expect(r.out()[0].json).toMatchObject({
			lineType: 'landline',
			isLandline: true,
			callerName: 'SANDBOX PLUMBING CO',
			callerType: 'BUSINESS',
			callerNameErrorCode: null,
			dataPackages: [LTI, CNAM],
		});
		expect(requests()[0].query).toEqual({ Fields: [`${LTI},${CNAM}`] });
	});

	it('Caller Name only: no line type; outside the US the package error code comes through as data', async () => {
		const r = await lookUp({ ...byItem, dataPackages: [CNAM] }, [{ phone: LOOKUP_NUMBERS.mobile }, { phone: '+44 7400 123456' }]);
		const [us, gb] = r.out().map((o) => o.json);
		expect(us).toMatchObject({ callerName: 'SANDBOX SUBSCRIBER', callerType: 'CONSUMER', lineType: null, isMobile: false });
		expect(gb).toMatchObject({ valid: true, phoneNumber: '+447400123456', countryCode: 'GB', nationalFormat: '07400 123456', callerName: null, callerNameErrorCode: 60607 });
	});

	it('national format with Country Code (Options), sent as CountryCode', async () => {
		const r = await lookUp({ phoneNumber: '030 12345678', options: { countryCode: 'de' } });
		expect(r.error).toBeUndefined();
		expect(r.out()[0].json).toMatchObject({ valid: true, phoneNumber: '+493012345678', countryCode: 'DE', nationalFormat: '030 12345678', input: '03012345678' });
		expect(requests()[0].query).toEqual({ CountryCode: ['DE'] });
	});

	it('an invalid number is data, not an error: valid false with Twilio\'s validation errors', async () => {
		const phones = [LOOKUP_NUMBERS.invalid, LOOKUP_NUMBERS.tooShort, LOOKUP_NUMBERS.tooLong, MAGIC_TO.invalid, '+999123456789'];
		const r = await lookUp({ ...byItem, dataPackages: [LTI, CNAM] }, phones.map((phone) => ({ phone })));
		expect(r.error).toBeUndefined();
		expect(r.out().map((o) => [o.json.valid, o.json.validationErrors, o.json.lineType, o.json.isMobile, o.json.nationalFormat])).toEqual([
			[false, ['INVALID_BUT_POSSIBLE'], null, false, null],
			[false, ['TOO_SHORT'], null, false, null],
			[false, ['TOO_LONG'], null, false, null],
			[false, ['INVALID_BUT_POSSIBLE'], null, false, null],
			[false, ['INVALID_COUNTRY_CODE'], null, false, null],
		]);
	});

	it('bad input fails before any request, naming the field, the value and the item', async () => {
		const cases: Array<[IDataObject, RegExp]> = [
			[{ phone: 'call me maybe' }, /^Invalid Phone Number "call me maybe" in item 0: not a phone number/],
			[{ phone: '' }, /^Missing Phone Number in item 0: a phone number is required/],
			[{ phone: '4155550123' }, /^Invalid Phone Number "4155550123" in item 0: has no \+ and country code, and Country Code is not set/],
			[{ phone: '004915123456789' }, /^Invalid Phone Number "004915123456789" in item 0: starts with 00/],
		];
		for (const [item, message] of cases) {
			const r = await lookUp(byItem, [item]);
			expect(r.error?.message).toMatch(message);
			expect((r.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
		}
		const country = await lookUp({ phoneNumber: '4155550123', options: { countryCode: 'USA' } });
		expect(country.error?.message).toBe('Invalid Country Code "USA" in item 0: not a two-letter country code');
		const pkg = await lookUp({ phoneNumber: SAMPLE_RECIPIENT, dataPackages: '={{ "line_type_intelligence,sim_swap" }}' });
		expect(pkg.error?.message).toMatch(/^Invalid Data Packages .* in item 0: "sim_swap" is not a data package this node offers/);
		expect(requests()).toHaveLength(0);
	});

	it('Continue On Fail: the bad item becomes an error item, the others are looked up, pairedItem on each', async () => {
		const r = await lookUp({ ...byItem, dataPackages: [LTI] }, [{ phone: LOOKUP_NUMBERS.mobile }, { phone: 'not a number' }, { phone: LOOKUP_NUMBERS.landline }], { continueOnFail: true });
		expect(r.error).toBeUndefined();
		const out = r.out();
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toMatchObject({ lineType: 'mobile' });
		expect(out[1].json).toEqual({ error: 'Invalid Phone Number "not a number" in item 1: not a phone number (it contains characters other than digits, a leading + and separators)', errorDescription: expect.any(String) });
		expect(out[2].json).toMatchObject({ lineType: 'landline' });
		expect(requests()).toHaveLength(2);
	});

	it("Twilio's refusal is a NodeApiError with its code and no secret; with Continue On Fail an error item", async () => {
		const wrong = { authToken: `${FULL_ACCOUNT.authToken.slice(0, -1)}9` };
		const r = await lookUp({ phoneNumber: SAMPLE_RECIPIENT }, [{}], { credential: wrong });
		expect(r.error?.message).toBe('Twilio error 20003: Authenticate');
		expect(JSON.stringify(r.run.data.resultData)).not.toContain(wrong.authToken);
		sandbox.faults.set({ rate5xxBefore: 1, routes: ['twilio.lookups.*'] });
		const failing = await lookUp({ phoneNumber: SAMPLE_RECIPIENT, options: { maxConcurrency: 1 } }, [{}], { continueOnFail: true });
		expect(failing.error).toBeUndefined();
		expect(failing.out()[0].json).toMatchObject({ error: expect.stringMatching(/^Twilio error 20503/), errorCode: 20503, errorHttpCode: '503' });
	}, 30_000);

	it('a read: a 429 or 503 is retried (the same request again) and the lookup succeeds', async () => {
		sandbox.faults.set({ rate5xxBefore: 0.5, rate429: 0.3, retryAfterSec: 0, seed: 11, routes: ['twilio.lookups.*'] });
		const phones = [LOOKUP_NUMBERS.mobile, LOOKUP_NUMBERS.landline, LOOKUP_NUMBERS.nonFixedVoip, SAMPLE_RECIPIENT];
		const r = await lookUp({ ...byItem, dataPackages: [LTI] }, phones.map((phone) => ({ phone })));
		expect(r.error).toBeUndefined();
		expect(r.out().map((o) => o.json.lineType)).toEqual(['mobile', 'landline', 'nonFixedVoip', 'mobile']);
		const faults = sandbox.stats().faults;
		expect((faults.rate429 ?? 0) + (faults.rate5xxBefore ?? 0)).toBeGreaterThan(0);
		expect(requests().length).toBeGreaterThan(phones.length);
	}, 30_000);

	it('"skip landlines" is one IF on the mapped isLandline flag', async () => {
		const people = [
			{ name: 'Ada', phone: LOOKUP_NUMBERS.mobile },
			{ name: 'Plumber', phone: LOOKUP_NUMBERS.landline },
			{ name: 'Grace', phone: SAMPLE_RECIPIENT },
			{ name: 'Typo', phone: LOOKUP_NUMBERS.invalid },
		];
		const source = itemsSource(people);
		const lookup = lookupNode({ ...byItem, dataPackages: [LTI] });
		const ifNode: INode = { id: 'if', name: 'Can Text', type: 'test.ifCondition', typeVersion: 1, position: [400, 0], parameters: { condition: '={{ $json.valid && !$json.isLandline }}' } };
		const r = await runWorkflow(
			{
				nodes: [source, lookup, ifNode],
				connections: {
					[source.name]: { main: [[{ node: lookup.name, type: 'main', index: 0 }]] },
					[lookup.name]: { main: [[{ node: ifNode.name, type: 'main', index: 0 }]] },
				},
			},
			{ nodeTypes: NODE_TYPES, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url)] },
		);
		expect(r.error).toBeUndefined();
		const names = (output: number) => r.outputs(ifNode.name, output).map((o) => people[(o.pairedItem as { item: number }).item].name);
		expect(names(0)).toEqual(['Ada', 'Grace']);
		expect(names(1)).toEqual(['Plumber', 'Typo']);
		expect(r.outputs(ifNode.name, 0).map((o) => o.json.phoneNumber)).toEqual([LOOKUP_NUMBERS.mobile, SAMPLE_RECIPIENT]);
	});
});

describe('Look Up Phone as an AI Agent tool', () => {
	const TOOL_TYPE = 'CUSTOM.lookUpPhoneTool';
	const toolNode = (parameters: INodeParameters, extra: Partial<INode> = {}): INode => ({
		id: 'lookup-tool',
		name: 'Look Up Phone',
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [200, 200],
		parameters,
		credentials: { twilioCommsApi: TWILIO_CREDENTIAL_REF },
		...extra,
	});
	const PARAMETERS: INodeParameters = {
		phoneNumber: "={{ $fromAI('Phone_Number', 'The phone number to check, in E.164, e.g. +14155550123', 'string') }}",
		dataPackages: [LTI],
	};
	const runAgent = (tools: INode[], calls: Array<{ node: string; input: IDataObject }>) =>
		runAgentWorkflow({
			tools,
			calls,
			options: { nodeTypes: { [TOOL_TYPE]: asAiTool(new LookUpPhone()) }, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url)] },
		});
	const parsed = (observation: string | undefined) => JSON.parse(observation ?? 'null') as IDataObject[];

	it('is named after the node, described for a model, with the $fromAI schema', async () => {
		const r = await runAgent([toolNode(PARAMETERS)], []);
		expect(r.error).toBeUndefined();
		const [tool] = r.agent!.tools;
		expect(tool.name).toBe('Look_Up_Phone');
		expect(tool.description).toBe(new LookUpPhone().description.description);
		expect(tool.description).toMatch(/before texting or calling it/);
		expect(tool.description).toMatch(/Phone Number: the number in E\.164 format/);
		expect(tool.schema).toMatchObject({
			type: 'object',
			properties: { Phone_Number: { type: 'string', description: 'The phone number to check, in E.164, e.g. +14155550123' } },
			required: ['Phone_Number'],
		});
	});

	it('the editor\'s "let the model define" button works too', async () => {
		const r = await runAgent([toolNode({ phoneNumber: `={{ ${FROM_AI_AUTO_GENERATED_MARKER} $fromAI('Phone_Number', \`\`, 'string') }}` })], [{ node: 'Look Up Phone', input: { Phone_Number: LOOKUP_NUMBERS.landline } }]);
		expect(parsed(r.agent!.results[0].observation)[0]).toMatchObject({ valid: true, phoneNumber: LOOKUP_NUMBERS.landline });
	});

	it('the agent checks a number before texting: a landline, a mobile, and a bad number as a result with the fix', async () => {
		const r = await runAgent(
			[toolNode(PARAMETERS)],
			[
				{ node: 'Look Up Phone', input: { Phone_Number: LOOKUP_NUMBERS.landline } },
				{ node: 'Look Up Phone', input: { Phone_Number: '+1 555 555 0123' } },
				{ node: 'Look Up Phone', input: { Phone_Number: 'ada@example.com' } },
			],
		);
		expect(r.error).toBeUndefined();
		expect(r.run.status).toBe('success');
		const [landline, mobile, bad] = r.agent!.results.map((x) => parsed(x.observation)[0]);
		expect(landline).toMatchObject({ valid: true, lineType: 'landline', isLandline: true, isMobile: false });
		expect(mobile).toMatchObject({ valid: true, phoneNumber: SAMPLE_RECIPIENT, lineType: 'mobile', isMobile: true });
		expect(bad).toEqual({ error: expect.stringMatching(/^Invalid Phone Number "ada@example.com" in item 0: not a phone number/), errorDescription: expect.stringMatching(/E\.164/) });
		expect(requests()).toHaveLength(2);
	});
});
