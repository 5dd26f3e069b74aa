/**
 * The sandbox playing the callee of "call and wait for acknowledgement": scripted phones that answer,
 * ring out, are busy or are voicemail, press keys into <Gather> and hang up, driven with the real
 * twilio SDK. Every request the sandbox makes is checked with the SDK's own validateRequest, an
 * oracle independent of both the sandbox's signer and the nodes.
 */
import twilio from 'twilio';
import type { Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { CallRecord } from '../../sandbox/twilio/calls-state';
import { APPLICATION_ERROR } from '../../sandbox/twilio/calls-run';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec } from '../support/openapi';
import { postJson, request, sdk, waitFor, type ReceivedRequest, type Receiver, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;
let answer: (r: ReceivedRequest) => { status?: number; contentType?: string; body?: string };

/** statusStepMs paces queued → ringing; each script sets its own call second. */
useSandboxAndReceiver({ statusStepMs: 15, answer: (r) => answer(r) }, (s, r) => {
	sandbox = s;
	receiver = r;
});
// A call's last status callback may still be on its way when the test has seen the call end.
afterEach(() => sandbox.callbacksIdle());
beforeEach(() => {
	answer = (r) => (r.url.includes('/ack') ? twiml('<Say>Thank you. Acknowledged.</Say>') : { status: 204 });
});

const CALLEE = SAMPLE_RECIPIENT;
const SECOND_MS = 20;
const twiml = (inner: string) => ({ contentType: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>` });
const xmlAttr = (s: string) => s.replace(/&/g, '&amp;');

/** The resume URL shape n8n gives a waiting execution: a path plus a signature in the query. */
const resumeUrl = () => `${receiver.url}/ack/webhook-waiting/42?signature=5a4db0c5&x=a%20b`;

/** What the node will send: a Gather whose action is the resume URL, repeated, then goodbye. */
function ackTwiml(action: string, repeats = 2, extra = ''): string {
	const gather = `<Gather numDigits="1" action="${xmlAttr(action)}" method="POST" timeout="2"${extra}><Say>Disk full on db1. Press any key.</Say></Gather>`;
	return `<Response>${gather.repeat(repeats)}<Say>No acknowledgement. Goodbye.</Say><Hangup/></Response>`;
}

const setCallee = (script: Record<string, unknown>, number = CALLEE) => postJson(`${sandbox.url}/__sandbox/callee`, { number, script });

function isSigned(r: ReceivedRequest): boolean {
	const signature = r.headers['x-twilio-signature'];
	return typeof signature === 'string' && twilio.validateRequest(FULL_ACCOUNT.authToken, signature, r.url, r.method === 'GET' ? {} : r.params);
}

const ended = (sid: string, timeoutMs = 10_000): Promise<CallRecord> =>
	waitFor(() => {
		const c = sandbox.state.calls.get(sid);
		return c && ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(c.status) ? c : undefined;
	}, timeoutMs, `call ${sid} to end`);

const received = (path: string) => receiver.requests.filter((r) => new URL(r.url).pathname.startsWith(path));
/** Status callbacks carry CallbackSource; a Gather action carries Digits instead. */
const statusCallbacks = () => receiver.requests.filter((r) => r.params.CallbackSource === 'call-progress-events');
const finalCallback = (sid: string) =>
	waitFor(() => statusCallbacks().find((r) => r.params.CallSid === sid && ['completed', 'busy', 'no-answer', 'failed'].includes(String(r.params.CallStatus))), 5000, 'the final status callback');

async function placeCall(opts: Partial<Parameters<ReturnType<typeof sdk>['calls']['create']>[0]> = {}) {
	return sdk(sandbox).calls.create({ to: CALLEE, from: NUMBER_MAIN.phoneNumber, twiml: ackTwiml(resumeUrl()), statusCallback: resumeUrl(), statusCallbackEvent: ['completed'], ...opts });
}

describe('callee scripts: <Gather> as Twilio runs it', () => {
	it('a callee who presses 1: the action gets a signed POST with Digits=1 and its TwiML replaces the rest of the call', async () => {
		await setCallee({ answer: 'human', afterMs: 20, press: { digits: '1', afterMs: 30 }, secondMs: SECOND_MS });
		const call = await placeCall({ statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] });
		const done = await ended(call.sid);
		expect(done.status).toBe('completed');

		const ack = received('/ack').filter((r) => r.params.Digits !== undefined);
		expect(ack).toHaveLength(1);
		expect(ack[0].method).toBe('POST');
		expect(ack[0].url).toBe(resumeUrl());
		expect(isSigned(ack[0])).toBe(true);
		expect(ack[0].params).toMatchObject({
			Digits: '1',
			CallSid: call.sid,
			AccountSid: FULL_ACCOUNT.sid,
			CallStatus: 'in-progress',
			Direction: 'outbound-api',
			From: NUMBER_MAIN.phoneNumber,
			To: CALLEE,
			ApiVersion: '2010-04-01',
		});
		expect(ack[0].params.FinishedOnKey).toBeUndefined();

		// The key cut the prompt short; the action's TwiML was played and the second Gather never ran.
		expect(done.heard).toEqual([
			{
				verb: 'Gather',
				action: resumeUrl(),
				numDigits: 1,
				timeout: 2,
				digits: '1',
				children: [{ verb: 'Say', text: 'Disk full on db1. Press any key.', voice: null, language: null, loop: 1, interrupted: true }],
				request: { url: resumeUrl(), method: 'POST', status: 200, contentType: 'text/xml', body: expect.stringContaining('Acknowledged'), error: null },
			},
			{ verb: 'Say', text: 'Thank you. Acknowledged.', voice: null, language: null, loop: 1 },
		]);
		expect(done.twimlError).toBeNull();

		// The status callbacks went to the same resume URL, signed, in order, the last after the action.
		const final = await finalCallback(call.sid);
		const callbacks = statusCallbacks();
		expect(callbacks.map((r) => r.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
		expect(callbacks.every(isSigned)).toBe(true);
		expect(callbacks.every((r) => r.url === resumeUrl())).toBe(true);
		expect(receiver.requests.indexOf(final)).toBeGreaterThan(receiver.requests.indexOf(ack[0]));
		expect(final.params.CallDuration).toBe(String(done.duration));
		expect(Number(final.params.CallDuration)).toBeGreaterThanOrEqual(1);
		expect(final.params.AnsweredBy).toBeUndefined();
		// Gather requests are webhooks, logged with the call.
		expect(sandbox.state.webhooks.filter((w) => w.kind === 'call-gather' && w.callSid === call.sid).map((w) => w.status)).toEqual([200]);
	});

	it('a callee who never presses: the prompt repeats as the TwiML says, then goodbye, and a signed completed callback', async () => {
		await setCallee({ answer: 'human', afterMs: 10, secondMs: SECOND_MS });
		const call = await placeCall();
		const done = await ended(call.sid);
		const prompt = { verb: 'Say', text: 'Disk full on db1. Press any key.', voice: null, language: null, loop: 1 };
		const unanswered = { verb: 'Gather', action: resumeUrl(), numDigits: 1, timeout: 2, digits: null, children: [prompt] };
		expect(done.heard).toEqual([unanswered, unanswered, { verb: 'Say', text: 'No acknowledgement. Goodbye.', voice: null, language: null, loop: 1 }, { verb: 'Hangup', attributes: {} }]);
		// Nothing was pressed, so the action was never requested: only the completed callback arrived.
		const final = await finalCallback(call.sid);
		expect(receiver.requests).toEqual([final]);
		expect(isSigned(final)).toBe(true);
		expect(final.params).toMatchObject({ CallStatus: 'completed', CallSid: call.sid, CallbackSource: 'call-progress-events' });
		// Each round: a 7-word prompt (3 s at 150 words a minute) and a 2 s timeout; then 2 s of goodbye.
		expect(Number(final.params.CallDuration)).toBeGreaterThanOrEqual(2 * (3 + 2) + 2);
		expect(final.params.CallDuration).toBe(String(done.duration));
		expect(done.price).toBe('-0.01400');
	});

	it('a wrong digit: the action gets Digits=5, answers with a new prompt, and the next key reaches it too', async () => {
		answer = (r) => {
			if (!r.url.includes('/ack')) return { status: 204 };
			return r.params.Digits === '1'
				? twiml('<Say>Acknowledged.</Say>')
				: twiml(`<Gather numDigits="1" action="/ack/again"><Say>Please press 1.</Say></Gather><Say>Goodbye.</Say>`);
		};
		await setCallee({ afterMs: 10, press: [{ digits: '5', afterMs: 10 }, { digits: '1', afterMs: 10 }], secondMs: SECOND_MS });
		const call = await placeCall();
		const done = await ended(call.sid);
		const actions = receiver.requests.filter((r) => r.params.Digits !== undefined);
		expect(actions.map((r) => [new URL(r.url).pathname, r.params.Digits])).toEqual([
			['/ack/webhook-waiting/42', '5'],
			// A relative action resolves against the URL whose answer held it.
			['/ack/again', '1'],
		]);
		expect(actions.every(isSigned)).toBe(true);
		expect(done.heard.map((h) => h.verb)).toEqual(['Gather', 'Gather', 'Say']);
		expect(done.heard[2]).toMatchObject({ text: 'Acknowledged.' });
	});

	it('finishOnKey ends the input and is reported, not sent as a digit; without it Twilio waits `timeout` after the last key', async () => {
		await setCallee({ afterMs: 10, press: [{ digits: '42#9' }, { digits: '77' }], secondMs: SECOND_MS });
		answer = (r) =>
			new URL(r.url).pathname === '/pin1'
				? twiml(`<Gather action="/pin2" timeout="1" finishOnKey=""><Say>Again?</Say></Gather>`)
				: twiml('');
		const call = await sdk(sandbox).calls.create({
			to: CALLEE,
			from: NUMBER_MAIN.phoneNumber,
			twiml: `<Response><Gather action="${receiver.url}/pin1" timeout="1"><Say>PIN?</Say></Gather></Response>`,
		});
		const done = await ended(call.sid);
		expect(receiver.requests.map((r) => [new URL(r.url).pathname, r.params.Digits, r.params.FinishedOnKey])).toEqual([
			['/pin1', '42', '#'],
			['/pin2', '77', undefined],
		]);
		expect(done.heard.slice(0, 2)).toMatchObject([
			{ verb: 'Gather', digits: '42', finishedOnKey: '#' },
			{ verb: 'Gather', digits: '77' },
		]);
		expect(done.heard[1]).not.toHaveProperty('finishedOnKey');
		// The second Gather waited its 1 s timeout after the keys before posting them.
		const [first, second] = sandbox.state.webhooks.filter((w) => w.callSid === call.sid && w.kind === 'call-gather');
		expect(second.at.getTime() - first.at.getTime()).toBeGreaterThanOrEqual(SECOND_MS);
	});

	it('actionOnEmptyResult="true" requests the action with empty Digits; method="GET" signs the query string', async () => {
		await setCallee({ afterMs: 10, secondMs: SECOND_MS });
		const call = await sdk(sandbox).calls.create({
			to: CALLEE,
			from: NUMBER_MAIN.phoneNumber,
			twiml: `<Response><Gather action="${receiver.url}/empty?k=v" method="GET" timeout="1" actionOnEmptyResult="true"><Pause length="1"/></Gather><Say>Not reached.</Say></Response>`,
		});
		const done = await ended(call.sid);
		const [empty] = received('/empty');
		expect(empty.method).toBe('GET');
		const query = Object.fromEntries(new URL(empty.url).searchParams);
		expect(query).toMatchObject({ k: 'v', Digits: '', CallSid: call.sid, CallStatus: 'in-progress' });
		expect(isSigned(empty)).toBe(true);
		// The action answered 204 with no TwiML: Twilio cannot parse that, says so and hangs up.
		expect(done.heard.map((h) => h.verb)).toEqual(['Gather', 'Say']);
		expect(done.heard[1]).toMatchObject({ text: APPLICATION_ERROR, applicationError: expect.stringMatching(/^12100 /) });
	});

	it('an action that answers 500, or JSON, is "an application error": the callee hears it and the call ends', async () => {
		await setCallee({ afterMs: 10, press: { digits: '1', afterMs: 0 }, secondMs: SECOND_MS });
		answer = (r) => (r.url.includes('/ack') ? { status: 500, body: 'boom' } : { status: 204 });
		const failed = await ended((await placeCall()).sid);
		expect(failed.status).toBe('completed');
		expect(failed.twimlError).toBe('11200 HTTP retrieval failure: 500');
		expect(failed.heard.map((h) => h.verb)).toEqual(['Gather', 'Say']);
		expect(failed.heard[0]).toMatchObject({ digits: '1', request: { status: 500, body: 'boom', error: '11200 HTTP retrieval failure: 500' } });
		expect(failed.heard[1]).toEqual({ verb: 'Say', text: APPLICATION_ERROR, voice: null, language: null, loop: 1, applicationError: '11200 HTTP retrieval failure: 500' });

		answer = (r) => (r.url.includes('/ack') ? { contentType: 'application/json', body: '{"ok":true}' } : { status: 204 });
		const json = await ended((await placeCall()).sid);
		expect(json.twimlError).toBe('12300 Invalid Content-Type: application/json');
		expect(json.heard.at(-1)).toMatchObject({ text: APPLICATION_ERROR });
	});

	it('follows a TwiML Url: the Gather action is relative to it, and <Redirect> fetches the next document', async () => {
		answer = (r) => {
			const path = new URL(r.url).pathname;
			if (path === '/voice/start') return twiml('<Gather numDigits="1" action="ack"><Say>Press a key.</Say></Gather>');
			if (path === '/voice/ack') return twiml('<Redirect method="GET">/voice/bye</Redirect>');
			if (path === '/voice/bye') return twiml('<Say>Bye.</Say>');
			return { status: 204 };
		};
		await setCallee({ afterMs: 10, press: { digits: '3', afterMs: 5 }, secondMs: SECOND_MS });
		const call = await sdk(sandbox).calls.create({ to: CALLEE, from: NUMBER_MAIN.phoneNumber, url: `${receiver.url}/voice/start` });
		const done = await ended(call.sid);
		expect(receiver.requests.map((r) => [r.method, new URL(r.url).pathname])).toEqual([
			['POST', '/voice/start'],
			['POST', '/voice/ack'],
			['GET', '/voice/bye'],
		]);
		expect(receiver.requests.every(isSigned)).toBe(true);
		expect(done.heard.map((h) => h.verb)).toEqual(['Gather', 'Redirect', 'Say']);
		expect(done.heard[1]).toMatchObject({ url: `${receiver.url}/voice/bye`, request: { method: 'GET', status: 200 } });
		expect(sandbox.state.webhooks.filter((w) => w.callSid === call.sid).map((w) => w.kind)).toEqual(['call-twiml', 'call-gather', 'call-redirect']);
	});

	it('a callee who hangs up during the prompt: nothing is posted to the action, the call completes', async () => {
		await setCallee({ afterMs: 10, press: { digits: '1', afterMs: 5000 }, hangUpAfterMs: 30, secondMs: SECOND_MS });
		const call = await placeCall();
		const done = await ended(call.sid);
		expect(done.status).toBe('completed');
		expect(done.heard).toEqual([expect.objectContaining({ verb: 'Gather', digits: null, children: [expect.objectContaining({ verb: 'Say', interrupted: true })] })]);
		const final = await finalCallback(call.sid);
		expect(receiver.requests).toEqual([final]);
	});

	it('TimeLimit ends an endless prompt', async () => {
		await setCallee({ afterMs: 10, secondMs: 5 });
		const call = await sdk(sandbox).calls.create({ to: CALLEE, from: NUMBER_MAIN.phoneNumber, twiml: '<Response><Say loop="0">Alarm.</Say></Response>', timeLimit: 20 });
		const done = await ended(call.sid);
		expect(done.status).toBe('completed');
		expect(done.heard).toEqual([{ verb: 'Say', text: 'Alarm.', voice: null, language: null, loop: 0, interrupted: true }]);
		expect(done.duration).toBeGreaterThanOrEqual(20);
	});
});

describe('callee scripts: answered or not', () => {
	it.each([
		['no-answer', { answer: 'no-answer' }, ['queued', 'ringing', 'no-answer']],
		['busy', { answer: 'busy', afterMs: 10 }, ['queued', 'ringing', 'busy']],
		['failed', { answer: 'failed' }, ['queued', 'failed']],
	])('%s: the final signed callback says so, with CallDuration 0 and no AnsweredBy', async (_name, script, history) => {
		await setCallee({ ...script, secondMs: SECOND_MS });
		const call = await placeCall({ timeout: 3, machineDetection: 'Enable', statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] });
		const done = await ended(call.sid);
		expect(done.statusHistory.map((s) => s.status)).toEqual(history);
		const final = await finalCallback(call.sid);
		expect(isSigned(final)).toBe(true);
		expect(final.params).toMatchObject({ CallStatus: history.at(-1), CallDuration: '0', CallSid: call.sid });
		expect(final.params.AnsweredBy).toBeUndefined();
		expect(statusCallbacks().map((r) => r.params.CallStatus)).toEqual(history.map((s) => (s === 'queued' ? 'initiated' : s)));
		expect(done.heard).toEqual([]);
		expect(received('/ack').filter((r) => r.params.Digits !== undefined)).toEqual([]);
		const fetched = await sdk(sandbox).calls(call.sid).fetch();
		expect(fetched).toMatchObject({ status: history.at(-1), duration: '0', price: null });
	});

	it('a slow callee is as slow as the script says, in wall-clock ms, whatever the call second', async () => {
		await setCallee({ answer: 'human', afterMs: 150, secondMs: 5 });
		// Timeout 3 is 15 ms of call time: the script's ring time is not cut short by it.
		const call = await placeCall({ timeout: 3 });
		const done = await ended(call.sid);
		const [, ringing, answered] = done.statusHistory;
		expect(answered.status).toBe('in-progress');
		expect(answered.at.getTime() - ringing.at.getTime()).toBeGreaterThanOrEqual(148);
	});

	it('no-answer rings for the call’s Timeout in call seconds', async () => {
		await setCallee({ answer: 'no-answer', secondMs: SECOND_MS });
		const call = await placeCall({ timeout: 5 });
		const done = await ended(call.sid);
		const [, ringing, noAnswer] = done.statusHistory;
		expect(noAnswer.at.getTime() - ringing.at.getTime()).toBeGreaterThanOrEqual(5 * SECOND_MS - 2);
	});

	it.each([
		['Enable', 'machine_start'],
		['DetectMessageEnd', 'machine_end_beep'],
	])('voicemail with MachineDetection=%s: AnsweredBy=%s in the answered and completed callbacks; it never presses', async (amd, answeredBy) => {
		await setCallee({ answer: 'voicemail', afterMs: 10, press: { digits: '1' }, greetingMs: 60, secondMs: SECOND_MS });
		const call = await placeCall({ machineDetection: amd, statusCallbackEvent: ['answered', 'completed'] });
		const done = await ended(call.sid);
		expect(done.status).toBe('completed');
		expect(done.answeredBy).toBe(answeredBy);
		const final = await finalCallback(call.sid);
		const callbacks = statusCallbacks();
		expect(callbacks.map((r) => [r.params.CallStatus, r.params.AnsweredBy])).toEqual([
			['in-progress', answeredBy],
			['completed', answeredBy],
		]);
		expect(callbacks.every(isSigned)).toBe(true);
		expect(final.params.CallDuration).toBe(String(done.duration));
		// The machine heard both prompts and the goodbye: the message is on the tape.
		expect(done.heard.map((h) => h.verb)).toEqual(['Gather', 'Gather', 'Say', 'Hangup']);
		if (amd === 'DetectMessageEnd') {
			// The TwiML starts after the greeting's beep.
			const [, , inProgress, completed] = done.statusHistory;
			expect(completed.at.getTime() - inProgress.at.getTime()).toBeGreaterThanOrEqual(60 + 2 * 5 * SECOND_MS);
		}
	});

	it('voicemail without machine detection is just an answered call; a human with it is "human"', async () => {
		await setCallee({ answer: 'voicemail', afterMs: 10, secondMs: SECOND_MS });
		const plain = await ended((await placeCall()).sid);
		expect(plain).toMatchObject({ status: 'completed', answeredBy: null });
		expect((await finalCallback(plain.sid)).params.AnsweredBy).toBeUndefined();

		await setCallee({ answer: 'human', afterMs: 10, press: { digits: '9' }, secondMs: SECOND_MS });
		const human = await ended((await placeCall({ machineDetection: 'DetectMessageEnd' })).sid);
		expect(human.answeredBy).toBe('human');
		expect((await finalCallback(human.sid)).params.AnsweredBy).toBe('human');
	});

	it('AsyncAmd: the TwiML starts at once and the verdict is POSTed, signed, to AsyncAmdStatusCallback', async () => {
		await setCallee({ answer: 'voicemail', afterMs: 10, greetingMs: 40, secondMs: SECOND_MS });
		const call = await placeCall({
			machineDetection: 'DetectMessageEnd',
			asyncAmd: 'true',
			asyncAmdStatusCallback: `${receiver.url}/amd`,
			statusCallbackEvent: ['answered', 'completed'],
		});
		await ended(call.sid);
		const [amd] = await waitFor(() => received('/amd').length === 1 && received('/amd'), 5000, 'the AMD callback');
		expect(isSigned(amd)).toBe(true);
		expect(amd.params).toEqual({ AccountSid: FULL_ACCOUNT.sid, AnsweredBy: 'machine_end_beep', CallSid: call.sid, MachineDetectionDuration: '2000' });
		// Answered before the verdict was known; completed after it.
		await finalCallback(call.sid);
		const callbacks = statusCallbacks();
		expect(callbacks.map((r) => [r.params.CallStatus, r.params.AnsweredBy])).toEqual([
			['in-progress', undefined],
			['completed', 'machine_end_beep'],
		]);
		expect(sandbox.state.webhooks.some((w) => w.kind === 'call-amd' && w.callSid === call.sid)).toBe(true);
	});
});

describe('callee scripts: admin API', () => {
	it('sets, lists and clears scripts; answers the script with its defaults; reset clears them', async () => {
		const set = await setCallee({ answer: 'busy' });
		expect(set.status).toBe(200);
		expect(set.json).toEqual({ number: CALLEE, script: { answer: 'busy', afterMs: 15, press: null, hangUpAfterMs: null, secondMs: 15, greetingMs: 75 } });
		await setCallee({ answer: 'no-answer', afterMs: 100 }, '+15555550124');
		expect((await request(`${sandbox.url}/__sandbox/callee`)).json.scripts.map((s: { number: string }) => s.number)).toEqual([CALLEE, '+15555550124']);
		const state = await request(`${sandbox.url}/__sandbox/state?requests=0`);
		expect(state.json.callees).toHaveLength(2);

		expect((await request(`${sandbox.url}/__sandbox/callee/${encodeURIComponent(CALLEE)}`, { method: 'DELETE' })).json).toEqual({ removed: 1 });
		expect([...sandbox.state.callees.keys()]).toEqual(['+15555550124']);
		sandbox.reset();
		expect(sandbox.state.callees.size).toBe(0);
		await setCallee({ answer: 'busy' });
		expect((await request(`${sandbox.url}/__sandbox/callee`, { method: 'DELETE' })).json).toEqual({ removed: 1 });
	});

	it.each([
		[{ number: '555', script: {} }, /E\.164/],
		[{ number: CALLEE, script: { answer: 'maybe' } }, /answer/],
		[{ number: CALLEE, script: { press: { digits: '1x' } } }, /digits/],
		[{ number: CALLEE, script: { press: [{ digits: '1', afterMs: -1 }] } }, /press\[0\]\.afterMs/],
		[{ number: CALLEE, script: { afterMs: 600_001 } }, /afterMs/],
		[{ number: CALLEE, script: { secondMs: 0 } }, /secondMs/],
		[{ number: CALLEE, script: { secondMs: 1001 } }, /secondMs/],
		[{ number: CALLEE, script: { presses: [] } }, /unknown script field/],
	])('refuses %j', async (body, message) => {
		const res = await postJson(`${sandbox.url}/__sandbox/callee`, body);
		expect(res.status).toBe(400);
		expect(res.json.error).toMatch(message);
		expect(sandbox.state.callees.size).toBe(0);
	});

	it('a number without a script is called exactly as before; the script is taken when the call is placed', async () => {
		const plain = await ended((await sdk(sandbox).calls.create({ to: CALLEE, from: NUMBER_MAIN.phoneNumber, twiml: ackTwiml(resumeUrl()) })).sid);
		expect(plain.script).toBeNull();
		expect(plain.duration).toBe(12);
		expect(plain.heard.map((h) => h.verb)).toEqual(['Gather', 'Gather', 'Say', 'Hangup']);
		expect(plain.heard[0]).not.toHaveProperty('digits');

		await setCallee({ answer: 'busy', afterMs: 30 });
		const call = await sdk(sandbox).calls.create({ to: CALLEE, from: NUMBER_MAIN.phoneNumber, twiml: '<Response/>' });
		await request(`${sandbox.url}/__sandbox/callee`, { method: 'DELETE' });
		expect((await ended(call.sid)).status).toBe('busy');
	});

	it('calls, their create parameters and the sandbox’s answers match the 2010 spec', async () => {
		const spec = loadSpec('twilio_api_v2010.json');
		await setCallee({ answer: 'busy', afterMs: 5 });
		const client = sdk(sandbox);
		const call = await client.calls.create({
			to: CALLEE,
			from: NUMBER_MAIN.phoneNumber,
			twiml: ackTwiml(resumeUrl()),
			statusCallback: resumeUrl(),
			statusCallbackEvent: ['initiated', 'completed'],
			machineDetection: 'DetectMessageEnd',
			asyncAmd: 'true',
			asyncAmdStatusCallback: `${receiver.url}/amd`,
			asyncAmdStatusCallbackMethod: 'POST',
			timeout: 10,
			timeLimit: 600,
		});
		await ended(call.sid);
		await client.calls(call.sid).fetch();
		await client.calls.list({ to: CALLEE, status: 'busy' });
		expect(checkRecordedRequests(sandbox, () => spec)).toBe(3);
	});

	it('refuses bad AsyncAmd and TimeLimit values as invalid parameters (21200)', async () => {
		const bad = (extra: Record<string, string>) =>
			request(`${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Calls.json`, {
				method: 'POST',
				headers: { Authorization: `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ To: CALLEE, From: NUMBER_MAIN.phoneNumber, Twiml: '<Response/>', ...extra }).toString(),
			});
		expect((await bad({ AsyncAmd: 'yes' })).json).toMatchObject({ status: 400, code: 21200 });
		expect((await bad({ TimeLimit: '0' })).json).toMatchObject({ status: 400, code: 21200 });
		expect((await bad({ AsyncAmdStatusCallback: 'ftp://x' })).json).toMatchObject({ status: 400, code: 21200 });
	});
});
