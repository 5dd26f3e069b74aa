/*
 * Message Status in n8n-core's WorkflowExecute against the sandbox: Get for every channel with
 * auto-detection, waiting for a final status (delivered, undelivered with its error explained,
 * timeout with and without an error), Get Many paging, conversations and summaries, and bad items
 * under continueOnFail.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { ResendApi } from '../../credentials/ResendApi.credentials';
import { TwilioApi } from '../../credentials/TwilioApi.credentials';
import { MessageStatus } from '../../nodes/MessageStatus/MessageStatus.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import { MAGIC_CALL_TO } from '../../sandbox/twilio/calls-state';
import { MAGIC_TO, MESSAGING_SERVICE, NUMBER_MAIN, NUMBER_SUPPORT, RESEND_FROM, RESEND_FULL_KEY, RESEND_MAGIC_TO, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { itemsSource, runWorkflow, type EngineResult } from '../support/engine';
import { RESEND_CREDENTIAL_REF, resendCredential } from '../support/resendWorkflows';
import { TWILIO_CREDENTIAL_REF, twilioCredential } from '../support/twilioWorkflows';
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
const NODE = 'Message Status';

/** Items → Message Status, with the Twilio and/or Resend sandbox credentials selected. */
async function run(
	parameters: INodeParameters,
	items: IDataObject[] = [{}],
	opts: { continueOnFail?: boolean; credentials?: Array<'twilio' | 'resend'> } = {},
): Promise<EngineResult> {
	const use = opts.credentials ?? ['twilio', 'resend'];
	const source = itemsSource(items);
	const node: INode = {
		id: 'message-status',
		name: NODE,
		type: 'CUSTOM.messageStatus',
		typeVersion: 1,
		position: [200, 0],
		parameters,
		credentials: {
			...(use.includes('twilio') ? { twilioCommsApi: TWILIO_CREDENTIAL_REF } : {}),
			...(use.includes('resend') ? { resendCommsApi: RESEND_CREDENTIAL_REF } : {}),
		},
		...(opts.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	return runWorkflow(
		{ nodes: [source, node], connections: { [source.name]: { main: [[{ node: NODE, type: 'main', index: 0 }]] } } },
		{
			nodeTypes: { 'CUSTOM.messageStatus': new MessageStatus() },
			credentialTypes: { twilioCommsApi: new TwilioApi(), resendCommsApi: new ResendApi() },
			credentials: [twilioCredential(sandbox.url), resendCredential(sandbox.url)],
			timeoutMs: 30_000,
		},
	);
}

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

	it('an unknown SID is a Twilio 20404 with its link, secrets never shown', async () => {
		const r = await run({ operation: 'get', id: 'SM' + '0'.repeat(32) }, [{}], { continueOnFail: true });
		const [out] = json(r);
		expect(out.error).toMatch(/^Twilio error 20404/);
		expect(out.errorCode).toBe(20404);
		expect(JSON.stringify(out)).not.toContain(RESEND_FULL_KEY.token);
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

	it('on timeout outputs the last status with isFinal false and no error', async () => {
		const sms = await scheduledSms();
		const started = Date.now();
		const r = await run(waitParams({ timeout: 1 }), [{ id: sms.sid }]);
		const elapsed = Date.now() - started;
		expect(r.error).toBeUndefined();
		expect(json(r)[0]).toMatchObject({ id: sms.sid, status: 'scheduled', isFinal: false, isSuccess: false, timedOut: true });
		expect(json(r)[0].polls).toBeGreaterThan(3);
		expect(elapsed).toBeGreaterThanOrEqual(1000);
		expect(elapsed).toBeLessThan(5000);
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
		const started = Date.now();
		const r = await run(waitParams({ timeout: 1 }), stuck.map((m) => ({ id: m.sid })));
		expect(json(r).map((o) => o.timedOut)).toEqual([true, true, true]);
		expect(Date.now() - started).toBeLessThan(2500);
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
