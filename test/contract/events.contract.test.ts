/**
 * Event Streams (Events v1) against Twilio's official twilio_events_v1.json: every request sent here
 * and every 2xx the sandbox answers must validate (unknown form keys are errors).
 *
 * n8n's built-in Twilio Trigger (n8n-nodes-base) is not a dev dependency, so its webhook methods
 * cannot run in the engine harness. Instead its requests are replayed exactly as a real n8n 2.40
 * sent them to the sandbox (recorded by bench/builtInTrigger.ts through the events.twilio.com
 * proxy): form-encoded bodies, the tab-separated SinkConfiguration, a single `Types` JSON string,
 * and the Content-Type header n8n puts on its bodiless GETs and DELETEs too.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
import { basic, postForm, postJson, request, sdk, startReceiver, waitFor, type Receiver } from '../sandbox/helpers';

const TYPE = 'com.twilio.messaging.inbound-message.received';
const CALL_SUMMARY = 'com.twilio.voice.insights.call-summary.complete';

let sandbox: Sandbox;
let receiver: Receiver;
let spec: OpenApiSpec;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 10 });
	receiver = await startReceiver();
	spec = loadSpec('twilio_events_v1.json');
});
afterAll(async () => {
	await sandbox.close();
	await receiver.close();
});
beforeEach(() => {
	sandbox.reset();
	receiver.requests.length = 0;
});

const auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
const FORM = 'application/x-www-form-urlencoded';
const url = (path: string) => `${sandbox.url}/v1/${path}`;
/** n8n's twilioTriggerApiRequest: always the form Content-Type, an empty body when there is nothing to send. */
const n8nCall = (method: 'GET' | 'DELETE', path: string) => request(url(path), { method, headers: { Authorization: auth, 'Content-Type': FORM }, body: '' });
const checkRecorded = () => checkRecordedRequests(sandbox, () => spec);

describe("n8n's Twilio Trigger requests, as a real n8n sends them", () => {
	it('checkExists, create (two event types), checkExists again, delete', async () => {
		const webhookUrl = 'http://127.0.0.1:5678/webhook/5822b626-60d6-420b-bf2c-ec9d0092fd47/webhook';
		// checkExists(): nothing yet.
		expect((await n8nCall('GET', 'Sinks')).json.sinks).toEqual([]);
		// create()
		const sink = await postForm(url('Sinks'), {
			Description: 'Sink created by n8n Twilio Trigger Node.',
			SinkConfiguration: `{\t"destination": "${webhookUrl}",\t"method": "POST"\t}`,
			SinkType: 'webhook',
		}, auth);
		expect(sink.status).toBe(201);
		const sub = await postForm(url('Subscriptions'), { Description: 'Subscription created by n8n Twilio Trigger Node.', Types: `{ "type": "${TYPE}" }`, SinkSid: sink.json.sid }, auth);
		expect(sub.status).toBe(201);
		expect((await postForm(url(`Subscriptions/${sub.json.sid}/SubscribedEvents`), { Type: CALL_SUMMARY }, auth)).status).toBe(201);
		// checkExists() on the next activation: the three GETs it makes.
		const sinks = (await n8nCall('GET', 'Sinks')).json.sinks;
		expect(sinks.find((s: { sink_configuration: { destination: string } }) => s.sink_configuration.destination === webhookUrl).sid).toBe(sink.json.sid);
		const subs = (await n8nCall('GET', 'Subscriptions')).json.subscriptions;
		expect(subs.find((s: { sink_sid: string }) => s.sink_sid === sink.json.sid).sid).toBe(sub.json.sid);
		const types = (await n8nCall('GET', `Subscriptions/${sub.json.sid}/SubscribedEvents`)).json.types;
		expect(types.map((t: { type: string }) => t.type).sort()).toEqual([TYPE, CALL_SUMMARY].sort());
		// delete(): sink, then subscription.
		expect((await n8nCall('DELETE', `Sinks/${sink.json.sid}`)).status).toBe(204);
		expect((await n8nCall('DELETE', `Subscriptions/${sub.json.sid}`)).status).toBe(204);

		expect(checkRecorded()).toBe(9);
	});
});

describe('the SDK (client.events.v1) and the sandbox answers', () => {
	it('every create, list, fetch and delete, paged and filtered', async () => {
		const client = sdk(sandbox);
		client.events.baseUrl = sandbox.url;
		const v1 = client.events.v1;
		const webhook = await v1.sinks.create({ description: 'w', sinkConfiguration: { destination: `${receiver.url}/events`, method: 'POST', batch_events: true }, sinkType: 'webhook' });
		const kinesis = await v1.sinks.create({ description: 'k', sinkConfiguration: { arn: 'arn:aws:kinesis:us-east-1:1:stream/t', role_arn: 'arn:aws:iam::1:role/R', external_id: 'x' }, sinkType: 'kinesis' });
		const sub = await v1.subscriptions.create({ description: 's', sinkSid: webhook.sid, types: [{ type: TYPE }, { type: 'com.twilio.messaging.message.delivered', schema_version: 2 }] });
		await v1.subscriptions(sub.sid).subscribedEvents.create({ type: 'com.twilio.messaging.message.failed', schemaVersion: 1 });
		await v1.subscriptions(sub.sid).subscribedEvents.create({ type: TYPE, schemaVersion: 6 });
		await v1.subscriptions(sub.sid).subscribedEvents.list({ pageSize: 2 });
		await v1.sinks.list({ pageSize: 1 });
		await v1.sinks.list({ status: 'active', inUse: true });
		await v1.subscriptions.list({ sinkSid: webhook.sid });
		await v1.sinks(kinesis.sid).fetch();
		await v1.subscriptions(sub.sid).fetch();
		await v1.subscriptions(sub.sid).remove();
		await v1.sinks(kinesis.sid).remove();
		expect(checkRecorded()).toBeGreaterThanOrEqual(14);
	});

	it('an inbound SMS reaches the sink; the API calls around it stay in the spec', async () => {
		const sink = await postForm(url('Sinks'), { Description: 'd', SinkConfiguration: JSON.stringify({ destination: `${receiver.url}/e`, method: 'POST' }), SinkType: 'webhook' }, auth);
		await postForm(url('Subscriptions'), { Description: 'd', SinkSid: sink.json.sid, Types: [JSON.stringify({ type: TYPE, schema_version: 6 })] }, auth);
		await postJson(`${sandbox.url}/__sandbox/inbound/sms`, { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'hi' });
		const hook = await waitFor(() => receiver.requests[0], 3000, 'the event');
		expect(JSON.parse(hook.body)[0]).toMatchObject({ specversion: '1.0', type: TYPE, data: { body: 'hi' } });
		expect(checkRecorded()).toBe(2);
	});
});
