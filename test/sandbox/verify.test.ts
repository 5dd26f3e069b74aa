/**
 * The sandbox's Verify v2: services and paging, sending and checking codes with the real twilio SDK,
 * the send and check limits (60203, 60202), cancel, validation (60200, 60205), auth and the admin
 * endpoint that reveals codes.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { API_KEY, FULL_ACCOUNT, MAGIC_TO, SAMPLE_RECIPIENT, TRIAL_ACCOUNT, VERIFY_SERVICE, VERIFY_SERVICE_SHORT } from '../../sandbox/fixtures';
import { basic, postForm, request, sdk, twilioFailure, type TwilioClient } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);

/** The SDK with verify.twilio.com pointed at the sandbox. */
function verifyClient(client: TwilioClient = sdk(sandbox)): TwilioClient {
	client.verify.baseUrl = sandbox.url;
	return client;
}

const service = (client = verifyClient(), sid = VERIFY_SERVICE.sid) => client.verify.v2.services(sid);
const verificationsUrl = (sid = VERIFY_SERVICE.sid) => `${sandbox.url}/v2/Services/${sid}/Verifications`;
const checkUrl = (sid = VERIFY_SERVICE.sid) => `${sandbox.url}/v2/Services/${sid}/VerificationCheck`;

/** A code that is surely wrong: the right one with its first digit changed. */
const wrong = (code: string) => `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;

describe('Verify services', () => {
	it("lists the account's services with v2 paging meta, and fetches one", async () => {
		const first = await request(`${sandbox.url}/v2/Services?PageSize=1`, { headers: { Authorization: auth } });
		expect(first.status).toBe(200);
		expect(first.json.services).toHaveLength(1);
		expect(first.json.services[0]).toMatchObject({ sid: VERIFY_SERVICE.sid, friendly_name: 'Sandbox Verify', code_length: 6, account_sid: FULL_ACCOUNT.sid });
		expect(first.json.meta).toMatchObject({ key: 'services', page: 0, page_size: 1, previous_page_url: null });
		expect(first.json.meta.next_page_url).toBe(`${sandbox.url}/v2/Services?PageSize=1&Page=1&PageToken=PA${VERIFY_SERVICE.sid}`);
		const second = await request(first.json.meta.next_page_url, { headers: { Authorization: auth } });
		expect(second.json.services.map((s: { sid: string }) => s.sid)).toEqual([VERIFY_SERVICE_SHORT.sid]);
		expect(second.json.meta.next_page_url).toBeNull();

		const client = verifyClient();
		const all = await client.verify.v2.services.list();
		expect(all.map((s) => [s.friendlyName, s.codeLength])).toEqual([
			['Sandbox Verify', 6],
			['Sandbox Verify Short Codes', 4],
		]);
		const fetched = await service(client).fetch();
		expect(fetched).toMatchObject({ sid: VERIFY_SERVICE.sid, codeLength: 6, accountSid: FULL_ACCOUNT.sid });
	});

	it("keeps services per account: another account's service is 404 20404", async () => {
		const trial = verifyClient(sdk(sandbox, TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken, TRIAL_ACCOUNT.sid));
		expect(await trial.verify.v2.services.list()).toEqual([]);
		expect(await twilioFailure(service(trial).fetch())).toMatchObject({ status: 404, code: 20404 });
		expect(await twilioFailure(service(trial).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' }))).toMatchObject({ status: 404, code: 20404 });
	});

	it('needs Twilio Basic auth; an API key of the account works', async () => {
		const none = await request(`${sandbox.url}/v2/Services`);
		expect(none.status).toBe(401);
		expect(none.json.code).toBe(20003);
		const badToken = await postForm(verificationsUrl(), { To: SAMPLE_RECIPIENT, Channel: 'sms' }, basic(FULL_ACCOUNT.sid, 'nope'));
		expect(badToken.status).toBe(401);
		expect(sandbox.state.verifications.size).toBe(0);
		const withKey = verifyClient(sdk(sandbox, API_KEY.sid, API_KEY.secret));
		const v = await service(withKey).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		expect(v.status).toBe('pending');
	});
});

describe('Verifications and checks', () => {
	it('sends a 6-digit code, refuses a wrong one with valid:false, approves the right one', async () => {
		const client = verifyClient();
		const v = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms', locale: 'en', customFriendlyName: 'Acme' });
		expect(v).toMatchObject({ to: SAMPLE_RECIPIENT, channel: 'sms', status: 'pending', valid: false, serviceSid: VERIFY_SERVICE.sid, accountSid: FULL_ACCOUNT.sid });
		expect(v.sid).toMatch(/^VE[0-9a-f]{32}$/);
		expect(v.sendCodeAttempts).toHaveLength(1);
		expect(v.url).toBe(`${verificationsUrl()}/${v.sid}`);

		const code = sandbox.verifyCode(SAMPLE_RECIPIENT)!;
		expect(code).toMatch(/^\d{6}$/);
		expect(sandbox.state.verifications.get(v.sid)).toMatchObject({ code, locale: 'en', customFriendlyName: 'Acme' });

		const bad = await service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code: wrong(code) });
		expect(bad).toMatchObject({ sid: v.sid, status: 'pending', valid: false, to: SAMPLE_RECIPIENT, channel: 'sms' });
		const good = await service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code });
		expect(good).toMatchObject({ sid: v.sid, status: 'approved', valid: true });
		expect((await service(client).verifications(v.sid).fetch()).status).toBe('approved');

		// Nothing is pending any more: Twilio answers 404 20404 rather than valid:false.
		expect(await twilioFailure(service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code }))).toMatchObject({ status: 404, code: 20404 });
		expect(sandbox.verifyCode(SAMPLE_RECIPIENT)).toBeUndefined();
	});

	it('checks by VerificationSid; the service decides the code length; email and WhatsApp work', async () => {
		const client = verifyClient();
		const email = await service(client, VERIFY_SERVICE_SHORT.sid).verifications.create({ to: 'ada@example.com', channel: 'email' });
		const code = sandbox.verifyCode('ada@example.com')!;
		expect(code).toMatch(/^\d{4}$/);
		const check = await service(client, VERIFY_SERVICE_SHORT.sid).verificationChecks.create({ verificationSid: email.sid, code });
		expect(check).toMatchObject({ sid: email.sid, to: 'ada@example.com', channel: 'email', status: 'approved', valid: true });

		const wa = await service(client).verifications.create({ to: '+15555550124', channel: 'whatsapp' });
		expect(wa.channel).toBe('whatsapp');
		// A check against the wrong service does not see the verification.
		const elsewhere = service(client, VERIFY_SERVICE_SHORT.sid).verificationChecks.create({ verificationSid: wa.sid, code: sandbox.verifyCode('+15555550124')! });
		expect(await twilioFailure(elsewhere)).toMatchObject({ status: 404, code: 20404 });
	});

	it('a resend keeps the SID and the code; the 6th send within 10 minutes is 429 60203', async () => {
		const client = verifyClient();
		const first = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		const code = sandbox.verifyCode(SAMPLE_RECIPIENT);
		for (let i = 2; i <= 5; i++) {
			const again = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: i === 5 ? 'call' : 'sms' });
			expect(again.sid).toBe(first.sid);
			expect(again.sendCodeAttempts).toHaveLength(i);
		}
		expect(sandbox.verifyCode(SAMPLE_RECIPIENT)).toBe(code);
		expect(sandbox.state.verifications.get(first.sid)?.channel).toBe('call');
		const sixth = await postForm(verificationsUrl(), { To: SAMPLE_RECIPIENT, Channel: 'sms' }, auth);
		expect(sixth.status).toBe(429);
		expect(sixth.json).toEqual({ code: 60203, message: 'Max send attempts reached', more_info: 'https://www.twilio.com/docs/errors/60203', status: 429 });
		// Another number is not affected.
		expect((await postForm(verificationsUrl(), { To: '+15555550124', Channel: 'sms' }, auth)).status).toBe(201);
	});

	it('five wrong codes use up the verification; the next check is 429 60202, even with the right code', async () => {
		const client = verifyClient();
		const v = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		const code = sandbox.verifyCode(SAMPLE_RECIPIENT)!;
		const statuses: string[] = [];
		for (let i = 0; i < 5; i++) statuses.push((await service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code: wrong(code) })).status);
		expect(statuses).toEqual(['pending', 'pending', 'pending', 'pending', 'max_attempts_reached']);
		const sixth = await postForm(checkUrl(), { To: SAMPLE_RECIPIENT, Code: code }, auth);
		expect(sixth.status).toBe(429);
		expect(sixth.json).toMatchObject({ code: 60202, message: 'Max check attempts reached' });
		expect((await postForm(checkUrl(), { VerificationSid: v.sid, Code: code }, auth)).json.code).toBe(60202);
		expect(sandbox.state.verifications.get(v.sid)?.status).toBe('max_attempts_reached');
		// A new Send Code starts a fresh verification with a new code.
		const fresh = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		expect(fresh.sid).not.toBe(v.sid);
		const ok = await service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code: sandbox.verifyCode(SAMPLE_RECIPIENT)! });
		expect(ok).toMatchObject({ sid: fresh.sid, status: 'approved', valid: true });
	});

	it('cancels (and approves) a pending verification; a canceled one can no longer be checked or updated', async () => {
		const client = verifyClient();
		const v = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		const canceled = await service(client).verifications(v.sid).update({ status: 'canceled' });
		expect(canceled).toMatchObject({ sid: v.sid, status: 'canceled', valid: false });
		const code = sandbox.state.verifications.get(v.sid)!.code;
		expect(await twilioFailure(service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code }))).toMatchObject({ status: 404, code: 20404 });
		expect(await twilioFailure(service(client).verifications(v.sid).update({ status: 'approved' }))).toMatchObject({ status: 404, code: 20404 });

		const other = await service(client).verifications.create({ to: '+15555550124', channel: 'call' });
		expect(await service(client).verifications(other.sid).update({ status: 'approved' })).toMatchObject({ status: 'approved', valid: true });
		const badStatus = await postForm(`${verificationsUrl()}/${other.sid}`, { Status: 'pending' }, auth);
		expect(badStatus.json).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: Status' });
		expect(await twilioFailure(service(client).verifications(`VE${'0'.repeat(32)}`).fetch())).toMatchObject({ status: 404, code: 20404 });
	});

	it('expires codes after 10 minutes', async () => {
		const client = verifyClient();
		const v = await service(client).verifications.create({ to: SAMPLE_RECIPIENT, channel: 'sms' });
		const record = sandbox.state.verifications.get(v.sid)!;
		record.expiresAt = new Date(Date.now() - 1);
		expect(await twilioFailure(service(client).verificationChecks.create({ to: SAMPLE_RECIPIENT, code: record.code }))).toMatchObject({ code: 20404 });
		expect((await service(client).verifications(v.sid).fetch()).status).toBe('expired');
	});

	it.each([
		['no To', { Channel: 'sms' }, 400, 60200, 'Invalid parameter: To'],
		['no Channel', { To: SAMPLE_RECIPIENT }, 400, 60200, 'Invalid parameter: Channel'],
		['unknown Channel', { To: SAMPLE_RECIPIENT, Channel: 'pigeon' }, 400, 60200, 'Invalid parameter: Channel'],
		['To not E.164', { To: '5555550123', Channel: 'sms' }, 400, 60200, 'Invalid parameter: To'],
		['magic invalid To', { To: MAGIC_TO.invalid, Channel: 'call' }, 400, 60200, 'Invalid parameter: To'],
		['email To on sms', { To: 'ada@example.com', Channel: 'sms' }, 400, 60200, 'Invalid parameter: To'],
		['phone To on email', { To: SAMPLE_RECIPIENT, Channel: 'email' }, 400, 60200, 'Invalid parameter: To'],
		['bad Locale', { To: SAMPLE_RECIPIENT, Channel: 'sms', Locale: 'english' }, 400, 60200, 'Invalid parameter: Locale'],
		['long CustomFriendlyName', { To: SAMPLE_RECIPIENT, Channel: 'sms', CustomFriendlyName: 'x'.repeat(31) }, 400, 60200, 'Invalid parameter: CustomFriendlyName'],
		['SMS to a landline', { To: MAGIC_TO.notMobile, Channel: 'sms' }, 400, 60205, 'SMS is not supported by landline phone number'],
	])('create rejects %s', async (_name, form, status, code, message) => {
		const r = await postForm(verificationsUrl(), form, auth);
		expect(r.status).toBe(status);
		expect(r.json).toMatchObject({ code, message, status });
		expect(sandbox.state.verifications.size).toBe(0);
	});

	it('a landline can still get its code by call', async () => {
		expect((await postForm(verificationsUrl(), { To: MAGIC_TO.notMobile, Channel: 'call' }, auth)).status).toBe(201);
	});

	it.each([
		['neither To nor VerificationSid', { Code: '123456' }, 'Invalid parameter: To or VerificationSid is required'],
		['no Code', { To: SAMPLE_RECIPIENT }, 'Invalid parameter: Code'],
		['a 3-character Code', { To: SAMPLE_RECIPIENT, Code: '123' }, 'Invalid parameter: Code'],
		['an 11-character Code', { To: SAMPLE_RECIPIENT, Code: '12345678901' }, 'Invalid parameter: Code'],
		['a malformed VerificationSid', { VerificationSid: 'VE123', Code: '123456' }, 'Invalid parameter: VerificationSid'],
	])('check rejects %s with 60200', async (_name, form, message) => {
		await postForm(verificationsUrl(), { To: SAMPLE_RECIPIENT, Channel: 'sms' }, auth);
		const r = await postForm(checkUrl(), form, auth);
		expect(r.status).toBe(400);
		expect(r.json).toMatchObject({ code: 60200, message });
		expect([...sandbox.state.verifications.values()][0].failedChecks).toBe(0);
	});
});

describe('GET /__sandbox/verify/codes', () => {
	it('gives the newest pending code of a number (a bare + in the query works), or 404', async () => {
		expect((await request(`${sandbox.url}/__sandbox/verify/codes?to=${encodeURIComponent(SAMPLE_RECIPIENT)}`)).status).toBe(404);
		const created = await postForm(verificationsUrl(), { To: SAMPLE_RECIPIENT, Channel: 'sms' }, auth);
		for (const query of [`to=${encodeURIComponent(SAMPLE_RECIPIENT)}`, `to=${SAMPLE_RECIPIENT}`]) {
			const r = await request(`${sandbox.url}/__sandbox/verify/codes?${query}`);
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({
				to: SAMPLE_RECIPIENT,
				code: sandbox.verifyCode(SAMPLE_RECIPIENT),
				verificationSid: created.json.sid,
				serviceSid: VERIFY_SERVICE.sid,
				channel: 'sms',
				status: 'pending',
			});
		}
		const all = await request(`${sandbox.url}/__sandbox/verify/codes`);
		expect(all.json.verifications).toHaveLength(1);
		expect(all.json.verifications[0].sandbox).toMatchObject({ code: sandbox.verifyCode(SAMPLE_RECIPIENT), sendAttempts: 1, failedChecks: 0 });
		const state = await request(`${sandbox.url}/__sandbox/state`);
		expect(state.json.verifications).toHaveLength(1);
		expect(state.json.verifyServices.map((s: { sid: string }) => s.sid)).toEqual([VERIFY_SERVICE.sid, VERIFY_SERVICE_SHORT.sid]);
	});

	it('reset() forgets verifications and keeps the seeded services', async () => {
		await postForm(verificationsUrl(), { To: SAMPLE_RECIPIENT, Channel: 'sms' }, auth);
		sandbox.reset();
		expect(sandbox.state.verifications.size).toBe(0);
		expect(sandbox.verifyCode(SAMPLE_RECIPIENT)).toBeUndefined();
		expect([...sandbox.state.verifyServices.keys()]).toEqual([VERIFY_SERVICE.sid, VERIFY_SERVICE_SHORT.sid]);
		expect(sandbox.stats().createsAcceptedByKind.verification).toBeUndefined();
	});
});
