/*
 * Message Status in n8n-core's WorkflowExecute against the sandbox: Get for every channel with
 * auto-detection, waiting for a final status (delivered, undelivered with its error explained,
 * timeout with and without an error), Get Many paging, conversations and summaries, and bad items
 * under continueOnFail.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { MAGIC_CALL_TO } from '../../sandbox/twilio/calls-state';
import { MAGIC_TO, MESSAGING_SERVICE, NUMBER_MAIN, NUMBER_SUPPORT, RESEND_FROM, RESEND_FULL_KEY, RESEND_MAGIC_TO, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { EngineResult } from '../support/engine';
import { MESSAGE_STATUS_NODE as NODE, runMessageStatus } from '../support/messageStatusWorkflows';
import { sdk, waitFor, type TwilioClient } from '../sandbox/helpers';

let sandbox: Sandbox;
let twilio: TwilioClient;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 15 });
	twilio = sdk(sandbox);
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const MAIN = NUMBER_MAIN.phoneNumber;

const run = (parameters: INodeParameters, items: IDataObject[] = [{}], opts: { continueOnFail?: boolean; credentials?: Array<'twilio' | 'resend'> } = {}) =>
	runMessageStatus({ baseUrl: sandbox.url, parameters, items, ...opts });

const json = (r: EngineResult) => r.outputs(NODE).map((o) => o.json);
const paired = (r: EngineResult) => r.outputs(NODE).map((o) => (o.pairedItem as { item: number }).item);

const sendSms = (to = SAMPLE_RECIPIENT, extra: Record<string, unknown> = {}) => twilio.messages.create({ to, from: MAIN, body: 'Status test', ...extra });
const placeCall = (to = SAMPLE_RECIPIENT) => twilio.calls.create({ to, from: MAIN, twiml: '<Response><Say>Hi</Say></Response>' });

async function sendEmail(to: string): Promise<string> {
	const res = await fetch(`${sandbox.url}/emails`, {
		method: 'POST',
		headers: { authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ from: RESEND_FROM, to: [to], subject: 'Status test', text: 'Hello' }),
	});
	expect(res.status).toBe(200);
	return ((await res.json()) as { id: string }).id;
}

const messageSettled = (sid: string) => waitFor(() => (['delivered', 'undelivered', 'failed'].includes(sandbox.state.message(sid)?.status ?? '') ? true : undefined), 3000, sid);
const callSettled = (sid: string) => waitFor(() => (['completed', 'busy', 'no-answer', 'failed'].includes(sandbox.state.calls.get(sid)?.status ?? '') ? true : undefined), 3000, sid);
const emailSettled = (id: string) => waitFor(() => (['delivered', 'bounced'].includes(sandbox.state.emails.get(id)?.lastEvent ?? '') ? true : undefined), 3000, id);

/** A scheduled message stays `scheduled` until its SendAt, an hour away: never final during a test. */
const scheduledSms = () =>
	twilio.messages.create({
		to: SAMPLE_RECIPIENT,
		messagingServiceSid: MESSAGING_SERVICE.sid,
		body: 'Later',
		scheduleType: 'fixed',
		sendAt: new Date(Date.now() + 3600_000),
	});

const waitParams = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'get',
	id: '={{ $json.id }}',
	waitForFinal: true,
	timeout: 10,
	...extra,
	options: { pollInterval: 0.05, ...((extra.options as IDataObject) ?? {}) },
});

