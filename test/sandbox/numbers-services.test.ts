import type { Sandbox } from '../../sandbox';
import {
	FULL_ACCOUNT,
	MESSAGING_SERVICE,
	MESSAGING_SERVICE_CAMPAIGN,
	NUMBER_ALERTS,
	NUMBER_ASSISTANT,
	NUMBER_CAMPAIGN,
	NUMBER_MAIN,
	NUMBER_SUPPORT,
	NUMBER_TRIAL,
	NUMBER_VOICE_ONLY,
	SAMPLE_RECIPIENT,
} from '../../sandbox/fixtures';
import { basic, postForm, postJson, request, sdk, twilioFailure, type Receiver, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;

useSandboxAndReceiver({ statusStepMs: 20, answer: () => ({ status: 200, contentType: 'text/xml', body: '<Response><Message>ok</Message></Response>' }) }, (s, r) => {
	sandbox = s;
	receiver = r;
});

const auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
const numberUrl = (sid: string) => `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/IncomingPhoneNumbers/${sid}.json`;

describe('IncomingPhoneNumbers', () => {
	it("lists the account's numbers with blank webhooks", async () => {
		const numbers = await sdk(sandbox).incomingPhoneNumbers.list();
		expect(numbers.map((n) => n.phoneNumber).sort()).toEqual(
			[NUMBER_MAIN, NUMBER_SUPPORT, NUMBER_ALERTS, NUMBER_VOICE_ONLY, NUMBER_CAMPAIGN, NUMBER_ASSISTANT].map((n) => n.phoneNumber).sort(),
		);
		const main = numbers.find((n) => n.sid === NUMBER_MAIN.sid)!;
		expect(main).toMatchObject({
			friendlyName: NUMBER_MAIN.friendlyName,
			smsUrl: '',
			smsMethod: 'POST',
			voiceUrl: '',
			statusCallback: '',
			capabilities: { voice: true, sms: true, mms: true, fax: false },
		});
		expect(numbers.some((n) => n.sid === NUMBER_TRIAL.sid)).toBe(false);
	});

	it('filters by PhoneNumber (also partial) and FriendlyName', async () => {
		const client = sdk(sandbox);
		expect((await client.incomingPhoneNumbers.list({ phoneNumber: '+15005550006' })).map((n) => n.sid)).toEqual([NUMBER_MAIN.sid]);
		expect(await client.incomingPhoneNumbers.list({ phoneNumber: '555555' })).toHaveLength(5);
		expect((await client.incomingPhoneNumbers.list({ friendlyName: 'Sandbox Support' })).map((n) => n.sid)).toEqual([NUMBER_SUPPORT.sid]);
	});

	it('fetches and updates webhook settings, which reset() restores', async () => {
		const client = sdk(sandbox);
		const updated = await client.incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({
			smsUrl: 'https://example.com/sms',
			smsMethod: 'get',
			smsFallbackUrl: 'https://example.com/fallback',
			voiceUrl: 'https://example.com/voice',
			voiceMethod: 'POST',
			statusCallback: 'https://example.com/status',
			friendlyName: 'Renamed',
		});
		expect(updated).toMatchObject({
			smsUrl: 'https://example.com/sms',
			smsMethod: 'GET',
			smsFallbackUrl: 'https://example.com/fallback',
			voiceUrl: 'https://example.com/voice',
			statusCallback: 'https://example.com/status',
			friendlyName: 'Renamed',
		});
		const fetched = await client.incomingPhoneNumbers(NUMBER_SUPPORT.sid).fetch();
		expect(fetched.smsUrl).toBe('https://example.com/sms');
		const cleared = await client.incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({ smsUrl: '' });
		expect(cleared.smsUrl).toBe('');
		sandbox.reset();
		expect(sandbox.state.numbers.get(NUMBER_SUPPORT.sid)?.friendlyName).toBe(NUMBER_SUPPORT.friendlyName);
	});

	it('rejects invalid URLs (21502) and methods (21403) without changing anything', async () => {
		const badUrl = await postForm(numberUrl(NUMBER_MAIN.sid), { SmsUrl: 'not a url', FriendlyName: 'x' }, auth);
		expect(badUrl.status).toBe(400);
		expect(badUrl.json.code).toBe(21502);
		const badMethod = await postForm(numberUrl(NUMBER_MAIN.sid), { SmsMethod: 'PUT' }, auth);
		expect(badMethod.json.code).toBe(21403);
		expect(sandbox.state.numbers.get(NUMBER_MAIN.sid)?.friendlyName).toBe(NUMBER_MAIN.friendlyName);
	});

	it("answers 404 for another account's number", async () => {
		const failure = await twilioFailure(sdk(sandbox).incomingPhoneNumbers(NUMBER_TRIAL.sid).fetch());
		expect(failure).toMatchObject({ status: 404, code: 20404 });
	});
});

describe('Messaging v1 Services', () => {
	it('lists services with the v1 meta block and absolute URLs', async () => {
		const res = await request(`${sandbox.url}/v1/Services?PageSize=20`, { headers: { Authorization: auth } });
		expect(res.status).toBe(200);
		expect(res.json.services).toHaveLength(2);
		expect(res.json.meta).toEqual({
			first_page_url: `${sandbox.url}/v1/Services?PageSize=20&Page=0`,
			key: 'services',
			next_page_url: null,
			page: 0,
			page_size: 20,
			previous_page_url: null,
			url: `${sandbox.url}/v1/Services?PageSize=20&Page=0`,
		});
		const s = res.json.services.find((x: { sid: string }) => x.sid === MESSAGING_SERVICE.sid);
		expect(s).toMatchObject({ sid: MESSAGING_SERVICE.sid, account_sid: FULL_ACCOUNT.sid, friendly_name: MESSAGING_SERVICE.friendlyName });
		expect(s.date_created).toBe('2024-01-02T03:04:05Z');
		expect(s.links.phone_numbers).toBe(`${sandbox.url}/v1/Services/${MESSAGING_SERVICE.sid}/PhoneNumbers`);
	});

	it('lists, fetches and reads the sender pool through the SDK', async () => {
		const client = sdk(sandbox);
		const services = await client.messaging.v1.services.list();
		expect(services.map((s) => s.sid).sort()).toEqual([MESSAGING_SERVICE.sid, MESSAGING_SERVICE_CAMPAIGN.sid].sort());
		const one = await client.messaging.v1.services(MESSAGING_SERVICE.sid).fetch();
		expect(one.friendlyName).toBe(MESSAGING_SERVICE.friendlyName);
		const pool = await client.messaging.v1.services(MESSAGING_SERVICE.sid).phoneNumbers.list();
		expect(pool.map((p) => p.phoneNumber)).toEqual([NUMBER_ALERTS.phoneNumber]);
		expect(pool[0].capabilities).toEqual(['SMS', 'MMS', 'Voice']);
	});

	it('answers 404 20404 for an unknown service', async () => {
		const failure = await twilioFailure(sdk(sandbox).messaging.v1.services('MG' + 'f'.repeat(32)).fetch());
		expect(failure).toMatchObject({ status: 404, code: 20404 });
	});
});

const servicePath = (sid: string) => `${sandbox.url}/v1/Services/${sid}`;
const inboundSms = (to: string, body = 'hello') => postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to, body });

