/**
 * Every Calls request the Voice Message and Outbound Call nodes send, and every call the sandbox
 * returns, checked against Twilio's official 2010 OpenAPI spec. Unknown form keys are errors.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { MAGIC_CALL_TO, VOICE_APPLICATION } from '../../sandbox/twilio/calls-state';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
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

const checkRecorded = () => checkRecordedRequests(sandbox, () => spec);

const hook = 'https://n8n.example.com/webhook/twilio';

describe('Voice Message requests match the Twilio 2010 spec', () => {
	it.each([
		['plain message', { to: SAMPLE_RECIPIENT, message: 'Hello' }],
		[
			'every option',
			{
				to: SAMPLE_RECIPIENT,
				message: 'Alert',
				voice: 'alice',
				language: 'en-GB',
				loop: 3,
				pauseSeconds: 2,
				audioUrl: 'https://cdn.example.com/a.mp3',
				options: {
					acknowledge: true,
					acknowledgeUrl: `${hook}/ack`,
					machineDetection: 'DetectMessageEnd',
					machineDetectionTimeout: 40,
					record: true,
					statusCallback: `${hook}/status`,
					statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
					timeout: 30,
				},
			},
		],
	])('%s', async (_name, parameters) => {
		const r = await runNode({ type: 'CUSTOM.voiceMessage', parameters: parameters as never, items: [{}], baseUrl: sandbox.url, continueOnFail: true });
		expect(r.outputs(r.nodeName)[0].json.error).toBeUndefined();
		expect(checkRecorded()).toBe(1);
	});
});

describe('Outbound Call requests match the Twilio 2010 spec', () => {
	it.each([
		['demo', {}],
		['TwiML URL', { instructions: 'url', url: 'https://example.com/twiml', method: 'GET' }],
		['inline TwiML', { instructions: 'twiml', twiml: '<Response><Hangup/></Response>' }],
		['application', { instructions: 'application', applicationSid: VOICE_APPLICATION.sid }],
		[
			'every option',
			{
				options: {
					callerId: '+15555550100',
					machineDetection: 'Enable',
					machineDetectionTimeout: 10,
					record: true,
					recordingStatusCallback: `${hook}/rec`,
					sendDigits: 'w1#',
					statusCallback: `${hook}/status`,
					statusCallbackEvents: ['answered'],
					timeout: 600,
				},
			},
		],
	])('%s', async (_name, parameters) => {
		const r = await runNode({ type: 'CUSTOM.outboundCall', parameters: { to: SAMPLE_RECIPIENT, ...parameters } as never, items: [{}], baseUrl: sandbox.url, continueOnFail: true });
		expect(r.outputs(r.nodeName)[0].json.error).toBeUndefined();
		expect(checkRecorded()).toBe(1);
	});

	it('rejected calls are still well-formed requests (magic numbers)', async () => {
		const r = await runNode({
			type: 'CUSTOM.outboundCall',
			parameters: { to: '={{ $json.to }}' } as never,
			items: [{ to: MAGIC_CALL_TO.invalid }, { to: MAGIC_CALL_TO.unroutable }, { to: MAGIC_CALL_TO.blocked }],
			baseUrl: sandbox.url,
			continueOnFail: true,
		});
		expect(r.outputs(r.nodeName).map((o) => o.json.errorCode)).toEqual([21217, 21214, 21216]);
		expect(checkRecorded()).toBe(3);
	});

	it('the sandbox answers fetch and list of a finished call in the spec shape', async () => {
		const client = sdk(sandbox);
		const call = await client.calls.create({ to: SAMPLE_RECIPIENT, from: '+15005550006', twiml: '<Response/>', machineDetection: 'Enable' });
		await waitFor(() => sandbox.state.calls.get(call.sid)?.status === 'completed');
		await client.calls(call.sid).fetch();
		await client.calls.list({ to: SAMPLE_RECIPIENT, status: 'completed', pageSize: 5 });
		expect(checkRecorded()).toBe(3);
	});
});
