/**
 * The trigger's activation against Messaging Services, through its real hooks and the twilio SDK,
 * with every request it sends (and every sandbox answer) checked against Twilio's Messaging v1 and
 * 2010 specs. Also the sandbox's own service update and PhoneNumbers answers, for the same check.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, MESSAGING_SERVICE_CAMPAIGN, NUMBER_CAMPAIGN, NUMBER_SUPPORT } from '../../sandbox/fixtures';
import { checkExists, create, remove } from '../../nodes/TwilioCommsTrigger/hooks';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
import { sdk } from '../sandbox/helpers';

let sandbox: Sandbox;
let specs: Record<string, OpenApiSpec>;
const URL_ = 'http://127.0.0.1:5678/webhook/abc/webhook';

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
	specs = { api: loadSpec('twilio_api_v2010.json'), messaging: loadSpec('twilio_messaging_v1.json') };
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const checkRecorded = () => checkRecordedRequests(sandbox, (path) => (path.startsWith('/v1/') ? specs.messaging : specs.api));

function hooks(params: Record<string, unknown>, staticData: IDataObject = {}): IHookFunctions {
	const all: Record<string, unknown> = { events: ['incomingSms'], setupMode: 'automatic', options: {}, ...params };
	return {
		getNode: () => ({ name: 'Twilio Trigger' }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in all ? all[name] : fallback),
		getNodeWebhookUrl: () => URL_,
		getWorkflowStaticData: () => staticData,
		getCredentials: async () => ({ authType: 'authToken', accountSid: FULL_ACCOUNT.sid, authToken: FULL_ACCOUNT.authToken, useCustomBaseUrl: true, baseUrl: sandbox.url }),
	} as unknown as IHookFunctions;
}

const campaign = () => sandbox.state.messagingServices.get(MESSAGING_SERVICE_CAMPAIGN.sid)!;

describe('Twilio Trigger activation with Messaging Services', () => {
	it("refuses a number whose service owns inbound, naming the service and what to change; nothing changes", async () => {
		const ctx = hooks({ phoneNumber: NUMBER_CAMPAIGN.phoneNumber });
		await expect(create.call(ctx)).rejects.toThrow(`${NUMBER_CAMPAIGN.phoneNumber} is in the Messaging Service "${MESSAGING_SERVICE_CAMPAIGN.friendlyName}" (${MESSAGING_SERVICE_CAMPAIGN.sid}), and Twilio drops them`);
		await expect(checkExists.call(ctx)).rejects.toThrow('Defer to sender');
		expect(campaign()).toMatchObject({ inboundRequestUrl: null, useInboundWebhookOnNumber: false });
		expect(sandbox.state.numbers.get(NUMBER_CAMPAIGN.sid)?.smsUrl).toBe('');
		expect(checkRecorded()).toBeGreaterThanOrEqual(4);
	});

	it("opted in, takes over the service's inbound URL and restores it; a number outside services still gets its SmsUrl", async () => {
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid).update({ inboundRequestUrl: 'https://crm.example.com/in', inboundMethod: 'GET' });
		const data: IDataObject = {};
		const ctx = hooks({ phoneNumber: NUMBER_CAMPAIGN.phoneNumber, numberInService: 'useServiceUrl' }, data);
		expect(await checkExists.call(ctx)).toBe(false);
		await create.call(ctx);
		expect(campaign()).toMatchObject({ inboundRequestUrl: URL_, inboundMethod: 'POST' });
		expect(await checkExists.call(ctx)).toBe(true);
		await remove.call(ctx);
		expect(campaign()).toMatchObject({ inboundRequestUrl: 'https://crm.example.com/in', inboundMethod: 'GET' });
		await create.call(hooks({ phoneNumber: NUMBER_SUPPORT.phoneNumber }, {}));
		expect(sandbox.state.numbers.get(NUMBER_SUPPORT.sid)?.smsUrl).toBe(URL_);
		expect(checkRecorded()).toBeGreaterThanOrEqual(10);
	});

	it('a service source sets inbound URL, status callback and the flag, a call number its VoiceUrl, and restores all', async () => {
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid).update({ useInboundWebhookOnNumber: true });
		const data: IDataObject = {};
		const ctx = hooks(
			{
				events: ['incomingSms', 'incomingCall', 'messageStatus'],
				source: 'messagingService',
				messagingService: MESSAGING_SERVICE_CAMPAIGN.sid,
				phoneNumber: NUMBER_SUPPORT.phoneNumber,
			},
			data,
		);
		await create.call(ctx);
		expect(campaign()).toMatchObject({ inboundRequestUrl: URL_, statusCallback: URL_, useInboundWebhookOnNumber: false });
		expect(sandbox.state.numbers.get(NUMBER_SUPPORT.sid)).toMatchObject({ voiceUrl: URL_, smsUrl: '' });
		expect(await checkExists.call(ctx)).toBe(true);
		await remove.call(ctx);
		expect(campaign()).toMatchObject({ inboundRequestUrl: null, inboundMethod: 'POST', statusCallback: null, useInboundWebhookOnNumber: true });
		expect(sandbox.state.numbers.get(NUMBER_SUPPORT.sid)?.voiceUrl).toBe('');
		expect(data).toEqual({});
		expect(checkRecorded()).toBeGreaterThanOrEqual(6);
	});

	it.each([
		['calls without a number', { events: ['incomingCall'], phoneNumber: '' }, 'Incoming calls need a phone number'],
		['no service chosen', { messagingService: '' }, 'Choose the Messaging Service'],
		['a malformed service SID', { messagingService: 'MG123' }, '"MG123" is not a Messaging Service SID'],
		['an unknown service', { messagingService: 'MG' + 'f'.repeat(32) }, 'is not on this Twilio account'],
	])('a service source fails clearly for %s', async (_name, params, message) => {
		await expect(create.call(hooks({ source: 'messagingService', messagingService: MESSAGING_SERVICE_CAMPAIGN.sid, ...params }))).rejects.toThrow(message);
		expect(campaign().inboundRequestUrl).toBeNull();
	});
});

describe("the sandbox's Messaging Service answers match the spec", () => {
	it('update, and PhoneNumbers add, fetch, list and remove', async () => {
		const service = sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid);
		await service.update({ inboundRequestUrl: 'https://example.com/in', inboundMethod: 'POST', fallbackUrl: 'https://example.com/fb', useInboundWebhookOnNumber: true, statusCallback: '' });
		await service.phoneNumbers.create({ phoneNumberSid: NUMBER_SUPPORT.sid });
		await service.phoneNumbers(NUMBER_SUPPORT.sid).fetch();
		await service.phoneNumbers.list();
		await service.phoneNumbers(NUMBER_SUPPORT.sid).remove();
		expect(checkRecorded()).toBe(5);
	});
});
