/*
 * Voice Message in n8n-core's WorkflowExecute against the sandbox: the cron-alert flow (a health
 * check routed through an IF-style branch), machine detection with acknowledgement, bad items under
 * continueOnFail, 429 bursts and 5xx on create.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import type { Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { MAGIC_CALL_TO } from '../../sandbox/twilio/calls-state';
import type { CallRecord } from '../../sandbox/twilio/calls-state';
import { itemsSource, runWorkflow } from '../support/engine';
import { actionNode, CREDENTIAL_TYPES, NODE_TYPES, runNode, twilioCredential } from '../support/twilioWorkflows';
import { waitFor, type Receiver, useSandboxAndReceiver } from '../sandbox/helpers';

let sandbox: Sandbox;
let receiver: Receiver;

useSandboxAndReceiver({ statusStepMs: 15 }, (s, r) => {
	sandbox = s;
	receiver = r;
});

const voice = (parameters: Record<string, unknown>, items: IDataObject[] = [{}], continueOnFail = false) =>
	runNode({ type: 'CUSTOM.voiceMessage', parameters: parameters as never, items, baseUrl: sandbox.url, continueOnFail });

const ended = (sid: string) =>
	waitFor(() => {
		const c = sandbox.state.calls.get(sid);
		return c && ['completed', 'busy', 'no-answer', 'failed'].includes(c.status) ? c : undefined;
	}, 3000, `call ${sid}`);

/** The IF node of the flow: items whose `healthy` is false go to output 0 ("true": alert). */
class DownFilter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Is Down',
		name: 'test.isDown',
		group: ['transform'],
		version: 1,
		description: 'IF healthy is false',
		defaults: { name: 'Is Down' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const down: INodeExecutionData[] = [];
		const up: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => (item.json.healthy === false ? down : up).push({ json: item.json, pairedItem: { item: i } }));
		return [down, up];
	}
}

