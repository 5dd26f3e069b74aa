/**
 * Event Streams (Events v1, events.twilio.com): the sinks and subscriptions the API creates, and the
 * delivery of events to webhook sinks. Split from events.ts (the routes) so inbound.ts can publish
 * `com.twilio.messaging.inbound-message.received` without importing the routes, which import inbound.ts.
 *
 * Delivery follows Twilio's Event Streams docs: a POST to the sink's `destination` whose body is a
 * JSON array of CloudEvents (one event per request here; `batch_events: false` sends the event object
 * alone), `Content-Type: application/json`, signed like Twilio's other JSON webhooks: the body's
 * SHA-256 as `bodySHA256` in the URL, and `X-Twilio-Signature` over that URL with the account's Auth
 * Token (twilio SDK helpers, via WebhookClient).
 */
import { randomUUID } from 'node:crypto';
import type { SandboxCore } from '../core';
import { newSid } from '../ids';
import type { MessageRecord } from '../state';
import { isDelivered, logDelivery } from '../webhook-log';

export const INBOUND_MESSAGE_RECEIVED = 'com.twilio.messaging.inbound-message.received';

/**
 * Latest schema version of the event types the sandbox emits, used when a subscription names none
 * (Twilio's docs list v6 as the latest Messaging.InboundMessageV1). Other types default to 1.
 */
export const LATEST_SCHEMA_VERSION: Record<string, number> = { [INBOUND_MESSAGE_RECEIVED]: 6 };

export type SinkType = 'kinesis' | 'webhook' | 'segment' | 'email';
export type SinkStatus = 'initialized' | 'validating' | 'active' | 'failed';

export interface SinkRecord {
	sid: string;
	accountSid: string;
	description: string;
	sinkType: SinkType;
	/** As sent (parsed JSON); for webhooks `destination`, `method` and optionally `batch_events`. */
	configuration: Record<string, unknown>;
	status: SinkStatus;
	dateCreated: Date;
	dateUpdated: Date;
}

export interface SubscriptionRecord {
	sid: string;
	accountSid: string;
	sinkSid: string;
	description: string;
	/** Event type → schema version, in the order subscribed. */
	types: Map<string, number>;
	dateCreated: Date;
	dateUpdated: Date;
}

export interface EventDelivery {
	at: Date;
	eventId: string;
	type: string;
	sinkSid: string;
	subscriptionSid: string;
	/** The URL requested and signed (destination + bodySHA256). */
	url: string;
	signature: string;
	body: string;
	status: number | null;
	error: string | null;
	durationMs: number;
}

export interface EventsStore {
	sinks: Map<string, SinkRecord>;
	subscriptions: Map<string, SubscriptionRecord>;
	deliveries: EventDelivery[];
	/** The store generation this belongs to: a sandbox reset() empties Event Streams too. */
	generation: number;
	/** Deliveries started by inbound SMS (fire and forget, as Event Streams is asynchronous), for idle(). */
	pending: Set<Promise<unknown>>;
}

const DELIVERY_LIMIT = 10_000;

/**
 * Event Streams state lives beside the core, not in state.ts, so the rest of the sandbox needs no
 * change; it is dropped when the store's generation moves on (reset()).
 */
const stores = new WeakMap<SandboxCore, EventsStore>();

export function eventsStore(core: SandboxCore): EventsStore {
	let s = stores.get(core);
	if (!s || s.generation !== core.store.generation) {
		s = { sinks: new Map(), subscriptions: new Map(), deliveries: [], generation: core.store.generation, pending: new Set() };
		stores.set(core, s);
	}
	return s;
}

/** Resolves once every event delivery under way has been attempted (tests use it instead of sleeping). */
export async function eventsIdle(core: SandboxCore): Promise<void> {
	const s = eventsStore(core);
	while (s.pending.size > 0) await Promise.allSettled([...s.pending]);
}

export interface CloudEvent {
	specversion: '1.0';
	type: string;
	source: string;
	id: string;
	dataschema: string;
	datacontenttype: 'application/json';
	time: string;
	data: Record<string, unknown>;
}

/**
 * The Messaging.InboundMessageV1 payload, with the field names of Twilio's published schema
 * (events-schemas.twilio.com/Messaging.InboundMessageV1/6, `additionalProperties: false`). The
 * location fields are as blank as in the sandbox's SmsUrl webhook; mnc/mcc are left out.
 */