describe('Get', () => {
	it('auto-detects SMS, MMS, call and email ids in one run and normalizes each', async () => {
		const sms = await sendSms();
		const mms = await sendSms(SAMPLE_RECIPIENT, { mediaUrl: ['https://example.com/a.png'] });
		const call = await placeCall();
		const email = await sendEmail('someone@example.com');
		await Promise.all([messageSettled(sms.sid), messageSettled(mms.sid), callSettled(call.sid), emailSettled(email)]);

		const r = await run({ operation: 'get', id: '={{ $json.id }}' }, [{ id: sms.sid }, { id: mms.sid }, { id: call.sid }, { id: email }]);
		expect(r.error).toBeUndefined();
		const [s, m, c, e] = json(r);
		expect(paired(r)).toEqual([0, 1, 2, 3]);

		expect(s).toMatchObject({
			id: sms.sid,
			channel: 'sms',
			status: 'delivered',
			isFinal: true,
			isSuccess: true,
			errorCode: null,
			errorMessage: null,
			to: SAMPLE_RECIPIENT,
			from: MAIN,
			price: -0.0079,
			priceUnit: 'USD',
			numSegments: 1,
		});
		expect(s.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
		expect(s.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
		expect((s.raw as IDataObject).sid).toBe(sms.sid);

		expect(m).toMatchObject({ id: mms.sid, channel: 'mms', status: 'delivered', isFinal: true, isSuccess: true, numMedia: 1 });
		expect(mms.sid.startsWith('MM')).toBe(true);

		expect(c).toMatchObject({ id: call.sid, channel: 'call', status: 'completed', isFinal: true, isSuccess: true, duration: 12, to: SAMPLE_RECIPIENT, from: MAIN, priceUnit: 'USD' });
		expect(c.price).toBeLessThan(0);

		expect(e).toMatchObject({ id: email, channel: 'email', status: 'delivered', isFinal: true, isSuccess: true, to: 'someone@example.com', from: RESEND_FROM, price: null });
		expect(e.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
	});

	it('reports a status in progress as not final', async () => {
		const sms = await scheduledSms();
		const r = await run({ operation: 'get', channel: 'message', id: sms.sid });
		expect(json(r)[0]).toMatchObject({ id: sms.sid, status: 'scheduled', isFinal: false, isSuccess: false, price: null });
		expect(json(r)[0]).not.toHaveProperty('timedOut');
	});

	it('an explicit channel refuses an id of another kind, naming field, value and item', async () => {
		const sms = await sendSms();
		const r = await run({ operation: 'get', channel: 'call', id: '={{ $json.id }}' }, [{ id: sms.sid }]);
		expect(r.error?.message).toBe(`Invalid ID "${sms.sid}" in item 0: is a message SID (SM… or MM…), not a call SID (CA…)`);
	});

	it('an email id without a Resend credential fails that item alone, saying which credential to select', async () => {
		const sms = await sendSms();
		const email = await sendEmail('someone@example.com');
		const r = await run({ operation: 'get', id: '={{ $json.id }}' }, [{ id: sms.sid }, { id: email }], { continueOnFail: true, credentials: ['twilio'] });
		const [ok, failed] = json(r);
		expect(ok).toMatchObject({ id: sms.sid, channel: 'sms' });
		expect(failed.error).toBe('No Resend credential is selected');
		expect(failed.errorDescription).toContain('Resend email ids are looked up with the Resend credential');
		expect(paired(r)).toEqual([0, 1]);
	});

	it("an unknown SID is Twilio's 20404 and an unknown email id Resend's not_found; secrets never shown", async () => {
		const r = await run({ operation: 'get', id: '={{ $json.id }}' }, [{ id: 'SM' + '0'.repeat(32) }, { id: '00000000-0000-4000-8000-000000000000' }], { continueOnFail: true });
		const [sms, email] = json(r);
		expect(sms.error).toMatch(/^Twilio error 20404/);
		expect(sms.errorCode).toBe(20404);
		expect(email.error).toBe('Resend error not_found: Email not found');
		expect(email.errorHttpCode).toBe('404');
		expect(JSON.stringify(json(r))).not.toContain(RESEND_FULL_KEY.token);
	});
});

describe('Wait for final status', () => {
	it('polls an SMS in flight until delivered', async () => {
		const sms = await sendSms();
		const r = await run(waitParams(), [{ id: sms.sid }]);
		const [out] = json(r);
		expect(out).toMatchObject({ id: sms.sid, status: 'delivered', isFinal: true, isSuccess: true, timedOut: false });
		expect(out.polls).toBeGreaterThan(1);
		expect(sandbox.stats().requestsByRoute['twilio.messages.fetch']).toBe(out.polls);
	});

	it.each([
		[MAGIC_TO.undelivered, 'undelivered', 30003, 'Unreachable destination handset'],
		[MAGIC_TO.failed, 'failed', 30008, 'Unknown error'],
		[MAGIC_TO.carrierFiltered, 'undelivered', 30007, 'Message filtered'],
	])('to %s ends %s with error %d explained', async (to, status, code, text) => {
		const sms = await sendSms(to);
		const r = await run(waitParams(), [{ id: sms.sid }]);
		expect(json(r)[0]).toMatchObject({
			status,
			isFinal: true,
			isSuccess: false,
			timedOut: false,
			errorCode: code,
			errorMessage: text,
			errorMoreInfo: `https://www.twilio.com/docs/api/errors/${code}`,
		});
		expect(json(r)[0].errorHint).toEqual(expect.any(String));
	});

	it('waits for calls and emails too (bounced email is final, not a success)', async () => {
		const call = await placeCall(MAGIC_CALL_TO.noAnswer);
		const email = await sendEmail(RESEND_MAGIC_TO.bounced);
		const r = await run(waitParams(), [{ id: call.sid }, { id: email }]);
		const [c, e] = json(r);
		expect(c).toMatchObject({ channel: 'call', status: 'no-answer', isFinal: true, isSuccess: false, errorMessage: 'Nobody answered before the timeout' });
		expect(e).toMatchObject({ channel: 'email', status: 'bounced', isFinal: true, isSuccess: false, timedOut: false });
		expect(e.errorMessage).toContain('rejected');
	});

	it('polls are reads: 429s, 5xx and dropped connections are retried and the wait still ends final', async () => {
		const sms = await sendSms();
		const email = await sendEmail('someone@example.com');
		sandbox.faults.set({ rate429: 0.25, retryAfterSec: 0, rate5xx: 0.2, rateReset: 0.1, seed: 7, routes: ['twilio.messages.fetch', 'resend.emails.get'] });
		const r = await run(waitParams(), [{ id: sms.sid }, { id: email }]);
		sandbox.faults.clear();
		expect(r.error).toBeUndefined();
		expect(json(r).map((o) => [o.status, o.isFinal])).toEqual([
			['delivered', true],
			['delivered', true],
		]);
		const faults = sandbox.stats().faults;
		expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
	});

	it('Channel Email needs only the Resend credential', async () => {
		const email = await sendEmail('someone@example.com');
		const r = await run({ operation: 'get', channel: 'email', id: email }, [{}], { credentials: ['resend'] });
		expect(json(r)[0]).toMatchObject({ id: email, channel: 'email' });
	});

	it('on timeout outputs the last status with isFinal false and no error', async () => {
		const sms = await scheduledSms();
		const r = await run(waitParams({ timeout: 1 }), [{ id: sms.sid }]);
		expect(r.error).toBeUndefined();
		expect(json(r)[0]).toMatchObject({ id: sms.sid, status: 'scheduled', isFinal: false, isSuccess: false, timedOut: true });
		// Every poll reached the sandbox, and the node says how many there were.
		const polls = sandbox.state.requests.filter((q) => q.method === 'GET' && q.path.endsWith(`/Messages/${sms.sid}.json`)).length;
		expect(polls).toBeGreaterThan(3);
		expect(json(r)[0].polls).toBe(polls);
	});

	it('Error on Timeout fails the item; other items still finish under continueOnFail', async () => {
		const stuck = await scheduledSms();
		const sms = await sendSms();
		const r = await run(waitParams({ timeout: 1, options: { errorOnTimeout: true } }), [{ id: stuck.sid }, { id: sms.sid }], { continueOnFail: true });
		const [timedOut, ok] = json(r);
		expect(timedOut.error).toBe(`No final status for "${stuck.sid}" in item 0 within 1 s: still "scheduled"`);
		expect(ok).toMatchObject({ id: sms.sid, status: 'delivered', timedOut: false });
		expect(paired(r)).toEqual([0, 1]);

		const strict = await run(waitParams({ timeout: 1, options: { errorOnTimeout: true } }), [{ id: stuck.sid }]);
		expect(strict.error?.message).toMatch(/^No final status for/);
	});

	it('items wait side by side, not one after another', async () => {
		const stuck = await Promise.all([scheduledSms(), scheduledSms(), scheduledSms()]);
		const r = await run(waitParams({ timeout: 1 }), stuck.map((m) => ({ id: m.sid })));
		expect(json(r).map((o) => o.timedOut)).toEqual([true, true, true]);
		// Side by side: each item's first poll comes before any item's second one (one after another, item 0 would poll to its timeout first).
		const order = sandbox.state.requests.filter((q) => q.method === 'GET' && q.path.includes('/Messages/SM')).map((q) => stuck.findIndex((m) => q.path.endsWith(`/${m.sid}.json`)));
		expect(new Set(order.slice(0, 3))).toEqual(new Set([0, 1, 2]));
	});
});

/** Sends `count` SMS and waits until each is delivered (so later edits to dateSent stick). */
async function deliveredSms(count: number, to = SAMPLE_RECIPIENT, from = MAIN, body = 'History'): Promise<string[]> {
	const sids: string[] = [];
	for (let n = 0; n < count; n++) sids.push((await twilio.messages.create({ to, from, body: `${body} ${n}` })).sid);
	await Promise.all(sids.map(messageSettled));
	return sids;
}

/** Twilio dates have one-second resolution; tests that depend on order give messages distinct times. */
function setSentAt(sid: string, iso: string): void {
	const record = sandbox.state.message(sid)!;
	record.dateSent = new Date(iso);
	record.dateCreated = new Date(iso);
}

async function inboundSms(from: string, to: string, body: string): Promise<string> {
	const res = await fetch(`${sandbox.url}/__sandbox/inbound/sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to, body }) });
	return ((await res.json()) as { messageSid: string }).messageSid;
}

const listCalls = () => sandbox.stats().requestsByRoute['twilio.messages.list'] ?? 0;

describe('Get Many', () => {
	it('pages through next_page_uri until the limit: 5 of 7 messages in 3 pages of 2, newest first', async () => {
		const sids = await deliveredSms(7);
		sids.forEach((sid, n) => setSentAt(sid, `2026-03-01T10:0${n}:00Z`));
		const r = await run({ operation: 'getMany', resource: 'message', limit: 5, options: { pageSize: 2 } });
		const out = json(r);
		expect(out.map((o) => o.id)).toEqual([...sids].reverse().slice(0, 5));
		expect(listCalls()).toBe(3);
		expect(out[0]).toMatchObject({ channel: 'sms', status: 'delivered', isFinal: true, to: SAMPLE_RECIPIENT, body: 'History 6', numSegments: 1 });
		expect(out[0]).not.toHaveProperty('raw');
		expect(paired(r)).toEqual([0, 0, 0, 0, 0]);
	});

	it('Return All fetches every page (7 messages, 4 pages of 2), with raw when asked', async () => {
		await deliveredSms(7);
		const r = await run({ operation: 'getMany', resource: 'message', returnAll: true, options: { pageSize: 2, includeRaw: true } });
		expect(json(r)).toHaveLength(7);
		expect(listCalls()).toBe(4);
		expect((json(r)[0].raw as IDataObject).sid).toBe(json(r)[0].id);
	});

	it('filters by To and From (numbers are normalized) and by the date sent', async () => {
		const [toSample] = await deliveredSms(1);
		const [toOther] = await deliveredSms(1, '+15555550177');
		const [fromSupport] = await deliveredSms(1, SAMPLE_RECIPIENT, NUMBER_SUPPORT.phoneNumber);
		setSentAt(toSample, '2026-01-01T10:00:00Z');
		setSentAt(toOther, '2026-01-02T10:00:00Z');
		setSentAt(fromSupport, '2026-01-03T10:00:00Z');

		const byTo = await run({ operation: 'getMany', resource: 'message', to: '+1 (555) 555-0177' });
		expect(json(byTo).map((o) => o.id)).toEqual([toOther]);
		const byFrom = await run({ operation: 'getMany', resource: 'message', from: NUMBER_SUPPORT.phoneNumber });
		expect(json(byFrom).map((o) => o.id)).toEqual([fromSupport]);
		const byDate = await run({ operation: 'getMany', resource: 'message', dateSentAfter: '2026-01-01T12:00:00Z', dateSentBefore: '2026-01-03T09:00:00Z' });
		expect(json(byDate).map((o) => o.id)).toEqual([toOther]);
		const list = sandbox.state.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/Messages.json')).at(-1)!;
		expect(list.query).toMatchObject({ 'DateSent>': ['2026-01-01T12:00:00Z'], 'DateSent<': ['2026-01-03T09:00:00Z'] });
	});

	it('lists calls filtered by status', async () => {
		const done = await placeCall();
		const busy = await placeCall(MAGIC_CALL_TO.busy);
		await Promise.all([callSettled(done.sid), callSettled(busy.sid)]);
		const r = await run({ operation: 'getMany', resource: 'call', callStatus: 'busy' });
		expect(json(r)).toEqual([expect.objectContaining({ id: busy.sid, channel: 'call', status: 'busy', isFinal: true, isSuccess: false })]);
		const all = await run({ operation: 'getMany', resource: 'call', to: SAMPLE_RECIPIENT });
		expect(json(all).map((o) => o.id)).toEqual([done.sid]);
	});

	describe('Conversation', () => {
		const A = MAIN;
		const B = SAMPLE_RECIPIENT;

		/** A→B, B→A, A→B (two segments), B→A, A→B, each a minute apart, plus messages with third parties. */
		async function conversation(): Promise<string[]> {
			const long = 'x'.repeat(200);
			const out1 = (await twilio.messages.create({ to: B, from: A, body: 'Are you there?' })).sid;
			const in1 = await inboundSms(B, A, 'Yes');
			const out2 = (await twilio.messages.create({ to: B, from: A, body: long })).sid;
			const in2 = await inboundSms(B, A, 'Got it');
			const out3 = (await twilio.messages.create({ to: B, from: A, body: 'Bye' })).sid;
			const noise = [(await twilio.messages.create({ to: '+15555550177', from: A, body: 'Other' })).sid, await inboundSms('+15555550177', A, 'Other in')];
			const ordered = [out1, in1, out2, in2, out3];
			await Promise.all([out1, out2, out3, noise[0]].map(messageSettled));
			ordered.forEach((sid, n) => setSentAt(sid, `2026-04-01T09:0${n}:00Z`));
			noise.forEach((sid) => setSentAt(sid, '2026-04-01T09:02:30Z'));
			return ordered;
		}

		const conversationParams = (extra: INodeParameters = {}): INodeParameters => ({
			operation: 'getMany',
			resource: 'message',
			messageQuery: 'conversation',
			numberA: { __rl: true, mode: 'list', value: A },
			numberB: B,
			returnAll: true,
			...extra,
		});

		it('merges both directions oldest first and leaves other parties out', async () => {
			const ordered = await conversation();
			const r = await run(conversationParams({ options: { pageSize: 2 } }));
			const out = json(r);
			expect(out.map((o) => o.id)).toEqual(ordered);
			expect(out.map((o) => `${o.from}>${o.to}`)).toEqual([`${A}>${B}`, `${B}>${A}`, `${A}>${B}`, `${B}>${A}`, `${A}>${B}`]);
			expect(out.map((o) => o.status)).toEqual(['delivered', 'received', 'delivered', 'received', 'delivered']);
		});

		it('with a limit keeps the newest messages, still oldest first', async () => {
			const ordered = await conversation();
			const r = await run(conversationParams({ returnAll: false, limit: 3 }));
			expect(json(r).map((o) => o.id)).toEqual(ordered.slice(2));
		});

		it('summarizes counts by status, segments and price', async () => {
			await conversation();
			const sandboxTotal = [...sandbox.state.messages.values()]
				.filter((m) => (m.from === A && m.to === B) || (m.from === B && m.to === A))
				.reduce((sum, m) => sum + Number(m.price), 0);
			const r = await run(conversationParams({ output: 'summary' }));
			const [summary] = json(r);
			expect(json(r)).toHaveLength(1);
			expect(summary).toMatchObject({
				resource: 'message',
				total: 5,
				byStatus: { delivered: 3, received: 2 },
				successful: 5,
				failed: 0,
				pending: 0,
				// 1 + 1 + 2 (200 GSM-7 characters) + 1 + 1
				totalSegments: 6,
				totalPrice: -0.0474,
				pricedCount: 5,
				priceUnit: 'USD',
				firstAt: '2026-04-01T09:00:00.000Z',
				lastAt: '2026-04-01T09:04:00.000Z',
				numberA: A,
				numberB: B,
				fromAtoB: 3,
				fromBtoA: 2,
			});
			expect(summary.totalPrice).toBeCloseTo(sandboxTotal, 5);
		});

		it('summary counts failures and pending messages apart', async () => {
			await deliveredSms(2);
			const [bad] = await deliveredSms(1, MAGIC_TO.landline);
			await scheduledSms();
			const r = await run({ operation: 'getMany', resource: 'message', returnAll: true, output: 'summary' });
			expect(json(r)[0]).toMatchObject({ total: 4, byStatus: { delivered: 2, undelivered: 1, scheduled: 1 }, successful: 2, failed: 1, pending: 1, pricedCount: 3 });
			expect(sandbox.state.message(bad)!.errorCode).toBe(30006);
		});
	});

	it('an inverted date range or a bad number fails that item, naming field, value and item', async () => {
		await deliveredSms(1);
		const r = await run(
			{ operation: 'getMany', resource: 'message', to: '={{ $json.to }}', dateSentAfter: '={{ $json.after }}', dateSentBefore: '={{ $json.before }}', output: 'summary' },
			[
				{ to: '', after: '2026-02-01T00:00:00Z', before: '2026-01-01T00:00:00Z' },
				{ to: SAMPLE_RECIPIENT, after: '', before: '' },
				{ to: '5550123', after: '', before: '' },
			],
			{ continueOnFail: true },
		);
		const [inverted, ok, badTo] = json(r);
		expect(inverted.error).toBe('Invalid Sent After "2026-02-01T00:00:00Z" in item 0: is later than Sent Before (2026-01-01T00:00:00.000Z), so no message can match');
		expect(inverted.errorDescription).toBe('Swap the two dates, or clear one of them');
		expect(ok).toMatchObject({ total: 1 });
		expect(badTo.error).toBe('Invalid To "5550123" in item 2: not a phone number in E.164 format (the leading + and country code are missing)');
		expect(paired(r)).toEqual([0, 1, 2]);
	});
});

describe('bad input under continueOnFail', () => {
	it('names field, value and item, and keeps the good items', async () => {
		const sms = await sendSms();
		await messageSettled(sms.sid);
		const r = await run(
			{ operation: 'get', id: '={{ $json.id }}', waitForFinal: true, timeout: '={{ $json.timeout }}', options: { pollInterval: 0.05 } },
			[
				{ id: 'hello', timeout: 5 },
				{ id: sms.sid, timeout: 601 },
				{ id: sms.sid, timeout: 5 },
				{ id: sms.sid, timeout: 0 },
			],
			{ continueOnFail: true },
		);
		const out = json(r);
		expect(out[0].error).toBe(
			'Invalid ID "hello" in item 0: matches no known id format: expected a message SID (SM… or MM…), or a call SID (CA…), or a Resend email id (a UUID)',
		);
		expect(out[1].error).toBe('Invalid Timeout (Seconds) 601 in item 1: out of range (1 to 600)');
		expect(out[2]).toMatchObject({ id: sms.sid, status: 'delivered', isFinal: true });
		expect(out[3].error).toBe('Invalid Timeout (Seconds) 0 in item 3: out of range (1 to 600)');
		expect(paired(r)).toEqual([0, 1, 2, 3]);
	});

	it('without continueOnFail the first bad item stops the run with a NodeOperationError', async () => {
		const r = await run({ operation: 'get', id: 'CA123' });
		expect(r.error?.message).toMatch(/^Invalid ID "CA123" in item 0/);
		expect((r.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(0);
	});
});
