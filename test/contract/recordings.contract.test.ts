/**
 * Recordings against Twilio's official 2010 OpenAPI spec: the Record options Voice Message and
 * Outbound Call send, every request Message Status's List Call Recordings and Download Recording
 * send, and the sandbox's answers. The media download (`…/Recordings/{Sid}.mp3|.wav`) has no
 * operation in the spec (Twilio documents it as the resource URL with another extension), so its
 * request is checked as the Recording fetch it stands for, and its answer as audio, not JSON.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { checkRecordedRequests } from '../support/contract';
import { runMessageStatus } from '../support/messageStatusWorkflows';
import { loadSpec, validateRequest, validateResponse, type OpenApiSpec } from '../support/openapi';
import { runNode } from '../support/twilioWorkflows';
import { sdk, waitFor } from '../sandbox/helpers';

let sandbox: Sandbox;
let spec: OpenApiSpec;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 10 });
	spec = loadSpec('twilio_api_v2010.json');
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const hook = 'https://n8n.example.com/webhook/0d6a/webhook';
const MEDIA = /^(.*\/Recordings\/RE[0-9a-f]{32})(\.mp3|\.wav)?$/;

/** Every recorded request: spec-checked, with the media requests checked as the fetch of their recording. */
function checkAll(since = 0): { checked: number; media: number } {
	const requests = sandbox.state.requests.slice(since).filter((r) => !r.path.startsWith('/__sandbox'));
	let media = 0;
	for (const r of requests) {
		if (r.route !== 'twilio.recordings.media') continue;
		media++;
		const asFetch = r.path.replace(MEDIA, '$1.json');
		const req = validateRequest(spec, { method: r.method, path: asFetch, query: r.query });
		expect({ request: `${r.method} ${r.path}`, errors: req.errors }).toEqual({ request: `${r.method} ${r.path}`, errors: [] });
		expect(r.query).toEqual({});
		if (r.status === 200) expect(r.responseBody).toEqual({ binary: true, bytes: expect.any(Number) });
	}
	// Everything else through the shared check, which knows no media: hide those from it.
	const others = requests.filter((r) => r.route !== 'twilio.recordings.media');
	const view = { state: { requests: others } } as unknown as Sandbox;
	return { checked: checkRecordedRequests(view, () => spec), media };
}

async function recordedCall(): Promise<{ callSid: string; recordingSid: string }> {
	const call = await sdk(sandbox).calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response><Say>Hi</Say></Response>', record: true });
	const rec = await waitFor(() => [...sandbox.state.recordings.values()].find((r) => r.callSid === call.sid && r.status === 'completed'), 3000, 'recording');
	return { callSid: call.sid, recordingSid: rec.sid };
}

describe('the Record options match the Calls create spec', () => {
	const options = { record: true, recordingStatusCallback: hook, recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'] };

	it('Voice Message', async () => {
		const r = await runNode({ type: 'CUSTOM.voiceMessage', parameters: { to: SAMPLE_RECIPIENT, message: 'Hello', options } as never, items: [{}], baseUrl: sandbox.url });
		expect(r.error).toBeUndefined();
		const [create] = sandbox.state.requests;
		expect(create.form).toMatchObject({
			Record: ['true'],
			RecordingStatusCallback: [hook],
			RecordingStatusCallbackMethod: ['POST'],
			RecordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
		});
		expect(checkAll()).toEqual({ checked: 1, media: 0 });
	});

	it('Outbound Call', async () => {
		const r = await runNode({ type: 'CUSTOM.outboundCall', parameters: { to: SAMPLE_RECIPIENT, options: { ...options, recordingStatusCallbackEvent: ['completed'] } } as never, items: [{}], baseUrl: sandbox.url });
		expect(r.error).toBeUndefined();
		expect(sandbox.state.requests[0].form).toMatchObject({ RecordingStatusCallbackEvent: ['completed'] });
		expect(checkAll()).toEqual({ checked: 1, media: 0 });
	});
});

describe('Message Status recording requests match the spec', () => {
	it('List Call Recordings: the account-level list filtered by CallSid, and its answer', async () => {
		const rec = await recordedCall();
		const since = sandbox.state.requests.length;
		const r = await runMessageStatus({ baseUrl: sandbox.url, parameters: { operation: 'listRecordings', callSid: rec.callSid }, credentials: ['twilio'] });
		expect(r.error).toBeUndefined();
		expect(checkAll(since)).toEqual({ checked: 1, media: 0 });
	});

	it.each(['mp3', 'wav'])('Download Recording (%s): the fetch and its answer, and the media request', async (format) => {
		const rec = await recordedCall();
		const since = sandbox.state.requests.length;
		const r = await runMessageStatus({ baseUrl: sandbox.url, parameters: { operation: 'downloadRecording', recordingSid: rec.recordingSid, format }, credentials: ['twilio'] });
		expect(r.error).toBeUndefined();
		expect(checkAll(since)).toEqual({ checked: 1, media: 1 });
	});

	it('the sandbox answers the other recording reads in the spec shape (SDK)', async () => {
		const rec = await recordedCall();
		const since = sandbox.state.requests.length;
		const client = sdk(sandbox);
		await client.recordings(rec.recordingSid).fetch();
		await client.recordings.list({ callSid: rec.callSid, pageSize: 5 });
		await client.calls(rec.callSid).recordings.list();
		await client.calls(rec.callSid).recordings(rec.recordingSid).fetch();
		expect(checkAll(since)).toEqual({ checked: 4, media: 0 });
	});

	it('a media path is not a spec operation, but its JSON twin is', () => {
		const path = `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Recordings/RE${'0'.repeat(32)}`;
		expect(validateRequest(spec, { method: 'GET', path: `${path}.mp3` }).errors[0]).toMatch(/no operation matches/);
		expect(validateRequest(spec, { method: 'GET', path: `${path}.json` }).errors).toEqual([]);
		expect(validateResponse(spec, { method: 'GET', path: `${path}.json`, status: 200, body: { sid: 'nope' } }).errors.length).toBeGreaterThan(0);
	});
});
