/**
 * Automatic webhook set-up against an in-memory number: create records and replaces, delete
 * restores exactly, and the test/production interplay leaves production as it was.
 */
import type { IDataObject } from 'n8n-workflow';
import { createWebhook, deleteWebhook, webhookExists, type NumberConfig, type NumbersApi } from '../../nodes/TwilioCommsTrigger/setup';
import { publicWebhookUrl } from '../../nodes/TwilioCommsTrigger/hooks';

const SID = 'PN' + 'a'.repeat(32);
const PROD = 'https://n8n.example.com/webhook/id/webhook';
const TEST = 'https://n8n.example.com/webhook-test/id/webhook';

function fakeApi(initial: Partial<NumberConfig> = {}) {
	const number: NumberConfig = { sid: SID, phoneNumber: '+15555550100', smsUrl: 'https://old.example.com/sms', smsMethod: 'GET', voiceUrl: '', voiceMethod: 'POST', ...initial };
	const updates: unknown[] = [];
	const api: NumbersApi = {
		find: async (v) => (v === number.phoneNumber || v === number.sid ? { ...number } : undefined),
		fetch: async () => ({ ...number }),
		update: async (_sid, patch) => {
			updates.push(patch);
			Object.assign(number, patch);
			return { ...number };
		},
		// A number in no Messaging Service: its own webhooks decide (trigger.services.test.ts covers services).
		serviceOf: async () => undefined,
		fetchService: async () => undefined,
		updateService: async () => {
			throw new Error('no service here');
		},
	};
	return { api, number, updates };
}

describe('Twilio Trigger automatic set-up', () => {
	it('sets SmsUrl and VoiceUrl with POST, and restores the exact previous values', async () => {
		const { api, number } = fakeApi();
		const data: IDataObject = {};
		const wanted = { number: '+15555550100', url: PROD, sms: true, voice: true };
		expect(await webhookExists(api, data, wanted)).toBe(false);
		await createWebhook(api, data, wanted);
		expect(number).toMatchObject({ smsUrl: PROD, smsMethod: 'POST', voiceUrl: PROD, voiceMethod: 'POST' });
		expect(await webhookExists(api, data, wanted)).toBe(true);
		// n8n may call create twice (one per registered method): the old values must survive.
		await createWebhook(api, data, wanted);
		await deleteWebhook(api, data);
		expect(number).toMatchObject({ smsUrl: 'https://old.example.com/sms', smsMethod: 'GET', voiceUrl: '', voiceMethod: 'POST' });
		expect(data.setup).toBeUndefined();
		expect(await deleteWebhook(api, data)).toBe(true);
	});

	it('touches only the URL of the chosen events', async () => {
		const { api, number, updates } = fakeApi({ voiceUrl: 'https://ivr.example.com' });
		const data: IDataObject = {};
		await createWebhook(api, data, { number: SID, url: PROD, sms: true, voice: false });
		expect(updates).toEqual([{ smsUrl: PROD, smsMethod: 'POST' }]);
		expect(number.voiceUrl).toBe('https://ivr.example.com');
	});

	it('a test listen while production is live puts production back afterwards', async () => {
		const { api, number } = fakeApi();
		const prodData: IDataObject = {};
		await createWebhook(api, prodData, { number: SID, url: PROD, sms: true, voice: false });
		// n8n gives a test run its own copy of static data.
		const testData: IDataObject = JSON.parse(JSON.stringify(prodData));
		await createWebhook(api, testData, { number: SID, url: TEST, sms: true, voice: false });
		expect(number.smsUrl).toBe(TEST);
		await deleteWebhook(api, testData);
		expect(number.smsUrl).toBe(PROD);
		await deleteWebhook(api, prodData);
		expect(number.smsUrl).toBe('https://old.example.com/sms');
	});

	it("leaves a URL someone changed since activation alone", async () => {
		const { api, number } = fakeApi();
		const data: IDataObject = {};
		await createWebhook(api, data, { number: SID, url: PROD, sms: true, voice: false });
		number.smsUrl = 'https://someone-else.example.com';
		await deleteWebhook(api, data);
		expect(number.smsUrl).toBe('https://someone-else.example.com');
	});

	it('re-creates when the URL matches but the record is gone (nothing to restore otherwise)', async () => {
		const { api } = fakeApi({ smsUrl: PROD });
		expect(await webhookExists(api, {}, { number: SID, url: PROD, sms: true, voice: false })).toBe(false);
	});

	it('fails clearly for a number that is not on the account', async () => {
		const { api } = fakeApi();
		await expect(createWebhook(api, {}, { number: '+15555559999', url: PROD, sms: true, voice: false })).rejects.toThrow('The number +15555559999 is not on this Twilio account');
	});

	describe('the URL given to Twilio', () => {
		it("is n8n's own URL by default, and the Public URL's origin when set", () => {
			expect(publicWebhookUrl(PROD, undefined, true)).toBe(PROD);
			expect(publicWebhookUrl('http://localhost:5678/webhook/id/webhook', 'https://abc.ngrok.app', true)).toBe('https://abc.ngrok.app/webhook/id/webhook');
			expect(publicWebhookUrl(PROD, 'https://proxy.example.com/twilio/in', true)).toBe('https://proxy.example.com/twilio/in');
		});
		it('refuses a Public URL that is not https, and a loopback URL with real Twilio', () => {
			expect(() => publicWebhookUrl(PROD, 'http://proxy.example.com', true)).toThrow(/must use https/);
			expect(() => publicWebhookUrl('http://localhost:5678/webhook/id/webhook', undefined, true)).toThrow(/Twilio cannot reach/);
			// The local sandbox is on this machine: loopback is fine there.
			expect(publicWebhookUrl('http://127.0.0.1:5678/webhook/id/webhook', undefined, false)).toBe('http://127.0.0.1:5678/webhook/id/webhook');
		});
	});
});
