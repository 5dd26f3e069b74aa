import { startSandbox, type Sandbox } from '../../sandbox';
import { API_KEY, FULL_ACCOUNT, MAIN_API_KEY, NUMBER_MAIN, SAMPLE_RECIPIENT, TRIAL_ACCOUNT, TRIAL_VERIFIED_NUMBERS } from '../../sandbox/fixtures';
import { basic, request, sdk, twilioFailure } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const AUTH_BODY = {
	code: 20003,
	message: 'Authenticate',
	more_info: 'https://www.twilio.com/docs/errors/20003',
	status: 401,
};

describe('sandbox auth and accounts', () => {
	it('listens on 127.0.0.1 with a URL without trailing slash', () => {
		expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sandbox.host).toBe('127.0.0.1');
	});

	it('accepts Account SID + Auth Token and reports the account as Full', async () => {
		const account = await sdk(sandbox).api.v2010.accounts(FULL_ACCOUNT.sid).fetch();
		expect(account.sid).toBe(FULL_ACCOUNT.sid);
		expect(account.type).toBe('Full');
		expect(account.status).toBe('active');
		expect(account.friendlyName).toBe(FULL_ACCOUNT.friendlyName);
		expect(account.subresourceUris.messages).toBe(`/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`);
	});

	it('reports the trial account as Trial and lists its verified caller IDs', async () => {
		const client = sdk(sandbox, TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken, TRIAL_ACCOUNT.sid);
		expect((await client.api.v2010.accounts(TRIAL_ACCOUNT.sid).fetch()).type).toBe('Trial');
		const ids = await client.outgoingCallerIds.list();
		expect(ids.map((c) => c.phoneNumber)).toEqual(TRIAL_VERIFIED_NUMBERS);
	});

	it('writes dates as RFC 2822 with a numeric zone', async () => {
		const res = await request(`${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}.json`, {
			headers: { Authorization: basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken) },
		});
		expect(res.status).toBe(200);
		expect(res.json.date_created).toBe('Tue, 02 Jan 2024 03:04:05 +0000');
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		expect(res.headers['twilio-request-id']).toMatch(/^RQ[0-9a-f]{32}$/);
	});

	it('accepts a Standard API key for messaging but refuses it on /Accounts, like Twilio', async () => {
		const client = sdk(sandbox, API_KEY.sid, API_KEY.secret);
		const msg = await client.messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: 'via key' });
		expect(msg.accountSid).toBe(FULL_ACCOUNT.sid);
		expect((await client.messages.list()).map((m) => m.sid)).toEqual([msg.sid]);
		const failure = await twilioFailure(client.api.v2010.accounts(FULL_ACCOUNT.sid).fetch());
		expect(failure).toMatchObject({ status: 401, code: 20003 });
	});

	it('accepts a Main API key on /Accounts', async () => {
		const account = await sdk(sandbox, MAIN_API_KEY.sid, MAIN_API_KEY.secret).api.v2010.accounts(FULL_ACCOUNT.sid).fetch();
		expect(account.type).toBe('Full');
	});

	it.each([
		['a wrong auth token', basic(FULL_ACCOUNT.sid, 'f'.repeat(32))],
		['a wrong API key secret', basic(API_KEY.sid, 'f'.repeat(32))],
		['an unknown username', basic('AC' + 'e'.repeat(32), FULL_ACCOUNT.authToken)],
		['a malformed header', 'Bearer abc'],
	])('answers %s with 401 20003 and the exact Twilio body', async (_what, auth) => {
		const res = await request(`${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`, { headers: { Authorization: auth } });
		expect(res.status).toBe(401);
		expect(res.json).toEqual(AUTH_BODY);
		expect(res.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
	});

	it('answers a missing Authorization header with 401', async () => {
		const res = await request(`${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`);
		expect(res.status).toBe(401);
		expect(res.json).toEqual(AUTH_BODY);
	});

	it('fails the SDK with 20003 for a wrong token', async () => {
		const failure = await twilioFailure(sdk(sandbox, FULL_ACCOUNT.sid, 'f'.repeat(32)).messages.list());
		expect(failure).toMatchObject({ status: 401, code: 20003, moreInfo: 'https://www.twilio.com/docs/errors/20003' });
	});

	it("refuses another account's URL with 403 20003", async () => {
		const res = await request(`${sandbox.url}/2010-04-01/Accounts/${TRIAL_ACCOUNT.sid}/Messages.json`, {
			headers: { Authorization: basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken) },
		});
		expect(res.status).toBe(403);
		expect(res.json).toMatchObject({ code: 20003, status: 403 });
	});

	it('answers unknown routes with 404 20404 and wrong methods with 405', async () => {
		const notFound = await request(`${sandbox.url}/2010-04-01/Nope.json`);
		expect(notFound.status).toBe(404);
		expect(notFound.json).toEqual({
			code: 20404,
			message: 'The requested resource /2010-04-01/Nope.json was not found',
			more_info: 'https://www.twilio.com/docs/errors/20404',
			status: 404,
		});
		const wrongMethod = await request(`${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`, { method: 'DELETE' });
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.json.code).toBe(20004);
	});

	it('lists only the authenticated account', async () => {
		const accounts = await sdk(sandbox).api.v2010.accounts.list();
		expect(accounts.map((a) => a.sid)).toEqual([FULL_ACCOUNT.sid]);
	});
});
