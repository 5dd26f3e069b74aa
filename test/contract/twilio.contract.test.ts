/**
 * Every request our Twilio code sends, and every success the sandbox answers, checked against
 * Twilio's official OpenAPI specs (../shared/specs). Unknown form keys count as errors: Twilio
 * silently ignores them, which would hide a misspelt parameter.
 */
import type { ICredentialDataDecryptedObject, ILoadOptionsFunctions, INode } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { API_KEY, MESSAGING_SERVICE, MESSAGING_SERVICE_CAMPAIGN, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { searchMessagingServices, searchPhoneNumbers } from '../../nodes/shared/twilio/listSearch';
import { twilioApiTest } from '../../nodes/shared/twilio/credentialTest';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
import { runNode, twilioCredential } from '../support/twilioWorkflows';

let sandbox: Sandbox;
let specs: Record<string, OpenApiSpec>;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
	specs = {
		api: loadSpec('twilio_api_v2010.json'),
		messaging: loadSpec('twilio_messaging_v1.json'),
	};
});
afterAll(async () => {
	await sandbox.close();
});

function specFor(path: string): OpenApiSpec {
	return path.startsWith('/v1/') ? specs.messaging : specs.api;
}

const checkRecorded = () => checkRecordedRequests(sandbox, specFor);

const sendSms = (parameters: Record<string, unknown>, items: Record<string, unknown>[] = [{}]) =>
	runNode({ type: 'CUSTOM.sendSms', parameters: parameters as never, items: items as never, baseUrl: sandbox.url, continueOnFail: true });

describe('Send SMS requests match the Twilio 2010 spec', () => {
	beforeEach(() => sandbox.reset());

	it.each([
		['plain SMS', { to: SAMPLE_RECIPIENT, body: 'Hello' }],
		['from a listed number', { to: SAMPLE_RECIPIENT, from: { __rl: true, mode: 'list', value: NUMBER_SUPPORT.phoneNumber }, body: 'Hi' }],
		['MMS with two media URLs', { to: SAMPLE_RECIPIENT, body: 'Pics', options: { mediaUrls: 'https://example.com/1.png\nhttps://example.com/2.png' } }],
		['WhatsApp', { channel: 'whatsapp', to: SAMPLE_RECIPIENT, body: 'WA' }],
		[
			'every option',
			{
				to: SAMPLE_RECIPIENT,
				sender: 'messagingService',
				messagingService: { __rl: true, mode: 'id', value: MESSAGING_SERVICE.sid },
				body: 'Later https://example.com',
				options: {
					statusCallback: 'https://example.com/status',
					validityPeriod: 600,
					sendAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
					shortenUrls: true,
					maxConcurrency: 2,
				},
			},
		],
		[
			'content template',
			{ channel: 'whatsapp', to: SAMPLE_RECIPIENT, body: '', options: { contentSid: 'HX0123456789abcdef0123456789abcdef', contentVariables: '{"1":"Ada"}' } },
		],
	])('%s', async (_name, parameters) => {
		const r = await sendSms(parameters);
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName)[0].json.error).toBeUndefined();
		expect(checkRecorded()).toBeGreaterThanOrEqual(1);
	});

	it('rejected requests are still well-formed (magic numbers)', async () => {
		const r = await sendSms({ to: '={{ $json.to }}', body: 'x' }, [{ to: '+15005550001' }, { to: '+15005550004' }, { to: '+15005550009' }]);
		expect(r.outputs(r.nodeName).map((o) => o.json.errorCode)).toEqual([21211, 21610, 21614]);
		expect(checkRecorded()).toBe(3);
	});
});

describe('list search and credential test requests match the specs', () => {
	beforeEach(() => sandbox.reset());

	const node: INode = { id: 'n', name: 'Send SMS', type: 'CUSTOM.sendSms', typeVersion: 1, position: [0, 0], parameters: {} };
	/** The two members a list search reads; n8n's LoadOptionsContext provides the same. */
	const loadOptions = (data: ICredentialDataDecryptedObject) =>
		({ getNode: () => node, getCredentials: async () => data }) as unknown as ILoadOptionsFunctions;

	it('lists numbers and Messaging Services, filtered', async () => {
		const ctx = loadOptions(twilioCredential(sandbox.url).data);
		const numbers = await searchPhoneNumbers.call(ctx);
		expect(numbers.results.map((r) => r.value)).toContain(NUMBER_SUPPORT.phoneNumber);
		const filtered = await searchPhoneNumbers.call(ctx, 'support');
		expect(filtered.results).toEqual([expect.objectContaining({ value: NUMBER_SUPPORT.phoneNumber, name: `${NUMBER_SUPPORT.phoneNumber} (${NUMBER_SUPPORT.friendlyName})` })]);
		const services = await searchMessagingServices.call(ctx);
		expect(services.results.map((r) => r.value)).toEqual([MESSAGING_SERVICE.sid, MESSAGING_SERVICE_CAMPAIGN.sid]);
		expect(checkRecorded()).toBe(3);
	});

	it('the credential test reports the account type, and passes for a Standard API key', async () => {
		const test = (data: ICredentialDataDecryptedObject) => twilioApiTest.call({} as never, { id: 'c', name: 'c', type: 'twilioCommsApi', data });
		const full = await test(twilioCredential(sandbox.url).data);
		expect(full).toEqual({ status: 'OK', message: expect.stringMatching(/^Connected to Full account "/) });
		const key = await test(twilioCredential(sandbox.url, { authType: 'apiKey', apiKeySid: API_KEY.sid, apiKeySecret: API_KEY.secret }).data);
		expect(key).toEqual({ status: 'OK', message: expect.stringMatching(/Standard API key/) });
		const wrong = await test(twilioCredential(sandbox.url, { authToken: 'e'.repeat(32) }).data);
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/20003/);
		expect(wrong.message).not.toContain('e'.repeat(32));
		expect(checkRecorded()).toBe(4);
	});
});
