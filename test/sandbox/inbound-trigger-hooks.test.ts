/**
 * The trigger's webhookMethods (checkExists/create/delete) with a mocked IHookFunctions against the
 * sandbox's IncomingPhoneNumbers API, and the activation errors that must leave the number alone.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { API_KEY, FULL_ACCOUNT, NUMBER_SUPPORT } from '../../sandbox/fixtures';
import { checkExists, create, remove } from '../../nodes/TwilioCommsTrigger/hooks';
import { sdk } from './helpers';

let sandbox: Sandbox;
const URL_ = 'http://127.0.0.1:5678/webhook/abc/webhook';

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

function hooks(params: Record<string, unknown>, credentials: Record<string, unknown> = {}, staticData: IDataObject = {}): IHookFunctions {
	const all: Record<string, unknown> = { events: ['incomingSms', 'incomingCall'], setupMode: 'automatic', phoneNumber: NUMBER_SUPPORT.phoneNumber, options: {}, ...params };
	return {
		getNode: () => ({ name: 'Twilio Trigger' }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in all ? all[name] : fallback),
		getNodeWebhookUrl: () => URL_,
		getWorkflowStaticData: () => staticData,
		getCredentials: async () => ({
			authType: 'authToken',
			accountSid: FULL_ACCOUNT.sid,
			authToken: FULL_ACCOUNT.authToken,
			useCustomBaseUrl: true,
			baseUrl: sandbox.url,
			...credentials,
		}),
	} as unknown as IHookFunctions;
}

const numberNow = () => sandbox.state.numbers.get(NUMBER_SUPPORT.sid)!;

describe('Twilio Trigger webhookMethods against the sandbox', () => {
	it('create sets SmsUrl and VoiceUrl, checkExists sees them, delete restores the old values', async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({ smsUrl: 'https://old.example.com/sms', smsMethod: 'GET' });
		const staticData: IDataObject = {};
		const ctx = hooks({}, {}, staticData);
		expect(await checkExists.call(ctx)).toBe(false);
		expect(await create.call(ctx)).toBe(true);
		expect(numberNow()).toMatchObject({ smsUrl: URL_, smsMethod: 'POST', voiceUrl: URL_, voiceMethod: 'POST' });
		expect(await checkExists.call(ctx)).toBe(true);
		expect(await remove.call(ctx)).toBe(true);
		expect(numberNow()).toMatchObject({ smsUrl: 'https://old.example.com/sms', smsMethod: 'GET', voiceUrl: '' });
		expect(staticData).toEqual({});
	});

	it('manual set-up and status-only triggers leave the number alone', async () => {
		expect(await checkExists.call(hooks({ setupMode: 'manual' }))).toBe(true);
		expect(await checkExists.call(hooks({ events: ['messageStatus'] }))).toBe(true);
		expect(numberNow().smsUrl).toBe('');
	});

	it.each([
		['a number not on the account', { phoneNumber: '+15555559999' }, {}, 'The number +15555559999 is not on this Twilio account'],
		['an API-key credential without the webhook Auth Token', {}, { authType: 'apiKey', apiKeySid: API_KEY.sid, apiKeySecret: API_KEY.secret }, 'no Auth Token for webhook signatures'],
		['a Public URL that is not https', { options: { publicUrl: 'http://proxy.example.com' } }, {}, 'must use https'],
		['a localhost URL with real Twilio', {}, { useCustomBaseUrl: false }, 'Twilio cannot reach'],
	])('fails activation clearly for %s, leaving the number as it was', async (_name, params, credentials, message) => {
		const ctx = hooks(params, credentials);
		await expect(checkExists.call(ctx)).rejects.toThrow(message);
		await expect(create.call(ctx)).rejects.toThrow(message);
		expect(numberNow()).toMatchObject({ smsUrl: '', voiceUrl: '' });
	});

	it('an API-key credential with the webhook Auth Token activates', async () => {
		const ctx = hooks({}, { authType: 'apiKey', apiKeySid: API_KEY.sid, apiKeySecret: API_KEY.secret, webhookAuthToken: FULL_ACCOUNT.authToken });
		expect(await create.call(ctx)).toBe(true);
		expect(numberNow().smsUrl).toBe(URL_);
	});
});
