/*
 * Verify Phone in n8n-core's WorkflowExecute against the sandbox: a sign-up flow (send a code, the
 * user types it, check it, branch on `valid`), checks by Verification SID, Twilio's attempt limits
 * (not retried, clear messages), bad items under continueOnFail, and the credential's default service.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, MAGIC_TO, SAMPLE_RECIPIENT, VERIFY_SERVICE, VERIFY_SERVICE_SHORT } from '../../sandbox/fixtures';
import { itemsSource, runWorkflow } from '../support/engine';
import { actionNode, CREDENTIAL_TYPES, NODE_TYPES, runNode, twilioCredential } from '../support/twilioWorkflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 15 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const SECOND = '+15555550124';
const fromList = (sid: string = VERIFY_SERVICE.sid) => ({ __rl: true, mode: 'list', value: sid });
const bySid = (value: string) => ({ __rl: true, mode: 'id', value });

const verify = (parameters: Record<string, unknown>, items: IDataObject[] = [{}], opts: { continueOnFail?: boolean; credential?: IDataObject } = {}) =>
	runNode({ type: 'CUSTOM.verifyPhone', parameters: parameters as never, items, baseUrl: sandbox.url, ...opts });

const send = (to: string, extra: Record<string, unknown> = {}) => verify({ operation: 'sendCode', verifyService: fromList(), to, ...extra });

const requestsTo = (route: string) => sandbox.state.requests.filter((r) => r.route === route);

/** A code that is surely wrong: the right one with its first digit changed. */
const wrong = (code: string) => `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;

/** Recipients whose user mistypes the code in the sign-up flow. */
const MISTYPED = new Set([SECOND]);

/** Stands in for the user typing the code they received: reads it from the sandbox (wrong for MISTYPED numbers). */
class UserTypesCode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'User Types Code',
		name: 'test.userTypesCode',
		group: ['transform'],
		version: 1,
		description: 'Adds the code the user received (or a wrong one) to each item',
		defaults: { name: 'User Types Code' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, i) => {
				const code = sandbox.verifyCode(String(item.json.to))!;
				return { json: { ...item.json, code: MISTYPED.has(String(item.json.to)) ? wrong(code) : code }, pairedItem: { item: i } };
			}),
		];
	}
}

/** The IF node of the flow: valid codes to output 0, the rest to output 1. */
class IsValid implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Is Valid',
		name: 'test.isValid',
		group: ['transform'],
		version: 1,
		description: 'IF valid',
		defaults: { name: 'Is Valid' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const yes: INodeExecutionData[] = [];
		const no: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => (item.json.valid === true ? yes : no).push({ json: item.json, pairedItem: { item: i } }));
		return [yes, no];
	}
}

describe('Verify Phone in WorkflowExecute against the sandbox', () => {
	it('send, then a wrong code gives valid:false (no error), then the right code is approved', async () => {
		const sent = await send('+1 (555) 555-0123', { channel: 'sms', options: { locale: 'en', customFriendlyName: 'Acme Shop' } });
		expect(sent.error).toBeUndefined();
		const [out] = sent.outputs(sent.nodeName);
		expect(out.json).toMatchObject({
			status: 'pending',
			valid: false,
			to: SAMPLE_RECIPIENT,
			channel: 'sms',
			serviceSid: VERIFY_SERVICE.sid,
			accountSid: FULL_ACCOUNT.sid,
			sendCodeAttempts: 1,
		});
		expect(out.json.sid).toMatch(/^VE[0-9a-f]{32}$/);
		expect(out.pairedItem).toEqual({ item: 0 });
		const record = sandbox.state.verifications.get(String(out.json.sid))!;
		expect(record).toMatchObject({ locale: 'en', customFriendlyName: 'Acme Shop' });
		expect(record.code).toMatch(/^\d{6}$/);

		const check = (code: string) => verify({ operation: 'checkCode', verifyService: fromList(), checkBy: 'to', to: SAMPLE_RECIPIENT, code });
		const bad = await check(wrong(record.code));
		expect(bad.error).toBeUndefined();
		expect(bad.outputs(bad.nodeName)[0].json).toMatchObject({ status: 'pending', valid: false, to: SAMPLE_RECIPIENT, sid: out.json.sid });

		// The code as the user might type it, with a space in the middle.
		const good = await check(`${record.code.slice(0, 3)} ${record.code.slice(3)}`);
		expect(good.error).toBeUndefined();
		expect(good.outputs(good.nodeName)[0].json).toMatchObject({ status: 'approved', valid: true, to: SAMPLE_RECIPIENT, channel: 'sms', sid: out.json.sid, serviceSid: VERIFY_SERVICE.sid });
		expect(requestsTo('twilio.verify.verification_checks.create').map((r) => r.form?.Code?.[0])).toEqual([wrong(record.code), record.code]);
	});

	it('sign-up flow in one run: Send Code → the user types it → Check Code by Verification SID → IF valid', async () => {
		const signups = [{ phone: SAMPLE_RECIPIENT }, { phone: SECOND }];
		const r = await runWorkflow(
			{
				nodes: [
					itemsSource(signups, 'Sign-ups'),
					actionNode('CUSTOM.verifyPhone', 'Send Code', { operation: 'sendCode', verifyService: fromList(), channel: 'sms', to: '={{ $json.phone }}' }),
					{ id: 'u', name: 'User Types Code', type: 'test.userTypesCode', typeVersion: 1, position: [300, 0], parameters: {} },
					actionNode('CUSTOM.verifyPhone', 'Check Code', {
						operation: 'checkCode',
						verifyService: fromList(),
						checkBy: 'verificationSid',
						verificationSid: '={{ $json.sid }}',
						code: '={{ $json.code }}',
					}),
					{ id: 'if', name: 'Is Valid', type: 'test.isValid', typeVersion: 1, position: [500, 0], parameters: {} },
				],
				connections: {
					'Sign-ups': { main: [[{ node: 'Send Code', type: 'main', index: 0 }]] },
					'Send Code': { main: [[{ node: 'User Types Code', type: 'main', index: 0 }]] },
					'User Types Code': { main: [[{ node: 'Check Code', type: 'main', index: 0 }]] },
					'Check Code': { main: [[{ node: 'Is Valid', type: 'main', index: 0 }]] },
				},
			},
			{
				nodeTypes: { ...NODE_TYPES, 'test.userTypesCode': new UserTypesCode(), 'test.isValid': new IsValid() },
				credentialTypes: CREDENTIAL_TYPES,
				credentials: [twilioCredential(sandbox.url)],
			},
		);
		expect(r.error).toBeUndefined();
		const checked = r.outputs('Check Code');
		expect(checked.map((o) => [o.json.to, o.json.status, o.json.valid])).toEqual([
			[SAMPLE_RECIPIENT, 'approved', true],
			[SECOND, 'pending', false],
		]);
		expect(checked.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(r.outputs('Is Valid', 0).map((o) => o.json.to)).toEqual([SAMPLE_RECIPIENT]);
		expect(r.outputs('Is Valid', 1).map((o) => o.json.to)).toEqual([SECOND]);
		expect(requestsTo('twilio.verify.verification_checks.create').every((q) => q.form?.VerificationSid?.[0]?.startsWith('VE'))).toBe(true);
	});

	it('five wrong codes lock the verification; the sixth check fails with a clear 60202 and is not retried', async () => {
		await send(SAMPLE_RECIPIENT);
		const code = sandbox.verifyCode(SAMPLE_RECIPIENT)!;
		const items = [...Array(6)].map(() => ({ code: wrong(code) }));
		const r = await verify(
			{ operation: 'checkCode', verifyService: fromList(), to: SAMPLE_RECIPIENT, code: '={{ $json.code }}', options: { maxConcurrency: 1 } },
			items,
			{ continueOnFail: true },
		);
		const out = r.outputs(r.nodeName);
		expect(out.map((o) => o.json.status ?? 'error')).toEqual(['pending', 'pending', 'pending', 'pending', 'max_attempts_reached', 'error']);
		expect(out.slice(0, 5).every((o) => o.json.valid === false)).toBe(true);
		expect(out[5].json).toMatchObject({ errorCode: 60202, errorHttpCode: '429' });
		expect(out[5].json.error).toBe(`Too many wrong codes for ${SAMPLE_RECIPIENT} (Twilio error 60202: Max check attempts reached)`);
		expect(out[5].json.errorDescription).toMatch(/entered wrong 5 times.*Send a new code/);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		// A 429 that is a limit, not a rate limit: exactly one request for the sixth item.
		expect(requestsTo('twilio.verify.verification_checks.create')).toHaveLength(6);
	});

	it('the sixth send within 10 minutes fails with a clear 60203 and is not retried', async () => {
		const r = await verify(
			{ operation: 'sendCode', verifyService: fromList(), to: SAMPLE_RECIPIENT, options: { maxConcurrency: 1 } },
			[...Array(6)].map(() => ({})),
			{ continueOnFail: true },
		);
		const out = r.outputs(r.nodeName);
		expect(new Set(out.slice(0, 5).map((o) => o.json.sid)).size).toBe(1);
		expect(out.slice(0, 5).map((o) => o.json.sendCodeAttempts)).toEqual([1, 2, 3, 4, 5]);
		expect(out[5].json).toMatchObject({ errorCode: 60203, error: `Too many codes sent to ${SAMPLE_RECIPIENT} (Twilio error 60203: Max send attempts reached)` });
		expect(out[5].json.errorDescription).toMatch(/5 times within 10 minutes/);
		expect(requestsTo('twilio.verify.verifications.create')).toHaveLength(6);
	});

	it('a check with nothing pending says so, and without continueOnFail stops the workflow', async () => {
		const r = await verify({ operation: 'checkCode', verifyService: fromList(), to: SECOND, code: '123456' });
		expect(r.error).toMatchObject({ message: `No pending verification for ${SECOND} (Twilio error 20404: The requested resource /v2/Services/${VERIFY_SERVICE.sid}/VerificationCheck was not found)` });
		expect(r.nodeError(r.nodeName)?.description).toMatch(/10 minutes.*Send Code/);
	});

	it('bad items fail alone under continueOnFail, before any request, with the field, value and item', async () => {
		const items = [
			{ to: SAMPLE_RECIPIENT, service: VERIFY_SERVICE.sid, code: '123456' },
			{ to: SAMPLE_RECIPIENT, service: VERIFY_SERVICE.sid, code: '12ab56' },
			{ to: SAMPLE_RECIPIENT, service: VERIFY_SERVICE.sid, code: '123' },
			{ to: SAMPLE_RECIPIENT, service: 'MG5a4db0c5360000000000000000000001', code: '123456' },
			{ to: SAMPLE_RECIPIENT, service: 'VA123', code: '123456' },
			{ to: '5555550123', service: VERIFY_SERVICE.sid, code: '123456' },
			{ to: SECOND, service: VERIFY_SERVICE.sid, code: '12345678901' },
		];
		await send(SAMPLE_RECIPIENT);
		const r = await verify(
			{ operation: 'checkCode', verifyService: bySid('={{ $json.service }}'), to: '={{ $json.to }}', code: '={{ $json.code }}' },
			items,
			{ continueOnFail: true },
		);
		const out = r.outputs(r.nodeName);
		expect(out).toHaveLength(items.length);
		expect(out[0].json).toMatchObject({ status: 'pending', valid: false });
		expect(out.slice(1).map((o) => o.json.error)).toEqual([
			'Invalid Code "12ab56" in item 1: contains characters other than digits',
			'Invalid Code "123" in item 2: has 3 digits; verification codes have 4 to 10',
			'Invalid Verify Service "MG5a4db0c5360000000000000000000001" in item 3: is a Messaging Service SID (MG…), not a Verify Service SID (VA…)',
			'Invalid Verify Service "VA123" in item 4: not a Verify Service SID (VA followed by 32 hexadecimal characters)',
			'Invalid To "5555550123" in item 5: not a phone number in E.164 format (the leading + and country code are missing)',
			'Invalid Code "12345678901" in item 6: has 11 digits; verification codes have 4 to 10',
		]);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(requestsTo('twilio.verify.verification_checks.create')).toHaveLength(1);
	});

	it('Send Code validates To against the channel: email needs an address, SMS a number; a landline gets a clear 60205', async () => {
		const items = [
			{ channel: 'email', to: 'ada@example.com' },
			{ channel: 'email', to: SAMPLE_RECIPIENT },
			{ channel: 'sms', to: 'ada@example.com' },
			{ channel: 'whatsapp', to: 'whatsapp:+15555550125' },
			{ channel: 'sms', to: MAGIC_TO.notMobile },
			{ channel: 'call', to: MAGIC_TO.notMobile },
		];
		const r = await verify({ operation: 'sendCode', verifyService: fromList(), channel: '={{ $json.channel }}', to: '={{ $json.to }}' }, items, { continueOnFail: true });
		const out = r.outputs(r.nodeName);
		expect(out.map((o) => o.json.error ?? `${o.json.channel} ${o.json.to} ${o.json.status}`)).toEqual([
			'email ada@example.com pending',
			`Invalid To "${SAMPLE_RECIPIENT}" in item 1: not an email address, which the email channel needs`,
			'Invalid To "ada@example.com" in item 2: is an email address, but the sms channel needs a phone number',
			'whatsapp +15555550125 pending',
			'Twilio error 60205: SMS is not supported by landline phone number',
			`call ${MAGIC_TO.notMobile} pending`,
		]);
		expect(out[4].json.errorDescription).toMatch(/landline.*call channel/);
		expect(requestsTo('twilio.verify.verifications.create')).toHaveLength(4);
	});

	it("uses the credential's Default Verify Service SID when the locator is empty, and says when there is none", async () => {
		const credential = { verifyServiceSid: VERIFY_SERVICE_SHORT.sid };
		const sent = await verify({ operation: 'sendCode', to: SAMPLE_RECIPIENT }, [{}], { credential });
		expect(sent.outputs(sent.nodeName)[0].json).toMatchObject({ status: 'pending', serviceSid: VERIFY_SERVICE_SHORT.sid });
		const code = sandbox.verifyCode(SAMPLE_RECIPIENT)!;
		expect(code).toMatch(/^\d{4}$/);
		const checked = await verify({ operation: 'checkCode', verifyService: fromList(''), to: SAMPLE_RECIPIENT, code }, [{}], { credential });
		expect(checked.outputs(checked.nodeName)[0].json).toMatchObject({ status: 'approved', valid: true, serviceSid: VERIFY_SERVICE_SHORT.sid });

		// The node's own choice wins over the credential's default.
		const chosen = await verify({ operation: 'sendCode', verifyService: fromList(VERIFY_SERVICE.sid), to: SECOND }, [{}], { credential });
		expect(chosen.outputs(chosen.nodeName)[0].json.serviceSid).toBe(VERIFY_SERVICE.sid);

		const none = await verify({ operation: 'sendCode', to: SAMPLE_RECIPIENT });
		expect(none.error?.message).toBe(
			'Missing Verify Service in item 0: no Verify Service is selected and the Twilio credential has no Default Verify Service SID',
		);
		expect((none.error as { description?: string }).description).toMatch(/Default Verify Service SID in the Twilio credential/);
	});
});
