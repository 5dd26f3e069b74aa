/**
 * Automatic set-up when Messaging Services decide who receives a number's inbound messages, against
 * in-memory numbers and services that follow Twilio's documented routing. What matters: activation
 * never ends in a dead end, a service is changed only when the user chose it, and deactivation puts
 * back exactly what was there (URL, method and the defer-to-number flag).
 */
import type { IDataObject } from 'n8n-workflow';
import { createWebhook, deleteWebhook, webhookExists, type NumberConfig, type NumbersApi, type ServiceConfig } from '../../nodes/TwilioCommsTrigger/setup';

const PN = 'PN' + 'a'.repeat(32);
const MG = 'MG' + 'b'.repeat(32);
const PROD = 'https://n8n.example.com/webhook/id/webhook';
const TEST = 'https://n8n.example.com/webhook-test/id/webhook';
const OLD_INBOUND = 'https://crm.example.com/inbound';

interface World {
	number: NumberConfig;
	service: ServiceConfig;
	/** Whether the number is in the service's sender pool. */
	inPool: boolean;
	serviceUpdates: unknown[];
	numberUpdates: unknown[];
	failNumberUpdate: boolean;
}

function world(service: Partial<ServiceConfig> = {}, inPool = true) {
	const w: World = {
		number: { sid: PN, phoneNumber: '+15555550103', smsUrl: 'https://old.example.com/sms', smsMethod: 'GET', voiceUrl: '', voiceMethod: 'POST' },
		service: { sid: MG, friendlyName: 'A2P Campaign', inboundRequestUrl: OLD_INBOUND, inboundMethod: 'GET', useInboundWebhookOnNumber: false, statusCallback: null, ...service },
		inPool,
		serviceUpdates: [],
		numberUpdates: [],
		failNumberUpdate: false,
	};
	const api: NumbersApi = {
		find: async (v) => (v === w.number.phoneNumber || v === w.number.sid ? { ...w.number } : undefined),
		fetch: async () => ({ ...w.number }),
		update: async (_sid, patch) => {
			if (w.failNumberUpdate) throw Object.assign(new Error('boom'), { status: 500 });
			w.numberUpdates.push(patch);
			Object.assign(w.number, patch);
			return { ...w.number };
		},
		serviceOf: async (sid) => (w.inPool && sid === w.number.sid ? { ...w.service } : undefined),
		fetchService: async (sid) => (sid === w.service.sid ? { ...w.service } : undefined),
		updateService: async (_sid, patch) => {
			w.serviceUpdates.push(patch);
			const { inboundRequestUrl, statusCallback, ...rest } = patch;
			Object.assign(w.service, rest);
			// Twilio stores an empty URL as null.
			if (inboundRequestUrl !== undefined) w.service.inboundRequestUrl = inboundRequestUrl || null;
			if (statusCallback !== undefined) w.service.statusCallback = statusCallback || null;
			return { ...w.service };
		},
	};
	return { api, w };
}

const byNumber = (extra: Record<string, unknown> = {}) => ({ number: PN, url: PROD, sms: true, voice: false, ...extra });
const byService = (extra: { inbound?: boolean; statusCallback?: boolean; number?: string; voice?: boolean } = {}) => ({
	url: PROD,
	sms: false,
	voice: extra.voice ?? false,
	number: extra.number,
	service: { sid: MG, inbound: extra.inbound ?? true, statusCallback: extra.statusCallback ?? false },
});

