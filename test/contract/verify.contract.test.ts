/**
 * Every Verify request the Verify Phone node and its list search send, and every success the
 * sandbox answers, checked against Twilio's official Verify v2 OpenAPI spec. Unknown form keys are
 * errors: Twilio ignores them, which would hide a misspelt parameter.
 */
import type { ICredentialDataDecryptedObject, ILoadOptionsFunctions, INode } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { MAGIC_TO, SAMPLE_RECIPIENT, VERIFY_SERVICE, VERIFY_SERVICE_SHORT } from '../../sandbox/fixtures';
import { searchVerifyServices } from '../../nodes/shared/twilio/listSearch';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
import { runNode, twilioCredential } from '../support/twilioWorkflows';
import { sdk } from '../sandbox/helpers';

let sandbox: Sandbox;
let spec: OpenApiSpec;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 10 });
	spec = loadSpec('twilio_verify_v2.json');
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const checkRecorded = () => checkRecordedRequests(sandbox, () => spec);
const service = { __rl: true, mode: 'list', value: VERIFY_SERVICE.sid };

const verify = (parameters: Record<string, unknown>, items: Record<string, unknown>[] = [{}]) =>
	runNode({ type: 'CUSTOM.verifyPhone', parameters: { verifyService: service, ...parameters } as never, items: items as never, baseUrl: sandbox.url, continueOnFail: true });

describe('Send Code requests match the Verify v2 spec', () => {
	it.each([
		['SMS', { channel: 'sms', to: SAMPLE_RECIPIENT }],
		['SMS with every option', { channel: 'sms', to: SAMPLE_RECIPIENT, options: { locale: 'pt-BR', customFriendlyName: 'Acme Shop', maxConcurrency: 5 } }],
		['call', { channel: 'call', to: SAMPLE_RECIPIENT }],
		['email', { channel: 'email', to: 'ada@example.com' }],
		['WhatsApp', { channel: 'whatsapp', to: 'whatsapp:+15555550123' }],
	])('%s', async (_name, parameters) => {
		const r = await verify({ operation: 'sendCode', ...parameters });
		expect(r.outputs(r.nodeName)[0].json.error).toBeUndefined();
		expect(checkRecorded()).toBe(1);
	});

	it('rejected sends are still well-formed requests', async () => {
		const r = await verify({ operation: 'sendCode', to: '={{ $json.to }}' }, [{ to: MAGIC_TO.notMobile }, { to: MAGIC_TO.invalid }]);
		expect(r.outputs(r.nodeName).map((o) => o.json.errorCode)).toEqual([60205, 60200]);
		expect(checkRecorded()).toBe(2);
	});
});

describe('Check Code requests match the Verify v2 spec', () => {
	it('by To and by Verification SID, wrong and right codes, and a check with nothing pending', async () => {
		const sent = await verify({ operation: 'sendCode', to: SAMPLE_RECIPIENT });
		const sid = String(sent.outputs(sent.nodeName)[0].json.sid);
		const code = sandbox.verifyCode(SAMPLE_RECIPIENT)!;
		const wrong = code === '000000' ? '111111' : '000000';
		const byTo = await verify({ operation: 'checkCode', checkBy: 'to', to: SAMPLE_RECIPIENT, code: wrong });
		expect(byTo.outputs(byTo.nodeName)[0].json).toMatchObject({ valid: false, status: 'pending' });
		const bySid = await verify({ operation: 'checkCode', checkBy: 'verificationSid', verificationSid: sid, code });
		expect(bySid.outputs(bySid.nodeName)[0].json).toMatchObject({ valid: true, status: 'approved' });
		const nothing = await verify({ operation: 'checkCode', to: SAMPLE_RECIPIENT, code });
		expect(nothing.outputs(nothing.nodeName)[0].json.errorCode).toBe(20404);
		expect(checkRecorded()).toBe(4);
	});
});

describe('the rest of the sandbox Verify API answers in the spec shape', () => {
	const node: INode = { id: 'n', name: 'Verify Phone', type: 'CUSTOM.verifyPhone', typeVersion: 1, position: [0, 0], parameters: {} };
	const loadOptions = (data: ICredentialDataDecryptedObject) =>
		({ getNode: () => node, getCredentials: async () => data }) as unknown as ILoadOptionsFunctions;

	it('the list search lists and filters Verify Services', async () => {
		const ctx = loadOptions(twilioCredential(sandbox.url).data);
		const all = await searchVerifyServices.call(ctx);
		expect(all.results).toEqual([
			expect.objectContaining({ name: `Sandbox Verify (${VERIFY_SERVICE.sid})`, value: VERIFY_SERVICE.sid }),
			expect.objectContaining({ name: `Sandbox Verify Short Codes (${VERIFY_SERVICE_SHORT.sid})`, value: VERIFY_SERVICE_SHORT.sid }),
		]);
		expect(all.paginationToken).toBeUndefined();
		const filtered = await searchVerifyServices.call(ctx, 'short');
		expect(filtered.results.map((r) => r.value)).toEqual([VERIFY_SERVICE_SHORT.sid]);
		expect(checkRecorded()).toBe(2);
	});

	it('services paged one by one, fetch, verification fetch and cancel', async () => {
		const client = sdk(sandbox);
		client.verify.baseUrl = sandbox.url;
		const page = await client.verify.v2.services.page({ pageSize: 1 });
		expect(page.instances).toHaveLength(1);
		const next = await page.nextPage();
		expect(next?.instances.map((s) => s.sid)).toEqual([VERIFY_SERVICE_SHORT.sid]);
		await client.verify.v2.services(VERIFY_SERVICE.sid).fetch();
		const v = await client.verify.v2.services(VERIFY_SERVICE.sid).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		await client.verify.v2.services(VERIFY_SERVICE.sid).verifications(v.sid).fetch();
		await client.verify.v2.services(VERIFY_SERVICE.sid).verifications(v.sid).update({ status: 'canceled' });
		expect(checkRecorded()).toBe(6);
	});
});
