import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, MESSAGING_SERVICE, NUMBER_ALERTS, NUMBER_MAIN, NUMBER_SUPPORT, NUMBER_TRIAL, NUMBER_VOICE_ONLY } from '../../sandbox/fixtures';
import { basic, postForm, request, sdk, twilioFailure } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
const numberUrl = (sid: string) => `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/IncomingPhoneNumbers/${sid}.json`;

describe('IncomingPhoneNumbers', () => {
	it("lists the account's numbers with blank webhooks", async () => {
		const numbers = await sdk(sandbox).incomingPhoneNumbers.list();
		expect(numbers.map((n) => n.phoneNumber).sort()).toEqual(
			[NUMBER_MAIN, NUMBER_SUPPORT, NUMBER_ALERTS, NUMBER_VOICE_ONLY].map((n) => n.phoneNumber).sort(),
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
		expect(await client.incomingPhoneNumbers.list({ phoneNumber: '555555' })).toHaveLength(3);
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
		expect(res.json.services).toHaveLength(1);
		expect(res.json.meta).toEqual({
			first_page_url: `${sandbox.url}/v1/Services?PageSize=20&Page=0`,
			key: 'services',
			next_page_url: null,
			page: 0,
			page_size: 20,
			previous_page_url: null,
			url: `${sandbox.url}/v1/Services?PageSize=20&Page=0`,
		});
		const s = res.json.services[0];
		expect(s).toMatchObject({ sid: MESSAGING_SERVICE.sid, account_sid: FULL_ACCOUNT.sid, friendly_name: MESSAGING_SERVICE.friendlyName });
		expect(s.date_created).toBe('2024-01-02T03:04:05Z');
		expect(s.links.phone_numbers).toBe(`${sandbox.url}/v1/Services/${MESSAGING_SERVICE.sid}/PhoneNumbers`);
	});

	it('lists, fetches and reads the sender pool through the SDK', async () => {
		const client = sdk(sandbox);
		const services = await client.messaging.v1.services.list();
		expect(services.map((s) => s.sid)).toEqual([MESSAGING_SERVICE.sid]);
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