describe('Source = Phone Number, the number in a Messaging Service', () => {
	it('sets the SmsUrl when the service defers to the number, without touching the service', async () => {
		const { api, w } = world({ useInboundWebhookOnNumber: true });
		const data: IDataObject = {};
		await createWebhook(api, data, byNumber());
		expect(w.number.smsUrl).toBe(PROD);
		expect(w.serviceUpdates).toEqual([]);
		expect(await webhookExists(api, data, byNumber())).toBe(true);
	});

	it.each([
		['its own Inbound Request URL', OLD_INBOUND, "sends them to the service's own Inbound Request URL"],
		['no Inbound Request URL (messages dropped)', null, 'drops them: the service has no Inbound Request URL'],
	])('refuses by default when the service owns inbound with %s, and changes nothing', async (_name, inbound, why) => {
		const { api, w } = world({ inboundRequestUrl: inbound });
		const data: IDataObject = {};
		const attempt = createWebhook(api, data, byNumber());
		await expect(attempt).rejects.toThrow(`+15555550103 is in the Messaging Service "A2P Campaign" (${MG}), and Twilio ${why}`);
		await expect(createWebhook(api, data, byNumber())).rejects.toThrow(/"Use the Service's Inbound URL".*Source to "Messaging Service" and pick MG.*"Defer to sender's webhook"/);
		await expect(webhookExists(api, data, byNumber())).rejects.toThrow('A2P Campaign');
		expect(w.serviceUpdates).toEqual([]);
		expect(w.numberUpdates).toEqual([]);
		expect(data).toEqual({});
	});

	it("an inbound URL someone else set is never named in the error (it may carry a secret)", async () => {
		const { api } = world({ inboundRequestUrl: 'https://crm.example.com/in?token=s3cr3t' });
		await expect(createWebhook(api, {}, byNumber())).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }));
	});

	it('a voice-only trigger sets the VoiceUrl: services never route calls', async () => {
		const { api, w } = world();
		await createWebhook(api, {}, byNumber({ sms: false, voice: true }));
		expect(w.number).toMatchObject({ voiceUrl: PROD, smsUrl: 'https://old.example.com/sms' });
		expect(w.serviceUpdates).toEqual([]);
	});

	it("with the opt-in, takes over the service's inbound URL for SMS and the number's VoiceUrl for calls, then restores both", async () => {
		const { api, w } = world();
		const data: IDataObject = {};
		const wanted = byNumber({ voice: true, takeOverService: true });
		expect(await webhookExists(api, data, wanted)).toBe(false);
		await createWebhook(api, data, wanted);
		expect(w.service).toMatchObject({ inboundRequestUrl: PROD, inboundMethod: 'POST', useInboundWebhookOnNumber: false });
		// The number's SmsUrl is not what Twilio uses here, so it is left alone.
		expect(w.number).toMatchObject({ smsUrl: 'https://old.example.com/sms', voiceUrl: PROD });
		expect(await webhookExists(api, data, wanted)).toBe(true);
		await createWebhook(api, data, wanted);
		await deleteWebhook(api, data);
		expect(w.service).toMatchObject({ inboundRequestUrl: OLD_INBOUND, inboundMethod: 'GET', useInboundWebhookOnNumber: false });
		expect(w.number).toMatchObject({ smsUrl: 'https://old.example.com/sms', voiceUrl: '' });
		expect(data).toEqual({});
	});

	it('a number in no service keeps the old behaviour', async () => {
		const { api, w } = world({}, false);
		await createWebhook(api, {}, byNumber());
		expect(w.number.smsUrl).toBe(PROD);
		expect(w.serviceUpdates).toEqual([]);
	});
});

