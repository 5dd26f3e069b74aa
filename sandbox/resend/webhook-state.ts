/**
 * Resend webhooks and what was delivered to them. Kept beside the store rather than in it, one state
 * per sandbox core, and dropped when the store's generation changes: `reset()` forgets webhooks and
 * deliveries like everything else.
 */
import type { SandboxCore } from '../core';

export interface WebhookRecord {
	id: string;
	endpoint: string;
	events: string[];
	status: 'enabled' | 'disabled';
	signingSecret: string;
	createdAt: Date;
}

/** One HTTP attempt at delivering an event. */
export interface DeliveryAttempt {
	id: string;
	at: Date;
	/** The svix-timestamp it carried (seconds): fresh on every attempt, as Svix does. */
	timestampSec: number;
	/** HTTP status of the receiver's answer; null when none came (refused, timeout). */
	status: number | null;
	response: string;
	error: string | null;
	durationMs: number;
	/** 'replay': re-sent through POST /webhooks/{id}/events/{event_id}/replay. */
	trigger: 'event' | 'replay';
}

/** One event for one webhook (Resend's "webhook event"): its svix-id stays the same across attempts. */
export interface WebhookEventRecord {
	/** The svix-id (`msg_…`). */
	id: string;
	webhookId: string;
	type: string;
	emailId: string | null;
	createdAt: Date;
	/** The exact body sent, so every attempt signs the same bytes. */
	body: string;
	attempts: DeliveryAttempt[];
}

export interface ResendWebhookState {
	generation: number;
	webhooks: Map<string, WebhookRecord>;
	/** Every event for every webhook, in the order they were created. */
	events: WebhookEventRecord[];
	/** Per-webhook delivery chains, so one endpoint sees its events in order. */
	chains: Map<string, Promise<void>>;
}

const EVENT_LIMIT = 10_000;
const states = new WeakMap<SandboxCore, ResendWebhookState>();

export function webhookState(core: SandboxCore): ResendWebhookState {
	let state = states.get(core);
	if (!state || state.generation !== core.store.generation) {
		state = { generation: core.store.generation, webhooks: new Map(), events: [], chains: new Map() };
		states.set(core, state);
	}
	return state;
}

export function recordEvent(state: ResendWebhookState, event: WebhookEventRecord): void {
	state.events.push(event);
	if (state.events.length > EVENT_LIMIT) state.events.splice(0, state.events.length - EVENT_LIMIT);
}

/** Resend's event-log status: success after any 2xx, failed otherwise. */
export function eventStatus(e: WebhookEventRecord): 'success' | 'failed' | 'pending' {
	if (e.attempts.length === 0) return 'pending';
	return e.attempts.some((a) => a.status !== null && a.status >= 200 && a.status < 300) ? 'success' : 'failed';
}