describe('Messaging Service update', () => {
	it('sets and clears the inbound URL, method, fallback, status callback and the defer-to-number flag; reset() restores', async () => {
		const service = sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid);
		expect(await service.fetch()).toMatchObject({ inboundRequestUrl: null, useInboundWebhookOnNumber: false });
		const updated = await service.update({
			inboundRequestUrl: 'https://example.com/in',
			inboundMethod: 'get',
			fallbackUrl: 'https://example.com/fallback',
			statusCallback: 'https://example.com/status',
			useInboundWebhookOnNumber: true,
			friendlyName: 'Renamed',
		});
		expect(updated).toMatchObject({
			inboundRequestUrl: 'https://example.com/in',
			inboundMethod: 'GET',
			fallbackUrl: 'https://example.com/fallback',
			statusCallback: 'https://example.com/status',
			useInboundWebhookOnNumber: true,
			friendlyName: 'Renamed',
		});
		// An empty URL clears it to null, as the spec's nullable fields say.
		expect(await service.update({ inboundRequestUrl: '', useInboundWebhookOnNumber: false })).toMatchObject({ inboundRequestUrl: null, useInboundWebhookOnNumber: false });
		sandbox.reset();
		expect(sandbox.state.messagingServices.get(MESSAGING_SERVICE_CAMPAIGN.sid)).toMatchObject({ friendlyName: MESSAGING_SERVICE_CAMPAIGN.friendlyName, statusCallback: null });
	});

	it.each([
		[{ InboundRequestUrl: 'not a url', FriendlyName: 'x' }, 21502],
		[{ InboundMethod: 'PUT' }, 21403],
		[{ UseInboundWebhookOnNumber: 'maybe' }, 20001],
	])('rejects %j with %i and changes nothing', async (form, code) => {
		const res = await postForm(servicePath(MESSAGING_SERVICE_CAMPAIGN.sid), form, auth);
		expect(res.status).toBe(400);
		expect(res.json.code).toBe(code);
		expect(sandbox.state.messagingServices.get(MESSAGING_SERVICE_CAMPAIGN.sid)).toMatchObject({ friendlyName: MESSAGING_SERVICE_CAMPAIGN.friendlyName, inboundRequestUrl: null });
	});
});

