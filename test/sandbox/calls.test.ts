import type { Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, NUMBER_VOICE_ONLY, SAMPLE_RECIPIENT, TRIAL_ACCOUNT, NUMBER_TRIAL } from '../../sandbox/fixtures';
import { MAGIC_CALL_TO, VOICE_APPLICATION } from '../../sandbox/twilio/calls-state';
import { verifySignature } from '../../nodes/shared/twilio/signature';
import { basic, postForm, sdk, twilioFailure, waitFor, type Receiver, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;
const TWIML = '<Response><Say voice="alice">Server &lt;db1&gt; is down &amp; out</Say></Response>';

useSandboxAndReceiver({ statusStepMs: 15, answer: (r) =>
		r.url.includes('/twiml') ? { contentType: 'text/xml', body: '<Response><Play>https://example.com/a.mp3</Play></Response>' } : { status: 204 }, }, (s, r) => {
	sandbox = s;
	receiver = r;
});

const callsUrl = (account = FULL_ACCOUNT.sid) => `${sandbox.url}/2010-04-01/Accounts/${account}/Calls.json`;
const raw = (params: Record<string, string | string[]>, auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken), account = FULL_ACCOUNT.sid) =>
	postForm(callsUrl(account), params, auth);
const final = (sid: string) => waitFor(() => {
	const c = sandbox.state.calls.get(sid);
	return c && ['completed', 'busy', 'no-answer', 'failed'].includes(c.status) ? c : undefined;
}, 3000, `call ${sid} to end`);

