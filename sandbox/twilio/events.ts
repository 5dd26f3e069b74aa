/**
 * Event Streams, Events v1 (events.twilio.com), the part that n8n's built-in Twilio Trigger uses:
 * Sinks (create, list, fetch, delete), Subscriptions (create, list, fetch, delete) and their
 * SubscribedEvents (list, add). Shapes, status codes and the `meta` paging envelope follow
 * twilio_events_v1.json. Delivery to webhook sinks is in events-delivery.ts; the admin endpoints
 * at the end deliver an inbound-message event on demand and show what Event Streams holds.
 */
import { iso8601 } from '../dates';
import { all, first } from '../form';
import { newSid } from '../ids';
import { ApiError, type Route, type RouteContext } from '../router';
import type { MessageRecord } from '../state';
import { TwilioApiError, twilioErrors } from './errors';
import {
	deliverInboundMessage,
	eventsIdle,
	eventsStore,
	INBOUND_MESSAGE_RECEIVED,
	LATEST_SCHEMA_VERSION,
	type SinkRecord,
	type SinkType,
	type SubscriptionRecord,
} from './events-delivery';
import { checkInboundSms, InboundError, inboundMessageRecord, type InboundSmsInput } from './inbound';
import { serviceOfNumber } from './messaging-services';
import { isCallbackUrl } from './numbers';
import { pageV1 } from './paging';

export { eventsIdle, INBOUND_MESSAGE_RECEIVED };

const SINK_TYPES: readonly SinkType[] = ['kinesis', 'webhook', 'segment', 'email'];

/** Twilio's 20001 "Invalid parameter" family, worded as its REST API words missing ones. */
const missing = (name: string) => new TwilioApiError(400, 20001, `Missing required parameter ${name} in the post body`);
const invalid = (name: string, why: string) => new TwilioApiError(400, 20001, `Invalid parameter ${name}: ${why}`);

function renderSink(s: SinkRecord, baseUrl: string) {
	const url = `${baseUrl}/v1/Sinks/${s.sid}`;
	return {
		date_created: iso8601(s.dateCreated),
		date_updated: iso8601(s.dateUpdated),
		description: s.description,
		sid: s.sid,
		sink_configuration: s.configuration,
		sink_type: s.sinkType,
		status: s.status,
		url,
		links: { sink_test: `${url}/Test`, sink_validate: `${url}/Validate` },
	};
}

function renderSubscription(s: SubscriptionRecord, baseUrl: string) {
	const url = `${baseUrl}/v1/Subscriptions/${s.sid}`;
	return {
		account_sid: s.accountSid,
		date_created: iso8601(s.dateCreated),
		date_updated: iso8601(s.dateUpdated),
		description: s.description,
		sid: s.sid,
		sink_sid: s.sinkSid,
		url,
		links: { subscribed_events: `${url}/SubscribedEvents` },
	};
}

interface SubscribedEvent {
	subscription: SubscriptionRecord;
	type: string;
	schemaVersion: number;
}

function renderSubscribedEvent(e: SubscribedEvent, baseUrl: string) {
	return {
		account_sid: e.subscription.accountSid,
		type: e.type,
		schema_version: e.schemaVersion,
		subscription_sid: e.subscription.sid,
		url: `${baseUrl}/v1/Subscriptions/${e.subscription.sid}/SubscribedEvents/${encodeURIComponent(e.type)}`,
	};
}

function required(ctx: RouteContext, name: string): string {
	const v = first(ctx.form, name);
	if (v === undefined || v.trim() === '') throw missing(name);
	return v;
}

/** A JSON object given as a form value (SinkConfiguration, each Types entry). */
function jsonObject(name: string, text: string): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw invalid(name, 'not valid JSON');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(name, 'expected a JSON object');
	return parsed as Record<string, unknown>;
}

/** A webhook sink needs an http(s) destination and POST or GET, as the Sink resource docs describe. */
function checkWebhookConfiguration(c: Record<string, unknown>): void {
	if (typeof c.destination !== 'string' || !/^https?:\/\//i.test(c.destination) || !isCallbackUrl(c.destination)) {
		throw invalid('SinkConfiguration', '`destination` must be an http(s) URL');
	}
	if (c.method !== undefined && (typeof c.method !== 'string' || !/^(POST|GET)$/i.test(c.method))) throw invalid('SinkConfiguration', '`method` must be POST or GET');
	if (c.batch_events !== undefined && typeof c.batch_events !== 'boolean') throw invalid('SinkConfiguration', '`batch_events` must be a boolean');
}

