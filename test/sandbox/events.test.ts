/**
 * Event Streams (Events v1) in the sandbox: sinks, subscriptions and subscribed events through the
 * real twilio SDK (`client.events.v1`) and raw HTTP (the exact form bodies n8n's built-in Twilio
 * Trigger sends), and the delivery of `com.twilio.messaging.inbound-message.received` CloudEvents
 * to a local webhook sink, checked with the SDK's own `validateRequestWithBody`.
 */
import { validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import type { Sandbox } from '../../sandbox';
import { API_KEY, FULL_ACCOUNT, NUMBER_MAIN, NUMBER_SUPPORT, SAMPLE_RECIPIENT, TRIAL_ACCOUNT } from '../../sandbox/fixtures';
import { basic, postForm, postJson, request, Receiver, ReceivedRequest, sdk, twilioFailure, useSandboxAndReceiver, waitFor } from './helpers';

const TYPE = 'com.twilio.messaging.inbound-message.received';

let sandbox: Sandbox;
let receiver: Receiver;
let answer: (r: ReceivedRequest) => { status?: number; contentType?: string; body?: string };

useSandboxAndReceiver({ statusStepMs: 20, answer: (r) => answer(r) }, (s, r) => {
	sandbox = s;
	receiver = r;
});
beforeEach(() => {
	answer = () => ({ status: 200, contentType: 'application/json', body: '{"ok":true}' });
});

const auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
const url = (path: string) => `${sandbox.url}/v1/${path}`;
const get = (path: string, a = auth) => request(url(path), { headers: { Authorization: a } });
const del = (path: string, a = auth) => request(url(path), { method: 'DELETE', headers: { Authorization: a } });

function events(username = FULL_ACCOUNT.sid, password = FULL_ACCOUNT.authToken) {
	const client = sdk(sandbox, username, password);
	client.events.baseUrl = sandbox.url;
	return client.events.v1;
}

/** What n8n's TwilioTrigger create() sends, byte for byte (its SinkConfiguration has tabs). */
async function n8nStyleSinkAndSubscription(destination: string, types = [TYPE]): Promise<{ sinkSid: string; subscriptionSid: string }> {
	const sink = await postForm(url('Sinks'), {
		Description: 'Sink created by n8n Twilio Trigger Node.',
		SinkConfiguration: `{\t"destination": "${destination}",\t"method": "POST"\t}`,
		SinkType: 'webhook',
	}, auth);
	expect(sink.status).toBe(201);
	const sub = await postForm(url('Subscriptions'), {
		Description: 'Subscription created by n8n Twilio Trigger Node.',
		Types: `{ "type": "${types[0]}" }`,
		SinkSid: sink.json.sid,
	}, auth);
	expect(sub.status).toBe(201);
	for (const t of types.slice(1)) expect((await postForm(url(`Subscriptions/${sub.json.sid}/SubscribedEvents`), { Type: t }, auth)).status).toBe(201);
	return { sinkSid: sink.json.sid, subscriptionSid: sub.json.sid };
}

const inboundSms = (body: Record<string, unknown>) => postJson(`${sandbox.url}/__sandbox/inbound/sms`, body);
const eventSms = (body: Record<string, unknown>) => postJson(`${sandbox.url}/__sandbox/events/inbound-sms`, body);

describe('Sinks', () => {
	it('creates, lists, fetches and deletes a webhook sink through the SDK', async () => {
		const v1 = events();
		const sink = await v1.sinks.create({ description: 'My webhook', sinkConfiguration: { destination: `${receiver.url}/events`, method: 'POST', batch_events: false }, sinkType: 'webhook' });
		expect(sink.sid).toMatch(/^DG[0-9a-f]{32}$/);
		expect(sink).toMatchObject({ description: 'My webhook', sinkType: 'webhook', status: 'active', sinkConfiguration: { destination: `${receiver.url}/events`, method: 'POST', batch_events: false } });
		expect(sink.url).toBe(`${sandbox.url}/v1/Sinks/${sink.sid}`);
		expect(sink.links).toEqual({ sink_test: `${sink.url}/Test`, sink_validate: `${sink.url}/Validate` });
		expect(sink.dateCreated).toBeInstanceOf(Date);

		expect((await v1.sinks(sink.sid).fetch()).sid).toBe(sink.sid);
		expect((await v1.sinks.list()).map((s) => s.sid)).toEqual([sink.sid]);
		expect(await v1.sinks(sink.sid).remove()).toBe(true);
		expect(await twilioFailure(v1.sinks(sink.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
	});

	it('pages with a meta envelope and filters on Status and InUse', async () => {
		const v1 = events();
		const a = await v1.sinks.create({ description: 'a', sinkConfiguration: { destination: `${receiver.url}/a`, method: 'POST' }, sinkType: 'webhook' });
		await v1.sinks.create({ description: 'b', sinkConfiguration: { destination: `${receiver.url}/b`, method: 'POST' }, sinkType: 'webhook' });
		await v1.sinks.create({ description: 'k', sinkConfiguration: { arn: 'arn:aws:kinesis:us-east-1:1:stream/x', role_arn: 'arn:aws:iam::1:role/R', external_id: 'x' }, sinkType: 'kinesis' });
		await v1.subscriptions.create({ description: 's', sinkSid: a.sid, types: [{ type: TYPE }] });

		const page = await get('Sinks?PageSize=2');
		expect(page.status).toBe(200);
		expect(page.json.sinks).toHaveLength(2);
		expect(page.json.meta).toMatchObject({ key: 'sinks', page: 0, page_size: 2, previous_page_url: null, first_page_url: `${sandbox.url}/v1/Sinks?PageSize=2&Page=0` });
		expect(page.json.meta.next_page_url).toMatch(/PageToken=PA/);
		const next = await request(page.json.meta.next_page_url, { headers: { Authorization: auth } });
		expect(next.json.sinks.map((s: { description: string }) => s.description)).toEqual(['k']);
		expect(next.json.meta.next_page_url).toBeNull();
		// The SDK follows next_page_url by itself.
		expect(await v1.sinks.list({ pageSize: 1 })).toHaveLength(3);

		expect((await get('Sinks?Status=initialized')).json.sinks.map((s: { sink_type: string }) => s.sink_type)).toEqual(['kinesis']);
		expect((await get('Sinks?InUse=true')).json.sinks.map((s: { sid: string }) => s.sid)).toEqual([a.sid]);
		expect((await get('Sinks?InUse=false')).json.sinks).toHaveLength(2);
	});

	it('accepts the form n8n sends, tabs in the JSON included', async () => {
		const { sinkSid } = await n8nStyleSinkAndSubscription('http://localhost:5678/webhook/abc/webhook');
		const sink = (await get(`Sinks/${sinkSid}`)).json;
		expect(sink.sink_configuration).toEqual({ destination: 'http://localhost:5678/webhook/abc/webhook', method: 'POST' });
		expect(sink.description).toBe('Sink created by n8n Twilio Trigger Node.');
	});

	it.each([
		['no Description', { SinkConfiguration: '{"destination":"https://x.test/","method":"POST"}', SinkType: 'webhook' }, /Description/],
		['no SinkConfiguration', { Description: 'd', SinkType: 'webhook' }, /SinkConfiguration/],
		['no SinkType', { Description: 'd', SinkConfiguration: '{"destination":"https://x.test/","method":"POST"}' }, /SinkType/],
		['an unknown SinkType', { Description: 'd', SinkConfiguration: '{}', SinkType: 'ftp' }, /SinkType/],
		['a SinkConfiguration that is not JSON', { Description: 'd', SinkConfiguration: '{destination', SinkType: 'webhook' }, /SinkConfiguration/],
		['a webhook without destination', { Description: 'd', SinkConfiguration: '{"method":"POST"}', SinkType: 'webhook' }, /destination/],
		['a webhook with method PUT', { Description: 'd', SinkConfiguration: '{"destination":"https://x.test/","method":"PUT"}', SinkType: 'webhook' }, /method/],
	])('refuses %s with 400 20001', async (_name, form, message) => {
		const res = await postForm(url('Sinks'), form, auth);
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ code: 20001, status: 400 });
		expect(res.json.message).toMatch(message);
	});
});

describe('Subscriptions and SubscribedEvents', () => {
	it('creates a subscription with repeated Types, lists, fetches, adds types and deletes it (SDK)', async () => {
		const v1 = events();
		const sink = await v1.sinks.create({ description: 'w', sinkConfiguration: { destination: `${receiver.url}/e`, method: 'POST' }, sinkType: 'webhook' });
		const sub = await v1.subscriptions.create({
			description: 'Inbound and delivered',
			sinkSid: sink.sid,
			types: [{ type: TYPE }, { type: 'com.twilio.messaging.message.delivered', schema_version: 2 }],
		});
		expect(sub.sid).toMatch(/^DF[0-9a-f]{32}$/);
		expect(sub).toMatchObject({ accountSid: FULL_ACCOUNT.sid, sinkSid: sink.sid, description: 'Inbound and delivered', url: `${sandbox.url}/v1/Subscriptions/${sub.sid}` });
		expect(sub.links).toEqual({ subscribed_events: `${sandbox.url}/v1/Subscriptions/${sub.sid}/SubscribedEvents` });

		const types = await v1.subscriptions(sub.sid).subscribedEvents.list();
		expect(types.map((t) => [t.type, t.schemaVersion])).toEqual([
			[TYPE, 6],
			['com.twilio.messaging.message.delivered', 2],
		]);
		expect(types[0]).toMatchObject({ accountSid: FULL_ACCOUNT.sid, subscriptionSid: sub.sid });

		// 201 for a new type, 200 when it was there already (its version replaced), as the spec lists.
		const added = await postForm(url(`Subscriptions/${sub.sid}/SubscribedEvents`), { Type: 'com.twilio.messaging.message.failed' }, auth);
		expect(added.status).toBe(201);
		expect(added.json).toMatchObject({ type: 'com.twilio.messaging.message.failed', schema_version: 1, subscription_sid: sub.sid });
		const again = await postForm(url(`Subscriptions/${sub.sid}/SubscribedEvents`), { Type: TYPE, SchemaVersion: '5' }, auth);
		expect(again.status).toBe(200);
		expect(again.json.schema_version).toBe(5);
		const listed = await get(`Subscriptions/${sub.sid}/SubscribedEvents`);
		expect(listed.json.meta).toMatchObject({ key: 'types', page: 0, page_size: 50 });
		expect(listed.json.types.map((t: { type: string }) => t.type)).toEqual([TYPE, 'com.twilio.messaging.message.delivered', 'com.twilio.messaging.message.failed']);

		expect((await v1.subscriptions(sub.sid).fetch()).sinkSid).toBe(sink.sid);
		expect((await v1.subscriptions.list()).map((s) => s.sid)).toEqual([sub.sid]);
		expect((await v1.subscriptions.list({ sinkSid: sink.sid })).map((s) => s.sid)).toEqual([sub.sid]);
		expect((await get('Subscriptions?SinkSid=DG00000000000000000000000000000000')).json.subscriptions).toEqual([]);
		expect(await v1.subscriptions(sub.sid).remove()).toBe(true);
		expect(await twilioFailure(v1.subscriptions(sub.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
		expect((await get(`Subscriptions/${sub.sid}/SubscribedEvents`)).status).toBe(404);
	});

	it('answers what the built-in trigger checkExists() reads: sinks by destination, subscription by sink, its types', async () => {
		const destination = 'http://localhost:5678/webhook/id/webhook';
		const { sinkSid, subscriptionSid } = await n8nStyleSinkAndSubscription(destination, [TYPE, 'com.twilio.voice.insights.call-summary.complete']);
		const sink = (await get('Sinks')).json.sinks.find((s: { sink_configuration: { destination: string } }) => s.sink_configuration.destination === destination);
		expect(sink.sid).toBe(sinkSid);
		const sub = (await get('Subscriptions')).json.subscriptions.find((s: { sink_sid: string }) => s.sink_sid === sinkSid);
		expect(sub.sid).toBe(subscriptionSid);
		const types = (await get(`Subscriptions/${subscriptionSid}/SubscribedEvents`)).json.types.map((t: { type: string }) => t.type);
		expect(types.sort()).toEqual([TYPE, 'com.twilio.voice.insights.call-summary.complete'].sort());
		// n8n's delete(): the sink first, then the subscription; both 204.
		expect((await del(`Sinks/${sinkSid}`)).status).toBe(204);
		expect((await del(`Subscriptions/${subscriptionSid}`)).status).toBe(204);
		expect((await get('Sinks')).json.sinks).toEqual([]);
		expect((await get('Subscriptions')).json.subscriptions).toEqual([]);
	});

	it('refuses bad subscriptions with 400 20001', async () => {
		const v1 = events();
		const kinesis = await v1.sinks.create({ description: 'k', sinkConfiguration: { arn: 'a', role_arn: 'r', external_id: 'x' }, sinkType: 'kinesis' });
		const webhook = await v1.sinks.create({ description: 'w', sinkConfiguration: { destination: `${receiver.url}/e`, method: 'POST' }, sinkType: 'webhook' });
		const cases: Array<[Record<string, string | string[]>, RegExp]> = [
			[{ SinkSid: webhook.sid, Types: `{"type":"${TYPE}"}` }, /Description/],
			[{ Description: 'd', Types: `{"type":"${TYPE}"}` }, /SinkSid/],
			[{ Description: 'd', SinkSid: webhook.sid }, /Types/],
			[{ Description: 'd', SinkSid: 'DG00000000000000000000000000000000', Types: `{"type":"${TYPE}"}` }, /no sink/],
			// The spec: "Sink must be active for the subscription to be created"; Kinesis sinks wait for Validate.
			[{ Description: 'd', SinkSid: kinesis.sid, Types: `{"type":"${TYPE}"}` }, /not active/],
			[{ Description: 'd', SinkSid: webhook.sid, Types: '{"type":"sms.received"}' }, /event type/],
			[{ Description: 'd', SinkSid: webhook.sid, Types: 'com.twilio.messaging.inbound-message.received' }, /JSON/],
			[{ Description: 'd', SinkSid: webhook.sid, Types: `{"type":"${TYPE}","schema_version":0}` }, /schema_version/],
		];
		for (const [form, message] of cases) {
			const res = await postForm(url('Subscriptions'), form, auth);
			expect({ form, status: res.status, code: res.json.code }).toEqual({ form, status: 400, code: 20001 });
			expect(res.json.message).toMatch(message);
		}
		expect((await get('Subscriptions')).json.subscriptions).toEqual([]);
	});
});

describe('auth and account scoping', () => {
	it('needs Twilio Basic auth, takes API keys, and hides other accounts', async () => {
		expect((await request(url('Sinks'))).status).toBe(401);
		expect((await get('Sinks', basic(FULL_ACCOUNT.sid, 'wrong'))).json.code).toBe(20003);
		const { sinkSid, subscriptionSid } = await n8nStyleSinkAndSubscription(`${receiver.url}/e`);
		// A Standard API key of the same account may use Event Streams (only /Accounts needs a Main key).
		expect((await get(`Sinks/${sinkSid}`, basic(API_KEY.sid, API_KEY.secret))).status).toBe(200);
		const trial = basic(TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken);
		expect((await get(`Sinks/${sinkSid}`, trial)).status).toBe(404);
		expect((await get(`Subscriptions/${subscriptionSid}`, trial)).status).toBe(404);
		expect((await del(`Sinks/${sinkSid}`, trial)).status).toBe(404);
		expect((await get('Sinks', trial)).json.sinks).toEqual([]);
		const foreign = await postForm(url('Subscriptions'), { Description: 'd', SinkSid: sinkSid, Types: `{"type":"${TYPE}"}` }, trial);
		expect(foreign.status).toBe(400);
	});

	it('is emptied by reset()', async () => {
		await n8nStyleSinkAndSubscription(`${receiver.url}/e`);
		sandbox.reset();
		expect((await get('Sinks')).json.sinks).toEqual([]);
		expect((await get('Subscriptions')).json.subscriptions).toEqual([]);
	});
});

describe('delivery of inbound-message events', () => {
	it('sends a simulated inbound SMS to every subscribed webhook sink as a signed CloudEvents array', async () => {
		await n8nStyleSinkAndSubscription(`${receiver.url}/events?flow=1`);
		const res = await inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'Hello events' });
		// No SmsUrl is set: the SMS webhook finds nothing, Event Streams still gets the message.
		expect(res.status).toBe(409);
		const hook = await waitFor(() => receiver.requests.find((r) => r.url.includes('/events')), 3000, 'the event delivery');

		expect(hook.method).toBe('POST');
		expect(hook.headers['content-type']).toBe('application/json');
		expect(hook.url).toMatch(/\/events\?flow=1&bodySHA256=[0-9a-f]{64}$/);
		const signature = String(hook.headers['x-twilio-signature']);
		expect(validateRequestWithBody(FULL_ACCOUNT.authToken, signature, hook.url, hook.body)).toBe(true);
		expect(validateRequestWithBody(FULL_ACCOUNT.authToken, signature, hook.url, `${hook.body} `)).toBe(false);

		const body = JSON.parse(hook.body) as Array<Record<string, unknown>>;
		expect(Array.isArray(body)).toBe(true);
		expect(body).toHaveLength(1);
		const [event] = body;
		const messageSid = res.json.messageSid as string;
		expect(event).toEqual({
			specversion: '1.0',
			type: TYPE,
			source: `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages/${messageSid}.json`,
			id: expect.stringMatching(/^NO[0-9a-f]{32}$/),
			dataschema: 'https://events-schemas.twilio.com/Messaging.InboundMessageV1/6',
			datacontenttype: 'application/json',
			time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			data: {
				messageSid,
				timestamp: event.time,
				accountSid: FULL_ACCOUNT.sid,
				eventName: TYPE,
				from: SAMPLE_RECIPIENT,
				to: NUMBER_SUPPORT.phoneNumber,
				numMedia: 0,
				numSegments: 1,
				body: 'Hello events',
				toCountry: 'US',
				toState: '',
				toCity: '',
				toZip: '',
				fromCountry: 'US',
				fromState: '',
				fromCity: '',
				fromZip: '',
			},
		});
		const attempt = sandbox.state.webhooks.find((w) => w.kind === 'event-stream');
		expect(attempt).toMatchObject({ messageSid, status: 200, url: hook.url, signature });
	});

	it('reaches the sink and the SmsUrl alike, and a sink without that type or with a deleted subscription gets nothing', async () => {
		await sdk(sandbox).incomingPhoneNumbers(NUMBER_SUPPORT.sid).update({ smsUrl: `${receiver.url}/sms` });
		const v1 = events();
		const other = await v1.sinks.create({ description: 'delivered only', sinkConfiguration: { destination: `${receiver.url}/other`, method: 'POST' }, sinkType: 'webhook' });
		await v1.subscriptions.create({ description: 'd', sinkSid: other.sid, types: [{ type: 'com.twilio.messaging.message.delivered' }] });
		const gone = await n8nStyleSinkAndSubscription(`${receiver.url}/gone`);
		await del(`Subscriptions/${gone.subscriptionSid}`);
		const single = await v1.sinks.create({ description: 'unbatched', sinkConfiguration: { destination: `${receiver.url}/single`, method: 'POST', batch_events: false }, sinkType: 'webhook' });
		await v1.subscriptions.create({ description: 'd', sinkSid: single.sid, types: [{ type: TYPE, schema_version: 3 }] });

		answer = (r) => (r.url.includes('/sms') ? { status: 200, contentType: 'text/xml', body: '<Response/>' } : { status: 204 });
		const res = await inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'both' });
		expect(res.status).toBe(200);
		await waitFor(() => receiver.requests.find((r) => r.url.includes('/single')), 3000, 'the unbatched sink');
		await new Promise((r) => setTimeout(r, 100));
		expect(receiver.requests.map((r) => new URL(r.url).pathname).sort()).toEqual(['/single', '/sms']);
		// batch_events: false sends the CloudEvent alone, not in an array; the subscription's schema version names the schema.
		const event = JSON.parse(receiver.requests.find((r) => r.url.includes('/single'))!.body);
		expect(event).toMatchObject({ type: TYPE, dataschema: 'https://events-schemas.twilio.com/Messaging.InboundMessageV1/3', data: { body: 'both' } });
	});

	it('carries the Messaging Service and media count, and leaves other accounts alone', async () => {
		await n8nStyleSinkAndSubscription(`${receiver.url}/events`);
		// NUMBER_ALERTS is in the Messaging Service's sender pool.
		const alerts = [...sandbox.state.numbers.values()].find((n) => n.phoneNumber === '+15555550101')!;
		const res = await eventSms({ from: SAMPLE_RECIPIENT, to: alerts.phoneNumber, body: 'pic', mediaUrls: ['https://example.com/a.jpg'] });
		expect(res.status).toBe(200);
		const [event] = JSON.parse(receiver.requests[0].body);
		expect(event.data).toMatchObject({ numMedia: 1, messagingServiceSid: expect.stringMatching(/^MG/), messageSid: expect.stringMatching(/^MM/) });

		receiver.requests.length = 0;
		const trial = await eventSms({ from: SAMPLE_RECIPIENT, to: '+15555550199', body: 'trial account number' });
		expect(trial.status).toBe(409);
		expect(trial.json.error).toMatch(/no webhook sink/);
		expect(receiver.requests).toHaveLength(0);
	});
});

describe('POST /__sandbox/events/inbound-sms', () => {
	it('delivers at once and answers with the destination status and how long it took', async () => {
		const { sinkSid, subscriptionSid } = await n8nStyleSinkAndSubscription(`${receiver.url}/timed`);
		answer = () => ({ status: 202 });
		const res = await eventSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'timed' });
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ type: TYPE, sinks: 1, status: 202, error: null, messageSid: expect.stringMatching(/^SM/) });
		expect(res.json.durationMs).toBeGreaterThanOrEqual(0);
		expect(res.json.totalMs).toBeGreaterThanOrEqual(0);
		expect(res.json.deliveries).toEqual([{ sinkSid, subscriptionSid, eventId: expect.stringMatching(/^NO/), url: expect.stringContaining('/timed?bodySHA256='), status: 202, error: null, durationMs: expect.any(Number) }]);
		// The message exists as Twilio would keep it, but no SmsUrl request was made.
		expect(sandbox.state.messages.get(res.json.messageSid)).toMatchObject({ direction: 'inbound', status: 'received', body: 'timed' });
		expect(sandbox.state.inbound).toHaveLength(0);
		expect(receiver.requests).toHaveLength(1);

		const state = await request(`${sandbox.url}/__sandbox/events`);
		expect(state.json.sinks.map((s: { sid: string }) => s.sid)).toEqual([sinkSid]);
		expect(state.json.subscriptions[0]).toMatchObject({ sid: subscriptionSid, types: [{ type: TYPE, schema_version: 6 }] });
		expect(state.json.deliveries).toHaveLength(1);
	});

	it('reports a destination that fails or is unreachable', async () => {
		await n8nStyleSinkAndSubscription(`${receiver.url}/boom`);
		answer = () => ({ status: 500 });
		expect((await eventSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'x' })).json).toMatchObject({ status: 500, sinks: 1 });
		sandbox.reset();
		await n8nStyleSinkAndSubscription('http://127.0.0.1:9/closed');
		const closed = await eventSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'x' });
		expect(closed.json).toMatchObject({ status: null, sinks: 1, error: expect.any(String) });
	});

	it('checks its input like /__sandbox/inbound/sms', async () => {
		expect((await eventSms({ from: SAMPLE_RECIPIENT })).status).toBe(400);
		expect((await eventSms({ from: SAMPLE_RECIPIENT, to: '+15550000000', body: 'x' })).status).toBe(404);
		expect((await eventSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: 'nobody listens' })).status).toBe(409);
	});
});