describe('Source = Messaging Service', () => {
	it('sets the Inbound Request URL with POST and restores URL and method exactly', async () => {
		const { api, w } = world();
		const data: IDataObject = {};
		await createWebhook(api, data, byService());
		expect(w.serviceUpdates).toEqual([{ inboundRequestUrl: PROD, inboundMethod: 'POST' }]);
		expect(w.numberUpdates).toEqual([]);
		await deleteWebhook(api, data);
		expect(w.service).toMatchObject({ inboundRequestUrl: OLD_INBOUND, inboundMethod: 'GET', useInboundWebhookOnNumber: false });
	});

	it('turns off "defer to the number" so the service URL is used, and turns it back on afterwards', async () => {
		const { api, w } = world({ useInboundWebhookOnNumber: true, inboundRequestUrl: null, inboundMethod: 'POST' });
		const data: IDataObject = {};
		await createWebhook(api, data, byService());
		expect(w.service).toMatchObject({ inboundRequestUrl: PROD, useInboundWebhookOnNumber: false });
		expect(await webhookExists(api, data, byService())).toBe(true);
		await deleteWebhook(api, data);
		expect(w.service).toMatchObject({ inboundRequestUrl: null, inboundMethod: 'POST', useInboundWebhookOnNumber: true });
	});

	it('checkExists is false when someone turned "defer to the number" back on', async () => {
		const { api, w } = world();
		const data: IDataObject = {};
		await createWebhook(api, data, byService());
		w.service.useInboundWebhookOnNumber = true;
		expect(await webhookExists(api, data, byService())).toBe(false);
	});

	it('with Message Status, also takes over and restores the service Status Callback', async () => {
		const { api, w } = world({ statusCallback: 'https://old.example.com/status' });
		const data: IDataObject = {};
		const wanted = byService({ statusCallback: true });
		await createWebhook(api, data, wanted);
		expect(w.service).toMatchObject({ inboundRequestUrl: PROD, statusCallback: PROD });
		expect(await webhookExists(api, data, wanted)).toBe(true);
		await deleteWebhook(api, data);
		expect(w.service).toMatchObject({ inboundRequestUrl: OLD_INBOUND, statusCallback: 'https://old.example.com/status' });
	});

	it('a test listen while production is live puts production back afterwards', async () => {
		const { api, w } = world();
		const prodData: IDataObject = {};
		await createWebhook(api, prodData, byService());
		const testData: IDataObject = JSON.parse(JSON.stringify(prodData));
		await createWebhook(api, testData, { ...byService(), url: TEST });
		expect(w.service.inboundRequestUrl).toBe(TEST);
		await deleteWebhook(api, testData);
		expect(w.service).toMatchObject({ inboundRequestUrl: PROD, inboundMethod: 'POST' });
		await deleteWebhook(api, prodData);
		expect(w.service).toMatchObject({ inboundRequestUrl: OLD_INBOUND, inboundMethod: 'GET' });
	});

	it('leaves an Inbound Request URL someone changed since activation alone', async () => {
		const { api, w } = world();
		const data: IDataObject = {};
		await createWebhook(api, data, byService());
		w.service.inboundRequestUrl = 'https://newer.example.com';
		await deleteWebhook(api, data);
		expect(w.service.inboundRequestUrl).toBe('https://newer.example.com');
		expect(w.serviceUpdates).toHaveLength(1);
	});

	it('calls go to the chosen number; a failed number update undoes the service change', async () => {
		const { api, w } = world();
		const data: IDataObject = {};
		w.failNumberUpdate = true;
		await expect(createWebhook(api, data, byService({ number: PN, voice: true }))).rejects.toThrow('boom');
		expect(w.service).toMatchObject({ inboundRequestUrl: OLD_INBOUND, inboundMethod: 'GET' });
		expect(data).toEqual({});
		w.failNumberUpdate = false;
		await createWebhook(api, data, byService({ number: PN, voice: true }));
		expect(w.number.voiceUrl).toBe(PROD);
		expect(w.service.inboundRequestUrl).toBe(PROD);
	});

	it('fails clearly for a service that is not on the account', async () => {
		const { api } = world();
		const wanted = { ...byService(), service: { sid: 'MG' + 'f'.repeat(32), inbound: true, statusCallback: false } };
		await expect(createWebhook(api, {}, wanted)).rejects.toThrow(`The Messaging Service MG${'f'.repeat(32)} is not on this Twilio account`);
	});

	it('restores a record written by the first release (number fields only)', async () => {
		const { api, w } = world({}, false);
		w.number.smsUrl = PROD;
		const data: IDataObject = { setup: { numberSid: PN, phoneNumber: '+15555550103', url: PROD, sms: true, voice: false, previous: { smsUrl: 'https://v1.example.com', smsMethod: 'GET', voiceUrl: '', voiceMethod: 'POST' } } };
		await deleteWebhook(api, data);
		expect(w.number).toMatchObject({ smsUrl: 'https://v1.example.com', smsMethod: 'GET' });
	});
});