/** Event types are Twilio's reverse-DNS names; the sandbox takes any such name (it emits only the inbound-message one). */
function checkType(type: unknown): string {
	if (typeof type !== 'string' || !/^com\.twilio\.[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(type)) throw invalid('Types', `unknown event type ${JSON.stringify(type)}`);
	return type;
}

function checkSchemaVersion(name: string, v: unknown, type: string): number {
	if (v === undefined || v === null || v === '') return LATEST_SCHEMA_VERSION[type] ?? 1;
	const n = typeof v === 'number' ? v : Number(v);
	if (!Number.isInteger(n) || n < 1) throw invalid(name, 'schema_version must be a positive integer');
	return n;
}

function sinksOf(ctx: RouteContext): SinkRecord[] {
	const sid = ctx.twilio!.account.sid;
	return [...eventsStore(ctx.core).sinks.values()].filter((s) => s.accountSid === sid);
}

function subscriptionsOf(ctx: RouteContext): SubscriptionRecord[] {
	const sid = ctx.twilio!.account.sid;
	return [...eventsStore(ctx.core).subscriptions.values()].filter((s) => s.accountSid === sid);
}

/** Another account's sink or subscription is 404, as everywhere else in the sandbox. */
function findSink(ctx: RouteContext, sid: string): SinkRecord {
	const s = eventsStore(ctx.core).sinks.get(sid);
	if (!s || s.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return s;
}

function findSubscription(ctx: RouteContext, sid: string): SubscriptionRecord {
	const s = eventsStore(ctx.core).subscriptions.get(sid);
	if (!s || s.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return s;
}

function createSink(ctx: RouteContext): SinkRecord {
	const description = required(ctx, 'Description');
	const configText = required(ctx, 'SinkConfiguration');
	const sinkType = required(ctx, 'SinkType') as SinkType;
	if (!SINK_TYPES.includes(sinkType)) throw invalid('SinkType', `must be one of ${SINK_TYPES.join(', ')}`);
	const configuration = jsonObject('SinkConfiguration', configText);
	if (sinkType === 'webhook') checkWebhookConfiguration(configuration);
	const now = new Date();
	const sink: SinkRecord = {
		sid: newSid('DG'),
		accountSid: ctx.twilio!.account.sid,
		description,
		sinkType,
		configuration,
		// Webhook sinks take subscriptions at once (n8n subscribes right after creating one); the
		// others wait for Sink Test/Validate, which the sandbox does not serve.
		status: sinkType === 'webhook' ? 'active' : 'initialized',
		dateCreated: now,
		dateUpdated: now,
	};
	eventsStore(ctx.core).sinks.set(sink.sid, sink);
	return sink;
}

function createSubscription(ctx: RouteContext): SubscriptionRecord {
	const description = required(ctx, 'Description');
	const sinkSid = required(ctx, 'SinkSid');
	const typeTexts = all(ctx.form, 'Types');
	if (typeTexts.length === 0) throw missing('Types');
	const sink = eventsStore(ctx.core).sinks.get(sinkSid);
	if (!/^DG[0-9a-fA-F]{32}$/.test(sinkSid) || !sink || sink.accountSid !== ctx.twilio!.account.sid) throw invalid('SinkSid', `no sink ${sinkSid}`);
	// The spec: "Sink must be active for the subscription to be created."
	if (sink.status !== 'active') throw invalid('SinkSid', `sink ${sinkSid} is ${sink.status}, not active`);
	const types = new Map<string, number>();
	for (const text of typeTexts) {
		const t = jsonObject('Types', text);
		const type = checkType(t.type);
		types.set(type, checkSchemaVersion('Types', t.schema_version, type));
	}
	const now = new Date();
	const subscription: SubscriptionRecord = { sid: newSid('DF'), accountSid: sink.accountSid, sinkSid, description, types, dateCreated: now, dateUpdated: now };
	eventsStore(ctx.core).subscriptions.set(subscription.sid, subscription);
	return subscription;
}

const subscribedEvents = (s: SubscriptionRecord): SubscribedEvent[] => [...s.types].map(([type, schemaVersion]) => ({ subscription: s, type, schemaVersion }));

export const eventsRoutes: Route[] = [
	{
		name: 'twilio.events.sinks.create',
		method: 'POST',
		path: '/v1/Sinks',
		auth: 'twilio',
		handle: (ctx) => ({ status: 201, body: renderSink(createSink(ctx), ctx.baseUrl) }),
	},
	{
		name: 'twilio.events.sinks.list',
		method: 'GET',
		path: '/v1/Sinks',
		auth: 'twilio',
		handle: (ctx) => {
			const status = first(ctx.query, 'Status');
			const inUse = first(ctx.query, 'InUse');
			const used = new Set(subscriptionsOf(ctx).map((s) => s.sinkSid));
			const sinks = sinksOf(ctx).filter(
				(s) => (status === undefined || s.status === status) && (inUse === undefined || used.has(s.sid) === (inUse.toLowerCase() === 'true')),
			);
			return {
				status: 200,
				body: pageV1({ all: sinks, query: ctx.query, baseUrl: ctx.baseUrl, path: '/v1/Sinks', key: 'sinks', sidOf: (s) => s.sid, render: (s) => renderSink(s, ctx.baseUrl) }),
			};
		},
	},
	{
		name: 'twilio.events.sinks.fetch',
		method: 'GET',
		path: '/v1/Sinks/{Sid}',
		auth: 'twilio',
		handle: (ctx) => ({ status: 200, body: renderSink(findSink(ctx, ctx.params.Sid), ctx.baseUrl) }),
	},
	{
		name: 'twilio.events.sinks.delete',
		method: 'DELETE',
		path: '/v1/Sinks/{Sid}',
		auth: 'twilio',
		handle: (ctx) => {
			// Its subscriptions stay (n8n's trigger deletes the sink first, then the subscription); they deliver nothing.
			eventsStore(ctx.core).sinks.delete(findSink(ctx, ctx.params.Sid).sid);
			return { status: 204 };
		},
	},
	{
		name: 'twilio.events.subscriptions.create',
		method: 'POST',
		path: '/v1/Subscriptions',
		auth: 'twilio',
		handle: (ctx) => ({ status: 201, body: renderSubscription(createSubscription(ctx), ctx.baseUrl) }),
	},
	{
		name: 'twilio.events.subscriptions.list',
		method: 'GET',
		path: '/v1/Subscriptions',
		auth: 'twilio',
		handle: (ctx) => {
			const sinkSid = first(ctx.query, 'SinkSid');
			const subs = subscriptionsOf(ctx).filter((s) => sinkSid === undefined || s.sinkSid === sinkSid);
			return {
				status: 200,
				body: pageV1({ all: subs, query: ctx.query, baseUrl: ctx.baseUrl, path: '/v1/Subscriptions', key: 'subscriptions', sidOf: (s) => s.sid, render: (s) => renderSubscription(s, ctx.baseUrl) }),
			};
		},
	},
	{
		name: 'twilio.events.subscriptions.fetch',
		method: 'GET',
		path: '/v1/Subscriptions/{Sid}',
		auth: 'twilio',
		handle: (ctx) => ({ status: 200, body: renderSubscription(findSubscription(ctx, ctx.params.Sid), ctx.baseUrl) }),
	},
	{
		name: 'twilio.events.subscriptions.delete',
		method: 'DELETE',
		path: '/v1/Subscriptions/{Sid}',
		auth: 'twilio',
		handle: (ctx) => {
			eventsStore(ctx.core).subscriptions.delete(findSubscription(ctx, ctx.params.Sid).sid);
			return { status: 204 };
		},
	},
	{
		name: 'twilio.events.subscribed_events.list',
		method: 'GET',
		path: '/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents',
		auth: 'twilio',
		handle: (ctx) => {
			const s = findSubscription(ctx, ctx.params.SubscriptionSid);
			return {
				status: 200,
				body: pageV1({
					all: subscribedEvents(s),
					query: ctx.query,
					baseUrl: ctx.baseUrl,
					path: `/v1/Subscriptions/${s.sid}/SubscribedEvents`,
					key: 'types',
					sidOf: (e) => e.type,
					render: (e) => renderSubscribedEvent(e, ctx.baseUrl),
				}),
			};
		},
	},
	{
		name: 'twilio.events.subscribed_events.create',
		method: 'POST',
		path: '/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents',
		auth: 'twilio',
		handle: (ctx) => {
			const s = findSubscription(ctx, ctx.params.SubscriptionSid);
			const type = required(ctx, 'Type');
			checkType(type);
			const schemaVersion = checkSchemaVersion('SchemaVersion', first(ctx.form, 'SchemaVersion'), type);
			// The spec answers 201 for a new type and 200 when the type was already there (its version updated).
			const existed = s.types.has(type);
			s.types.set(type, schemaVersion);
			s.dateUpdated = new Date();
			return { status: existed ? 200 : 201, body: renderSubscribedEvent({ subscription: s, type, schemaVersion }, ctx.baseUrl) };
		},
	},
];

// ---- admin ----------------------------------------------------------------------------------

const adminError = (status: number, message: string): ApiError => new ApiError(status, { error: message });

/** The inbound message an admin-requested event is about, stored as Twilio would keep it (no SmsUrl request is made). */
function inboundMessage(ctx: RouteContext, input: InboundSmsInput): MessageRecord {
	const { from, to, number, account } = checkInboundSms(ctx.core.store, input);
	const body = typeof input.body === 'string' ? input.body : '';
	const mediaUrls = Array.isArray(input.mediaUrls) ? input.mediaUrls.filter((u): u is string => typeof u === 'string') : [];
	const m = inboundMessageRecord({ account, from, to, body, mediaUrls, messagingServiceSid: serviceOfNumber(ctx.core.store, number)?.sid ?? null });
	ctx.core.store.addMessage(m);
	return m;
}

export const eventsAdminRoutes: Route[] = [
	{
		name: 'admin.events.inbound_sms',
		method: 'POST',
		path: '/__sandbox/events/inbound-sms',
		auth: 'none',
		handle: async (ctx) => {
			if (typeof ctx.json !== 'object' || ctx.json === null) throw adminError(400, 'expected a JSON body {from, to, body, mediaUrls?}');
			let m: MessageRecord;
			try {
				m = inboundMessage(ctx, ctx.json as InboundSmsInput);
			} catch (err) {
				if (err instanceof InboundError) throw adminError(err.status, err.message);
				throw err;
			}
			const started = process.hrtime.bigint();
			const deliveries = await deliverInboundMessage(ctx.core, m);
			const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
			const firstDelivery = deliveries[0];
			return {
				// 409 as for inbound SMS: the message arrived but no webhook sink subscribes to its event.
				status: deliveries.length ? 200 : 409,
				body: {
					messageSid: m.sid,
					type: INBOUND_MESSAGE_RECEIVED,
					sinks: deliveries.length,
					// The first (usually only) sink's answer and the time it took, for benchmarks.
					status: firstDelivery?.status ?? null,
					durationMs: firstDelivery?.durationMs ?? null,
					totalMs,
					error: deliveries.length ? (firstDelivery.error ?? null) : `no webhook sink subscribes to ${INBOUND_MESSAGE_RECEIVED} on account ${m.accountSid}`,
					deliveries: deliveries.map((d) => ({ sinkSid: d.sinkSid, subscriptionSid: d.subscriptionSid, eventId: d.eventId, url: d.url, status: d.status, error: d.error, durationMs: d.durationMs })),
				},
			};
		},
	},
	{
		name: 'admin.events.state',
		method: 'GET',
		path: '/__sandbox/events',
		auth: 'none',
		handle: (ctx) => {
			const s = eventsStore(ctx.core);
			return {
				status: 200,
				body: {
					sinks: [...s.sinks.values()].map((x) => renderSink(x, ctx.baseUrl)),
					subscriptions: [...s.subscriptions.values()].map((x) => ({
						...renderSubscription(x, ctx.baseUrl),
						types: subscribedEvents(x).map((e) => ({ type: e.type, schema_version: e.schemaVersion })),
					})),
					deliveries: s.deliveries,
				},
			};
		},
	},
];

