import { startSandbox, type Sandbox } from '../../sandbox';
import {
	FULL_ACCOUNT,
	MAGIC_FROM,
	MAGIC_TO,
	MESSAGING_SERVICE,
	NUMBER_ALERTS,
	NUMBER_MAIN,
	NUMBER_TRIAL,
	NUMBER_VOICE_ONLY,
	SAMPLE_RECIPIENT,
	TRIAL_ACCOUNT,
	TRIAL_VERIFIED_NUMBERS,
} from '../../sandbox/fixtures';
import { basic, createRaw, sdk, twilioFailure } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const inMinutes = (m: number): Date => new Date(Date.now() + m * 60_000);
const main = NUMBER_MAIN.phoneNumber;

describe('message create: accepted requests', () => {
	it('creates an SMS with Twilio’s response shape', async () => {
		const res = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, Body: 'Disk almost full' });
		expect(res.status).toBe(201);
		const m = res.json;
		expect(m).toMatchObject({
			account_sid: FULL_ACCOUNT.sid,
			api_version: '2010-04-01',
			body: 'Disk almost full',
			direction: 'outbound-api',
			error_code: null,
			error_message: null,
			from: main,
			messaging_service_sid: null,
			num_media: '0',
			num_segments: '1',
			price: null,
			price_unit: 'USD',
			status: 'queued',
			to: SAMPLE_RECIPIENT,
			date_sent: null,
		});
		expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
		expect(m.date_created).toMatch(RFC2822);
		expect(m.uri).toBe(`/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages/${m.sid}.json`);
		expect(m.subresource_uris).toEqual({
			media: `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages/${m.sid}/Media.json`,
			feedback: `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages/${m.sid}/Feedback.json`,
		});
		expect(sandbox.state.message(m.sid)?.encoding).toBe('GSM-7');
	});

	it('computes segments and encoding: long GSM-7 and UCS-2 bodies', async () => {
		const client = sdk(sandbox);
		const gsm = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'x'.repeat(161) });
		expect(gsm.numSegments).toBe('2');
		const ucs = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'Привет! 😀'.repeat(8) });
		expect(ucs.numSegments).toBe('2');
		expect(sandbox.state.message(ucs.sid)?.encoding).toBe('UCS-2');
		const ext = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: '€'.repeat(81) });
		expect(ext.numSegments).toBe('2');
	});

	it('sends an MMS with two MediaUrl values as repeated form keys', async () => {
		const client = sdk(sandbox);
		const urls = ['https://example.com/a.png', 'https://example.com/b.jpg'];
		const m = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'pics', mediaUrl: urls });
		expect(m.sid).toMatch(/^MM[0-9a-f]{32}$/);
		expect(m.numMedia).toBe('2');
		expect(m.numSegments).toBe('1');
		const media = await client.messages(m.sid).media.list();
		expect(media.map((x) => x.contentType).sort()).toEqual(['image/jpeg', 'image/png']);
		expect(media.every((x) => x.parentSid === m.sid && /^ME[0-9a-f]{32}$/.test(x.sid))).toBe(true);
		const recorded = sandbox.state.requests.find((r) => r.route === 'twilio.messages.create');
		expect(recorded?.form?.MediaUrl).toEqual(urls);
	});

	it('accepts a media-only message (no Body)', async () => {
		const res = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, MediaUrl: 'https://example.com/only.gif' });
		expect(res.status).toBe(201);
		expect(res.json.body).toBe('');
	});

	it('sends WhatsApp with whatsapp: addresses on both sides', async () => {
		const m = await sdk(sandbox).messages.create({ to: `whatsapp:${SAMPLE_RECIPIENT}`, from: `whatsapp:${main}`, body: 'Hi on WhatsApp' });
		expect(m.to).toBe(`whatsapp:${SAMPLE_RECIPIENT}`);
		expect(m.from).toBe(`whatsapp:${main}`);
		expect(m.status).toBe('queued');
	});

	it('sends through a Messaging Service: accepted, then a pool sender is assigned', async () => {
		const client = sdk(sandbox);
		const m = await client.messages.create({ to: SAMPLE_RECIPIENT, messagingServiceSid: MESSAGING_SERVICE.sid, body: 'via service' });
		expect(m.status).toBe('accepted');
		expect(m.from).toBeNull();
		expect(m.messagingServiceSid).toBe(MESSAGING_SERVICE.sid);
		await new Promise((r) => setTimeout(r, 60));
		const later = await client.messages(m.sid).fetch();
		expect(later.from).toBe(NUMBER_ALERTS.phoneNumber);
	});

	it('schedules a message with ScheduleType=fixed, SendAt and a Messaging Service', async () => {
		const sendAt = inMinutes(60);
		const m = await sdk(sandbox).messages.create({
			to: SAMPLE_RECIPIENT,
			messagingServiceSid: MESSAGING_SERVICE.sid,
			body: 'later',
			scheduleType: 'fixed',
			sendAt,
		});
		expect(m.status).toBe('scheduled');
		expect(m.dateSent).toBeNull();
		expect(sandbox.state.message(m.sid)?.sendAt?.toISOString()).toBe(new Date(Math.floor(sendAt.getTime() / 1000) * 1000).toISOString());
		await new Promise((r) => setTimeout(r, 80));
		expect(sandbox.state.message(m.sid)?.status).toBe('scheduled');
	});

	it('prefixes trial messages and only sends to verified numbers', async () => {
		const auth = basic(TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken);
		const ok = await createRaw(sandbox, { To: TRIAL_VERIFIED_NUMBERS[0], From: NUMBER_TRIAL.phoneNumber, Body: 'hello' }, auth, TRIAL_ACCOUNT.sid);
		expect(ok.status).toBe(201);
		expect(ok.json.body).toBe('Sent from your Twilio trial account - hello');
		const blocked = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: NUMBER_TRIAL.phoneNumber, Body: 'hello' }, auth, TRIAL_ACCOUNT.sid);
		expect(blocked.status).toBe(400);
		expect(blocked.json.code).toBe(21608);
	});

	it('accepts the limits themselves: 1600 characters, 10 media, ValidityPeriod 1 and 36000', async () => {
		const media = Array.from({ length: 10 }, (_, i) => `https://example.com/${i}.png`);
		const limits: Array<Record<string, string | string[]>> = [
			{ Body: 'y'.repeat(1600) },
			{ Body: 'ten', MediaUrl: media },
			{ Body: 'v', ValidityPeriod: '1' },
			{ Body: 'v', ValidityPeriod: '36000' },
		];
		for (const params of limits) {
			const res = await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, ...params });
			expect(res.status).toBe(201);
		}
		expect(sandbox.state.messages.size).toBe(4);
	});
});

