/**
 * n8n's built-in Twilio Trigger (n8n-nodes-base.twilioTrigger) in a real n8n, for the inbound
 * comparison with our Twilio Comms Trigger. That node does not use a number's SmsUrl: on activation it
 * registers an Event Streams webhook sink and a subscription at `https://events.twilio.com` (hard-coded,
 * so the bench's fixed-host proxy must tunnel events.twilio.com to the sandbox), and Twilio then POSTs
 * `com.twilio.messaging.inbound-message.received` CloudEvents to the workflow's webhook.
 *
 * Each round trip is one event the sandbox delivers (`POST /__sandbox/events/inbound-sms`): the time is
 * what the sandbox measured (hrtime) from building and signing the event to the end of n8n's answer,
 * over a fresh connection each time (the sandbox's webhooks use no keep-alive, as Twilio's need not).
 * n8n answers `onReceived`, so that is its webhook path, not the workflow's run. Nothing is replied to the texter:
 * Event Streams, unlike an SmsUrl, takes no TwiML.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowJson } from '../scripts/n8n/instance';
import type { Stack } from '../scripts/n8n/stack';
import { FULL_ACCOUNT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../sandbox/fixtures';
import { percentile, round } from './measure';

export const INBOUND_MESSAGE_RECEIVED = 'com.twilio.messaging.inbound-message.received';

/** n8n's Twilio Trigger on "New SMS", with the `twilioApi` placeholder the bench binds to its credential. */
export function builtInTriggerWorkflow(): WorkflowJson {
	return {
		name: "Bench: n8n's Twilio Trigger (Event Streams), New SMS",
		nodes: [
			{
				id: randomUUID(),
				name: 'Twilio Trigger',
				type: 'n8n-nodes-base.twilioTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { updates: [INBOUND_MESSAGE_RECEIVED] },
				credentials: { twilioApi: { id: null, name: 'twilioApi' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

export interface BuiltInTriggerRun {
	requests: number;
	p50Ms: number;
	p99Ms: number;
	meanMs: number;
	/** Deliveries that got no 2xx from n8n (or no answer at all). */
	failures: number;
	/** Webhook sinks the trigger's activation left in the sandbox (1 expected). */
	sinks: number;
}

interface EventsState {
	sinks: Array<{ sid: string; sink_type: string; sink_configuration: { destination?: string } }>;
	subscriptions: Array<{ sid: string; sink_sid: string; account_sid: string; types: Array<{ type: string }> }>;
}

interface EventDeliveryAnswer {
	sinks: number;
	status: number | null;
	/** Whole ms (Date.now()) of the first sink's delivery. */
	durationMs: number | null;
	/** The same delivery timed with hrtime, event building and signing included (microseconds of it). */
	totalMs: number;
	error: string | null;
}

async function adminJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
	const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
	return { status: res.status, body: (await res.json()) as T };
}

/**
 * Installs (and activates) the built-in trigger's workflow, checks that activation created its sink
 * and subscription in the sandbox, then times `requests` event deliveries after `warmUp` untimed ones.
 * Do not reset the sandbox in between: a reset forgets the sink, as Twilio would after a deletion.
 */
export async function builtInTriggerRoundTrips(args: { stack: Stack; install: (wf: WorkflowJson) => Promise<string>; requests: number; warmUp: number }): Promise<BuiltInTriggerRun> {
	const { stack, install, requests, warmUp } = args;
	const sandboxUrl = stack.sandbox.url;
	const workflow = builtInTriggerWorkflow();
	const webhookId = String(workflow.nodes[0].webhookId);
	await install(workflow);

	// Activation ran the node's create(): POST /v1/Sinks with its production URL, POST /v1/Subscriptions.
	const { body: state } = await adminJson<EventsState>(`${sandboxUrl}/__sandbox/events`);
	const sinks = state.sinks.filter((s) => s.sink_type === 'webhook' && (s.sink_configuration.destination ?? '').includes(webhookId));
	if (sinks.length === 0) {
		throw new Error(`n8n's Twilio Trigger created no Event Streams sink for webhook ${webhookId} (is events.twilio.com in the proxy's hosts?); sandbox has ${JSON.stringify(state.sinks)}`);
	}
	const subscribed = state.subscriptions.filter(
		(s) => s.account_sid === FULL_ACCOUNT.sid && sinks.some((k) => k.sid === s.sink_sid) && s.types.some((t) => t.type === INBOUND_MESSAGE_RECEIVED),
	);
	if (subscribed.length === 0) throw new Error(`n8n's Twilio Trigger created sink ${sinks[0].sid} but no subscription to ${INBOUND_MESSAGE_RECEIVED}: ${JSON.stringify(state.subscriptions)}`);

	const samples: number[] = [];
	let failures = 0;
	for (let i = 0; i < warmUp + requests; i++) {
		const { status, body } = await adminJson<EventDeliveryAnswer>(`${sandboxUrl}/__sandbox/events/inbound-sms`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: `Bench event ${i}` }),
		});
		if (status === 409) throw new Error(`the sandbox found no sink subscribed to ${INBOUND_MESSAGE_RECEIVED}: ${body.error ?? ''}`);
		if (i < warmUp) continue;
		const ok = body.status !== null && body.status >= 200 && body.status < 300;
		if (!ok) failures++;
		// totalMs: sub-millisecond resolution, where durationMs is whole milliseconds.
		samples.push(body.totalMs);
	}
	const sorted = [...samples].sort((a, b) => a - b);
	return {
		requests: samples.length,
		p50Ms: round(percentile(sorted, 50), 2),
		p99Ms: round(percentile(sorted, 99), 2),
		meanMs: round(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length), 2),
		failures,
		sinks: sinks.length,
	};
}