describe('Voice Message in WorkflowExecute against the sandbox', () => {
	it('cron alert: the IF branch calls on-call staff and the sandbox records what they hear', async () => {
		const checks = [
			{ service: 'api', healthy: true },
			{ service: 'db <primary> & replica', healthy: false, onCall: '+1 555 555 0123' },
			{ service: 'queue', healthy: true },
		];
		const voiceNode = actionNode('CUSTOM.voiceMessage', 'Call On-Call', {
			to: '={{ $json.onCall }}',
			message: '=Alert. The service {{ $json.service }} is down.',
			voice: 'Polly.Amy-Neural',
			loop: 2,
			pauseSeconds: 1,
		});
		const r = await runWorkflow(
			{
				nodes: [itemsSource(checks, 'Health Check'), { id: 'if', name: 'Is Down', type: 'test.isDown', typeVersion: 1, position: [100, 0], parameters: {} }, voiceNode],
				connections: {
					'Health Check': { main: [[{ node: 'Is Down', type: 'main', index: 0 }]] },
					'Is Down': { main: [[{ node: 'Call On-Call', type: 'main', index: 0 }], []] },
				},
			},
			{ nodeTypes: { ...NODE_TYPES, 'test.isDown': new DownFilter() }, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url)] },
		);
		expect(r.error).toBeUndefined();
		const out = r.outputs('Call On-Call');
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ status: 'queued', to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, direction: 'outbound-api', accountSid: FULL_ACCOUNT.sid });
		expect(out[0].json.sid).toMatch(/^CA[0-9a-f]{32}$/);
		expect(out[0].json.twiml).toContain('The service db &lt;primary&gt; &amp; replica is down.');

		const call = await ended(String(out[0].json.sid));
		expect(call.status).toBe('completed');
		expect(call.twiml).toBe(out[0].json.twiml);
		const said = { verb: 'Say', text: 'Alert. The service db <primary> & replica is down.', voice: 'Polly.Amy-Neural', language: null, loop: 1 };
		expect(call.heard).toEqual([said, { verb: 'Pause', length: 1 }, said]);
	});

	it('machine detection waits for the beep; the callee is asked to press a key; status events arrive', async () => {
		const r = await voice({
			to: MAGIC_CALL_TO.machine,
			from: { __rl: true, mode: 'list', value: NUMBER_MAIN.phoneNumber },
			message: 'Your server is down',
			voice: 'alice',
			language: 'en-GB',
			options: {
				machineDetection: 'DetectMessageEnd',
				machineDetectionTimeout: 45,
				acknowledge: true,
				acknowledgeUrl: `${receiver.url}/ack`,
				statusCallback: `${receiver.url}/status`,
				statusCallbackEvents: ['answered', 'completed'],
				timeout: 25,
				record: true,
			},
		});
		expect(r.error).toBeUndefined();
		const item = r.outputs(r.nodeName)[0].json;
		const call: CallRecord = await ended(String(item.sid));
		expect(call).toMatchObject({ answeredBy: 'machine_end_beep', machineDetection: 'DetectMessageEnd', machineDetectionTimeout: 45, timeout: 25, record: true });
		expect(call.heard).toEqual([
			{
				verb: 'Gather',
				action: `${receiver.url}/ack`,
				numDigits: 1,
				timeout: 5,
				children: [
					{ verb: 'Say', text: 'Your server is down', voice: 'alice', language: 'en-GB', loop: 1 },
					{ verb: 'Say', text: 'Press any key to confirm you received this message.', voice: 'alice', language: 'en-GB', loop: 1 },
				],
			},
		]);
		const statuses = await waitFor(() => {
			const got = receiver.requests.filter((q) => q.url.endsWith('/status'));
			return got.length === 2 ? got.map((q) => q.params.CallStatus) : undefined;
		});
		expect(statuses).toEqual(['in-progress', 'completed']);
	});

	it('a mixed batch with continueOnFail: bad items fail alone, before any request', async () => {
		const items = [
			{ to: SAMPLE_RECIPIENT, voice: 'Polly.Joanna', language: '', loop: 1 },
			{ to: '12345', voice: 'Polly.Joanna', language: '', loop: 1 },
			{ to: SAMPLE_RECIPIENT, voice: 'Polly.Robot', language: '', loop: 1 },
			{ to: SAMPLE_RECIPIENT, voice: 'Polly.Hans', language: 'fr-FR', loop: 1 },
			{ to: SAMPLE_RECIPIENT, voice: 'Polly.Joanna', language: '', loop: 11 },
			{ to: '+15555550124', voice: 'Google.en-US-Neural2-F', language: 'en-US', loop: 3 },
		];
		const r = await voice({ to: '={{ $json.to }}', message: 'Hi', voice: '={{ $json.voice }}', language: '={{ $json.language }}', loop: '={{ $json.loop }}' }, items, true);
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(out.flatMap((o, i) => (o.json.error ? [i] : []))).toEqual([1, 2, 3, 4]);
		expect(out[1].json.error).toMatch(/Invalid To "12345" in item 1/);
		expect(out[2].json.error).toMatch(/Invalid Voice "Polly.Robot" in item 2/);
		expect(out[3].json.error).toMatch(/Invalid Language "fr-FR" in item 3: is not spoken by the voice Polly.Hans/);
		expect(out[4].json.error).toMatch(/Invalid Loop 11 in item 4/);
		expect(sandbox.state.calls.size).toBe(2);
		expect(sandbox.state.requests.filter((q) => q.route === 'twilio.calls.create')).toHaveLength(2);
	});

	it('a character XML cannot carry fails its item like any bad input, naming field, code point and item; the rest are called', async () => {
		const items = [
			{ message: 'Disk full', audio: '' },
			{ message: 'Disk\u000Bfull', audio: '' },
			{ message: 'Disk full', audio: 'https://cdn.example.com/a\u0007.mp3' },
			{ message: 'Grüße 😀 disk full', audio: '' },
		];
		const r = await voice({ to: SAMPLE_RECIPIENT, message: '={{ $json.message }}', audioUrl: '={{ $json.audio }}' }, items, true);
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(out.flatMap((o, i) => (o.json.error ? [i] : []))).toEqual([1, 2]);
		expect(out[1].json.error).toBe('Invalid Message "Disk\\u000bfull" in item 1: contains U+000B (a control character) at character 5, which TwiML (XML) cannot carry');
		expect(out[1].json.errorDescription).toMatch(/^Remove the character/);
		expect(out[2].json.error).toMatch(/^Invalid Audio URL ".*" in item 2: contains U\+0007 \(a control character\) at character 26,/);
		expect(sandbox.state.calls.size).toBe(2);
		const heard = await Promise.all([out[0], out[3]].map(async (o) => (await ended(String(o.json.sid))).heard));
		expect(heard).toEqual([
			[{ verb: 'Say', text: 'Disk full', voice: 'Polly.Joanna', language: null, loop: 1 }],
			[{ verb: 'Say', text: 'Grüße 😀 disk full', voice: 'Polly.Joanna', language: null, loop: 1 }],
		]);
	});

	it('without continueOnFail the same character stops the run with a NodeOperationError for that item, which sends nothing', async () => {
		const r = await voice({ to: SAMPLE_RECIPIENT, message: '={{ $json.message }}', options: { acknowledge: true, acknowledgeUrl: `${receiver.url}/ack`, acknowledgePrompt: '={{ $json.prompt }}' } }, [
			{ message: 'ok', prompt: 'Press a key' },
			{ message: 'ok', prompt: 'Press\uFFFEa key' },
		]);
		expect(r.error?.name).toBe('NodeOperationError');
		expect(r.error?.message).toBe('Invalid Acknowledge Prompt "Press\\ufffea key" in item 1: contains U+FFFE (a noncharacter) at character 6, which TwiML (XML) cannot carry');
		expect((r.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
		// Item 0 is valid and may already be placed (items run concurrently); item 1 never reaches Twilio.
		expect([...sandbox.state.calls.values()].map((c) => c.twiml)).toEqual([expect.stringContaining('Press a key')]);
	});

	it('429 bursts still give exactly one call per item', async () => {
		sandbox.faults.set({ rate429: 0.5, retryAfterSec: 0, seed: 11, routes: ['twilio.calls.create'] });
		const items = Array.from({ length: 20 }, (_, n) => ({ to: `+1555555${2000 + n}` }));
		const r = await voice({ to: '={{ $json.to }}', message: 'Burst' }, items);
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName).every((o) => typeof o.json.sid === 'string')).toBe(true);
		const stats = sandbox.stats();
		expect(stats.faults.rate429).toBeGreaterThan(0);
		expect(stats.createsAcceptedByKind.call).toBe(20);
		expect(stats.duplicates).toBe(0);
		expect(sandbox.state.calls.size).toBe(20);
	});

	it('a 5xx on create is looked up and reconciled: the call Twilio stored is the output, and it is not placed twice', async () => {
		sandbox.faults.set({ rate5xx: 1, seed: 3, routes: ['twilio.calls.create'] });
		const r = await voice({ to: SAMPLE_RECIPIENT, message: 'Maybe called' }, [{}], true);
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toBeUndefined();
		expect(item.json.reconciled).toBe(true);
		expect(sandbox.state.calls.size).toBe(1);
		expect(item.json.sid).toBe([...sandbox.state.calls.keys()][0]);
		expect(sandbox.state.requests.filter((q) => q.route === 'twilio.calls.create')).toHaveLength(1);
	});

	it('with Report It, a 5xx on create is "outcome unknown" and nothing is looked up or placed twice', async () => {
		sandbox.faults.set({ rate5xx: 1, seed: 3, routes: ['twilio.calls.create'] });
		const r = await voice({ to: SAMPLE_RECIPIENT, message: 'Maybe called', options: { ifOutcomeUnknown: 'report' } }, [{}], true);
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toMatch(/Outcome unknown/);
		expect(item.json.outcomeUnknown).toBe(true);
		expect(String(item.json.errorDescription)).toContain('Maybe called');
		expect(sandbox.state.calls.size).toBe(1);
		expect(sandbox.state.requests.filter((q) => q.route === 'twilio.calls.list')).toHaveLength(0);
	});

	it("maps Twilio's call errors to coded, explained errors", async () => {
		const r = await voice({ to: '={{ $json.to }}', message: 'x' }, [{ to: MAGIC_CALL_TO.blocked }, { to: MAGIC_CALL_TO.noInternational }], true);
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(out[0]).toMatchObject({ errorCode: 21216 });
		expect(out[1]).toMatchObject({ errorCode: 21215 });
		expect(String(out[1].errorDescription)).toMatch(/Geo permissions/);
	});
});