export function inboundMessageEvent(m: MessageRecord, schemaVersion: number, id: string, now: Date): CloudEvent {
	const data: Record<string, unknown> = {
		messageSid: m.sid,
		timestamp: now.toISOString(),
		accountSid: m.accountSid,
		eventName: INBOUND_MESSAGE_RECEIVED,
		from: m.from ?? '',
		to: m.to,
		numMedia: m.media.length,
		numSegments: m.numSegments,
		body: m.body,
		toCountry: 'US',
		toState: '',
		toCity: '',
		toZip: '',
		fromCountry: 'US',
		fromState: '',
		fromCity: '',
		fromZip: '',
		...(m.messagingServiceSid ? { messagingServiceSid: m.messagingServiceSid } : {}),
	};
	return {
		specversion: '1.0',
		type: INBOUND_MESSAGE_RECEIVED,
		// The resource the event is about, as a path of the REST API (the docs' example shows a placeholder).
		source: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
		id,
		dataschema: `https://events-schemas.twilio.com/Messaging.InboundMessageV1/${schemaVersion}`,
		datacontenttype: 'application/json',
		time: now.toISOString(),
		data,
	};
}

/** Webhook sinks that get `type` for this account: one target per subscription naming it. */
export function subscribedSinks(core: SandboxCore, accountSid: string, type: string): Array<{ sink: SinkRecord; subscription: SubscriptionRecord; schemaVersion: number }> {
	const s = eventsStore(core);
	const out: Array<{ sink: SinkRecord; subscription: SubscriptionRecord; schemaVersion: number }> = [];
	for (const subscription of s.subscriptions.values()) {
		const version = subscription.types.get(type);
		if (subscription.accountSid !== accountSid || version === undefined) continue;
		const sink = s.sinks.get(subscription.sinkSid);
		// A deleted sink (subscriptions may outlive it) or a non-webhook sink gets nothing from the sandbox.
		if (!sink || sink.sinkType !== 'webhook' || sink.status !== 'active') continue;
		out.push({ sink, subscription, schemaVersion: version });
	}
	return out;
}

/** POSTs one event to one webhook sink, signed with the account's Auth Token, and logs the attempt. */
export async function deliverEvent(core: SandboxCore, sink: SinkRecord, subscription: SubscriptionRecord, event: CloudEvent, messageSid: string | null): Promise<EventDelivery> {
	const store = eventsStore(core);
	const account = core.store.accounts.get(sink.accountSid);
	const destination = String(sink.configuration.destination ?? '');
	const batch = sink.configuration.batch_events !== false;
	const body = JSON.stringify(batch ? [event] : event);
	const method = String(sink.configuration.method ?? 'POST').toUpperCase();
	const req = { url: destination, method: 'POST' as const, params: {}, authToken: account?.authToken ?? '', idempotencyToken: randomUUID(), rawJson: body };
	const result =
		method === 'POST'
			? await core.webhooks.deliver(req)
			: // A GET cannot carry the CloudEvents body; Twilio's docs do not say what it sends, so the sandbox does not guess.
				{ url: destination, signature: '', idempotencyToken: req.idempotencyToken, status: null, contentType: null, body: '', error: `sink method ${method} is not simulated (POST only)`, durationMs: 0 };
	const delivery: EventDelivery = {
		at: new Date(),
		eventId: event.id,
		type: event.type,
		sinkSid: sink.sid,
		subscriptionSid: subscription.sid,
		url: result.url,
		signature: result.signature,
		body,
		status: result.status,
		error: result.error,
		durationMs: result.durationMs,
	};
	// A reset while the request was out: the delivery belongs to a sandbox state that no longer exists.
	if (store.generation === core.store.generation) {
		store.deliveries.push(delivery);
		if (store.deliveries.length > DELIVERY_LIMIT) store.deliveries.splice(0, store.deliveries.length - DELIVERY_LIMIT);
		logDelivery(core, req, result, { kind: 'event-stream', messageSid, messageStatus: 'received' });
	}
	core.log(`event ${event.type} -> ${sink.sid} ${destination} ${result.status ?? result.error} ${isDelivered(result) ? '' : '(failed)'}`);
	return delivery;
}

/** Delivers the inbound-message event for `m` to every subscribed webhook sink, in parallel. */
export function deliverInboundMessage(core: SandboxCore, m: MessageRecord): Promise<EventDelivery[]> {
	const now = new Date();
	const targets = subscribedSinks(core, m.accountSid, INBOUND_MESSAGE_RECEIVED);
	// One event id per subscription's copy: the same occurrence, but each sink acknowledges its own.
	return Promise.all(targets.map((t) => deliverEvent(core, t.sink, t.subscription, inboundMessageEvent(m, t.schemaVersion, newSid('NO'), now), m.sid)));
}

/**
 * What inbound.ts calls when a message arrives: Event Streams is asynchronous to the SmsUrl webhook,
 * so the deliveries are not awaited; eventsIdle() waits for them.
 */
export function publishInboundMessage(core: SandboxCore, m: MessageRecord): void {
	const s = eventsStore(core);
	if (s.subscriptions.size === 0) return;
	const p = deliverInboundMessage(core, m).catch((err: unknown) => core.log(`event delivery error: ${err instanceof Error ? err.message : String(err)}`));
	s.pending.add(p);
	void p.finally(() => s.pending.delete(p));
}