const valid = { To: SAMPLE_RECIPIENT, From: main, Body: 'hello' };
const svc = { To: SAMPLE_RECIPIENT, MessagingServiceSid: MESSAGING_SERVICE.sid, Body: 'hello' };

describe('message create: validation errors like the real API', () => {
	const cases: Array<[string, Record<string, string | string[]>, number]> = [
		['To missing', { From: main, Body: 'x' }, 21604],
		['To blank', { To: ' ', From: main, Body: 'x' }, 21604],
		['To not a number', { ...valid, To: 'not-a-number' }, 21211],
		['To without +', { ...valid, To: '15555550123' }, 21211],
		['To magic invalid', { ...valid, To: MAGIC_TO.invalid }, 21211],
		['neither From nor MessagingServiceSid', { To: SAMPLE_RECIPIENT, Body: 'x' }, 21603],
		['From magic invalid', { ...valid, From: MAGIC_FROM.invalid }, 21212],
		['From garbage', { ...valid, From: 'hello world!' }, 21212],
		['From magic not owned', { ...valid, From: MAGIC_FROM.notOwned }, 21606],
		['From magic queue full', { ...valid, From: MAGIC_FROM.queueFull }, 21611],
		['From not an account number', { ...valid, From: '+15555559999' }, 21606],
		['From a voice-only number', { ...valid, From: NUMBER_VOICE_ONLY.phoneNumber }, 21606],
		["From another account's number", { ...valid, From: NUMBER_TRIAL.phoneNumber }, 21606],
		['WhatsApp To, SMS From', { ...valid, To: `whatsapp:${SAMPLE_RECIPIENT}` }, 21910],
		['SMS To, WhatsApp From', { ...valid, From: `whatsapp:${main}` }, 21910],
		['no Body, MediaUrl or ContentSid', { To: SAMPLE_RECIPIENT, From: main }, 21602],
		['Body over 1600 characters', { ...valid, Body: 'z'.repeat(1601) }, 21617],
		['11 media URLs', { ...valid, MediaUrl: Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.png`) }, 21623],
		['a non-http media URL', { ...valid, MediaUrl: 'ftp://example.com/a.png' }, 21620],
		['a media URL that is not a URL', { ...valid, MediaUrl: 'picture.png' }, 21620],
		['StatusCallback not a URL', { ...valid, StatusCallback: 'nope' }, 21609],
		['StatusCallback host with underscore', { ...valid, StatusCallback: 'https://bad_host.example.com/cb' }, 21609],
		['ValidityPeriod 0', { ...valid, ValidityPeriod: '0' }, 21624],
		['ValidityPeriod 36001', { ...valid, ValidityPeriod: '36001' }, 21624],
		['ValidityPeriod not a number', { ...valid, ValidityPeriod: 'soon' }, 21624],
		['MessagingServiceSid malformed', { ...svc, MessagingServiceSid: 'MGnope' }, 21705],
		['MessagingServiceSid unknown', { ...svc, MessagingServiceSid: 'MG' + 'f'.repeat(32) }, 21701],
		['ContentSid malformed', { To: SAMPLE_RECIPIENT, From: main, ContentSid: 'HXnope' }, 21655],
		['ContentVariables not JSON', { To: SAMPLE_RECIPIENT, From: main, ContentSid: 'HX' + 'a'.repeat(32), ContentVariables: '{1:' }, 21656],
		['ScheduleType without SendAt', { ...svc, ScheduleType: 'fixed' }, 35111],
		['SendAt without ScheduleType', { ...svc, SendAt: inMinutes(60).toISOString() }, 35126],
		['ScheduleType not fixed', { ...svc, ScheduleType: 'recurring', SendAt: inMinutes(60).toISOString() }, 35126],
		['scheduling without a Messaging Service', { ...valid, ScheduleType: 'fixed', SendAt: inMinutes(60).toISOString() }, 35118],
		['SendAt under 15 minutes ahead', { ...svc, ScheduleType: 'fixed', SendAt: inMinutes(10).toISOString() }, 35114],
		['SendAt over 35 days ahead', { ...svc, ScheduleType: 'fixed', SendAt: inMinutes(36 * 24 * 60).toISOString() }, 35114],
		['SendAt not ISO 8601', { ...svc, ScheduleType: 'fixed', SendAt: 'tomorrow' }, 35114],
		['To magic unreachable', { ...valid, To: MAGIC_TO.unreachable }, 21612],
		['To magic region not enabled', { ...valid, To: MAGIC_TO.noInternational }, 21408],
		['To magic blocked', { ...valid, To: MAGIC_TO.blocked }, 21610],
		['To magic not mobile', { ...valid, To: MAGIC_TO.notMobile }, 21614],
	];

	it.each(cases)('%s → %d', async (_name, params, code) => {
		const res = await createRaw(sandbox, params);
		expect(res.status).toBe(400);
		expect(res.json).toEqual({
			code,
			message: expect.any(String),
			more_info: `https://www.twilio.com/docs/errors/${code}`,
			status: 400,
		});
		expect(sandbox.state.messages.size).toBe(0);
		expect(sandbox.stats().createsAccepted).toBe(0);
	});

	it('surfaces the code through the SDK as a RestException', async () => {
		const failure = await twilioFailure(sdk(sandbox).messages.create({ to: MAGIC_TO.notMobile, from: main, body: 'x' }));
		expect(failure).toMatchObject({ status: 400, code: 21614, moreInfo: 'https://www.twilio.com/docs/errors/21614' });
	});

	it('the magic valid From (+15005550006) is accepted', async () => {
		const res = await createRaw(sandbox, { ...valid, From: MAGIC_FROM.valid });
		expect(res.status).toBe(201);
	});
});