describe('Messaging Service PhoneNumbers sub-resource', () => {
	const pool = (sid: string) => sdk(sandbox).messaging.v1.services(sid).phoneNumbers;

	it('fetches a member by its PN SID, and answers 404 for a number outside the pool', async () => {
		const member = await pool(MESSAGING_SERVICE_CAMPAIGN.sid)(NUMBER_CAMPAIGN.sid).fetch();
		expect(member).toMatchObject({ sid: NUMBER_CAMPAIGN.sid, phoneNumber: NUMBER_CAMPAIGN.phoneNumber, serviceSid: MESSAGING_SERVICE_CAMPAIGN.sid });
		expect(await twilioFailure(pool(MESSAGING_SERVICE_CAMPAIGN.sid)(NUMBER_SUPPORT.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
	});

	it('adds (201) and removes (204) a number; the number stays on the account', async () => {
		const res = await postForm(`${servicePath(MESSAGING_SERVICE_CAMPAIGN.sid)}/PhoneNumbers`, { PhoneNumberSid: NUMBER_SUPPORT.sid }, auth);
		expect(res.status).toBe(201);
		expect(res.json).toMatchObject({ sid: NUMBER_SUPPORT.sid, service_sid: MESSAGING_SERVICE_CAMPAIGN.sid });
		expect((await pool(MESSAGING_SERVICE_CAMPAIGN.sid).list()).map((p) => p.sid).sort()).toEqual([NUMBER_CAMPAIGN.sid, NUMBER_SUPPORT.sid].sort());
		expect(await pool(MESSAGING_SERVICE_CAMPAIGN.sid)(NUMBER_SUPPORT.sid).remove()).toBe(true);
		expect((await pool(MESSAGING_SERVICE_CAMPAIGN.sid).list()).map((p) => p.sid)).toEqual([NUMBER_CAMPAIGN.sid]);
		expect(sandbox.state.numbers.get(NUMBER_SUPPORT.sid)).toBeDefined();
		expect(await twilioFailure(pool(MESSAGING_SERVICE_CAMPAIGN.sid)(NUMBER_SUPPORT.sid).remove())).toMatchObject({ status: 404 });
	});

	it.each([
		['already in this service', NUMBER_CAMPAIGN.sid, 409, 80104],
		['in another service', NUMBER_ALERTS.sid, 400, 21712],
		['without SMS or MMS', NUMBER_VOICE_ONLY.sid, 400, 21715],
		["another account's", NUMBER_TRIAL.sid, 400, 21421],
		['not a PN SID', 'PN123', 400, 21421],
	])('refuses a number %s', async (_name, sid, status, code) => {
		const failure = await twilioFailure(pool(MESSAGING_SERVICE_CAMPAIGN.sid).create({ phoneNumberSid: sid }));
		expect(failure).toMatchObject({ status, code });
		expect(sandbox.state.messagingServices.get(MESSAGING_SERVICE_CAMPAIGN.sid)?.senderPool).toEqual([NUMBER_CAMPAIGN.phoneNumber]);
	});
});

describe('inbound SMS routing through Messaging Services', () => {
	it("a service that owns inbound without an Inbound Request URL drops the message: nothing delivered, nothing logged, recorded as dropped", async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_CAMPAIGN.sid).update({ smsUrl: `${receiver.url}/number` });
		const res = await inboundSms(NUMBER_CAMPAIGN.phoneNumber);
		// The admin's "arrived, but nothing was configured to receive it".
		expect(res.status).toBe(409);
		expect(res.json).toMatchObject({ url: null, status: null, dropped: true, messagingServiceSid: MESSAGING_SERVICE_CAMPAIGN.sid, replies: [] });
		expect(res.json.error).toMatch(/Inbound Request URL is empty/);
		expect(receiver.requests).toHaveLength(0);
		expect(sandbox.state.message(res.json.messageSid)).toBeUndefined();
		expect(sandbox.state.inbound.at(-1)).toMatchObject({ url: null, error: res.json.error });
	});

	it("goes to the service's Inbound Request URL with its method, not to the number's SmsUrl", async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_CAMPAIGN.sid).update({ smsUrl: `${receiver.url}/number` });
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid).update({ inboundRequestUrl: `${receiver.url}/service`, inboundMethod: 'GET' });
		const res = await inboundSms(NUMBER_CAMPAIGN.phoneNumber, 'via service');
		expect(res.json).toMatchObject({ url: `${receiver.url}/service`, method: 'GET', status: 200, dropped: false });
		expect(receiver.requests.map((r) => [r.method, new URL(r.url).pathname])).toEqual([['GET', '/service']]);
		// GET carries the parameters in the query string.
		expect(Object.fromEntries(new URL(receiver.requests[0].url).searchParams)).toMatchObject({ Body: 'via service', MessagingServiceSid: MESSAGING_SERVICE_CAMPAIGN.sid, To: NUMBER_CAMPAIGN.phoneNumber });
		expect(res.json.replies.map((r: { body: string }) => r.body)).toEqual(['ok']);
	});

	it("uses the service's fallback URL when the Inbound Request URL fails", async () => {
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid).update({ inboundRequestUrl: 'http://127.0.0.1:1/down', fallbackUrl: `${receiver.url}/fallback` });
		const res = await inboundSms(NUMBER_CAMPAIGN.phoneNumber);
		expect(res.json).toMatchObject({ url: `${receiver.url}/fallback`, status: 200 });
		expect(receiver.requests.map((r) => new URL(r.url).pathname)).toEqual(['/fallback']);
	});

	it("with use_inbound_webhook_on_number the number's own SmsUrl wins over the service's URL", async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_CAMPAIGN.sid).update({ smsUrl: `${receiver.url}/number` });
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid).update({ inboundRequestUrl: `${receiver.url}/service`, useInboundWebhookOnNumber: true });
		const res = await inboundSms(NUMBER_CAMPAIGN.phoneNumber);
		expect(res.json).toMatchObject({ url: `${receiver.url}/number`, status: 200, messagingServiceSid: MESSAGING_SERVICE_CAMPAIGN.sid });
		expect(receiver.requests.map((r) => new URL(r.url).pathname)).toEqual(['/number']);
	});

	it('a number removed from its service gets its own SmsUrl again', async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_CAMPAIGN.sid).update({ smsUrl: `${receiver.url}/number` });
		await sdk(sandbox).messaging.v1.services(MESSAGING_SERVICE_CAMPAIGN.sid).phoneNumbers(NUMBER_CAMPAIGN.sid).remove();
		const res = await inboundSms(NUMBER_CAMPAIGN.phoneNumber);
		expect(res.json).toMatchObject({ url: `${receiver.url}/number`, messagingServiceSid: null });
	});
});