describe('sandbox Calls: create, fetch, list', () => {
	it('creates a call with inline TwiML, keeps what the callee hears, and progresses to completed', async () => {
		const client = sdk(sandbox);
		const call = await client.calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: TWIML });
		expect(call).toMatchObject({ status: 'queued', to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, direction: 'outbound-api' });
		expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
		const done = await final(call.sid);
		expect(done.statusHistory.map((s) => s.status)).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
		expect(done.twiml).toBe(TWIML);
		expect(done.heard).toEqual([{ verb: 'Say', text: 'Server <db1> is down & out', voice: 'alice', language: null, loop: 1 }]);
		const fetched = await client.calls(call.sid).fetch();
		expect(fetched).toMatchObject({ status: 'completed', duration: '12', priceUnit: 'USD' });
		expect(fetched.startTime).toBeInstanceOf(Date);
		const list = await client.calls.list({ to: SAMPLE_RECIPIENT });
		expect(list.map((c) => c.sid)).toEqual([call.sid]);
		expect(sandbox.stats().createsAcceptedByKind.call).toBe(1);
	});

	it('fetches TwiML from Url when the call is answered, signed, and records it', async () => {
		const call = await sdk(sandbox).calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, url: `${receiver.url}/twiml`, method: 'GET' });
		const done = await final(call.sid);
		expect(done.heard).toEqual([{ verb: 'Play', url: 'https://example.com/a.mp3', loop: 1 }]);
		const fetch = receiver.requests.find((r) => r.url.includes('/twiml'))!;
		expect(fetch.method).toBe('GET');
		expect(verifySignature({ authToken: FULL_ACCOUNT.authToken, signature: fetch.headers['x-twilio-signature'] as string, url: fetch.url })).toEqual({ valid: true });
		expect(sandbox.state.webhooks.some((w) => w.kind === 'call-twiml' && w.callSid === call.sid)).toBe(true);
	});

	it('accepts the TwiML App and records a malformed document as a parse failure', async () => {
		const app = await sdk(sandbox).calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, applicationSid: VOICE_APPLICATION.sid });
		expect((await final(app.sid)).source).toEqual({ kind: 'application', sid: VOICE_APPLICATION.sid });
		const broken = await sdk(sandbox).calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response><Say>x</Response>' });
		expect((await final(broken.sid)).twimlError).toMatch(/^12100 Document parse failure/);
	});

	it('sends signed status callbacks for the requested events, in order', async () => {
		const call = await sdk(sandbox).calls.create({
			to: MAGIC_CALL_TO.machine,
			from: NUMBER_MAIN.phoneNumber,
			twiml: TWIML,
			machineDetection: 'DetectMessageEnd',
			statusCallback: `${receiver.url}/status`,
			statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
		});
		await final(call.sid);
		const callbacks = await waitFor(() => {
			const got = receiver.requests.filter((r) => r.url.endsWith('/status'));
			return got.length === 4 ? got : undefined;
		});
		expect(callbacks.map((r) => r.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
		expect(callbacks.map((r) => r.params.SequenceNumber)).toEqual(['0', '1', '2', '3']);
		expect(callbacks[2].params.AnsweredBy).toBe('machine_end_beep');
		expect(callbacks[3].params.CallDuration).toBe('12');
		for (const r of callbacks) {
			expect(verifySignature({ authToken: FULL_ACCOUNT.authToken, signature: r.headers['x-twilio-signature'] as string, url: r.url, params: r.params })).toEqual({ valid: true });
		}
	});

	it('only sends "completed" when no events are named', async () => {
		const call = await sdk(sandbox).calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: TWIML, statusCallback: `${receiver.url}/status` });
		await final(call.sid);
		const got = await waitFor(() => receiver.requests.filter((r) => r.url.endsWith('/status')).length === 1 && receiver.requests);
		expect(got.map((r) => r.params.CallStatus)).toEqual(['completed']);
	});

	it.each([
		[MAGIC_CALL_TO.busy, ['queued', 'ringing', 'busy']],
		[MAGIC_CALL_TO.noAnswer, ['queued', 'ringing', 'no-answer']],
		[MAGIC_CALL_TO.failed, ['queued', 'failed']],
	])('magic number %s ends %j', async (to, history) => {
		const call = await sdk(sandbox).calls.create({ to, from: NUMBER_MAIN.phoneNumber, twiml: TWIML });
		expect((await final(call.sid)).statusHistory.map((s) => s.status)).toEqual(history);
	});

	it.each([
		['To missing', { From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, 21201],
		['To malformed', { To: '12345', From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, 21211],
		['To magic invalid', { To: MAGIC_CALL_TO.invalid, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, 21217],
		['From missing', { To: SAMPLE_RECIPIENT, Twiml: TWIML }, 21213],
		['From invalid', { To: SAMPLE_RECIPIENT, From: '+15005550001', Twiml: TWIML }, 21212],
		['From not owned', { To: SAMPLE_RECIPIENT, From: '+15005550007', Twiml: TWIML }, 21210],
		['no instructions', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber }, 21205],
		['bad Url', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Url: 'ftp://x/y' }, 21205],
		['bad Method', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Url: 'https://x.example/y', Method: 'PUT' }, 21209],
		['unknown app', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, ApplicationSid: `AP${'1'.repeat(32)}` }, 21218],
		['TwiML too long', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: `<Response><Say>${'a'.repeat(4000)}</Say></Response>` }, 32018],
		['Timeout 0', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML, Timeout: '0' }, 21208],
		['Timeout 601', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML, Timeout: '601' }, 21208],
		['SendDigits', { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML, SendDigits: '12x' }, 21206],
		['unroutable', { To: MAGIC_CALL_TO.unroutable, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, 21214],
		['geo permission', { To: MAGIC_CALL_TO.noInternational, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, 21215],
		['blocked', { To: MAGIC_CALL_TO.blocked, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, 21216],
	])('rejects %s with %i before creating anything', async (_name, params, code) => {
		const res = await raw(params as Record<string, string>);
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
		expect(sandbox.state.calls.size).toBe(0);
	});

	it('allows a voice-only number as caller, refuses trial calls to unverified numbers, and checks auth', async () => {
		const ok = await raw({ To: SAMPLE_RECIPIENT, From: NUMBER_VOICE_ONLY.phoneNumber, Twiml: TWIML });
		expect(ok.status).toBe(201);
		const trial = await raw({ To: SAMPLE_RECIPIENT, From: NUMBER_TRIAL.phoneNumber, Twiml: TWIML }, basic(TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken), TRIAL_ACCOUNT.sid);
		expect(trial.json).toMatchObject({ code: 21219 });
		const unauth = await raw({ To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Twiml: TWIML }, basic(FULL_ACCOUNT.sid, 'f'.repeat(32)));
		expect(unauth.status).toBe(401);
		const missing = await twilioFailure(sdk(sandbox).calls(`CA${'0'.repeat(32)}`).fetch());
		expect(missing).toMatchObject({ status: 404, code: 20404 });
	});

	it('shows calls in the admin state with the TwiML and what was heard', async () => {
		await sdk(sandbox).calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: TWIML });
		const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as { calls: Array<{ sid: string; sandbox: { twiml: string } }> };
		expect(state.calls).toHaveLength(1);
		expect(state.calls[0].sandbox.twiml).toBe(TWIML);
	});
});
