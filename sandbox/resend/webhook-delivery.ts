/**
 * Signed event delivery: each step of an email's progress (lifecycle.ts) becomes a Resend event,
 * POSTed to every enabled webhook subscribed to its type, signed the Svix way. One webhook gets its
 * events one after another, so a receiver sees sent before delivered. The payloads follow the spec's
 * `Email*Event` schemas (resend.json, "webhooks"). No automatic retries: a failed attempt stays
 * failed until a test replays it (POST /webhooks/{id}/events/{event_id}/replay).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { SandboxCore } from '../core';
import { newMessageId, svixHeaders } from './svix-sign';
import type { EmailEvent, EmailRecord } from './types';
import { recordEvent, webhookState, type DeliveryAttempt, type WebhookEventRecord, type WebhookRecord } from './webhook-state';

/** The webhook event each sandbox email event is reported as (queued and canceled have none). */
const EVENT_TYPES: Partial<Record<EmailEvent, string>> = {
	scheduled: 'email.scheduled',
	sent: 'email.sent',
	delivered: 'email.delivered',
	bounced: 'email.bounced',
	complained: 'email.complained',
	suppressed: 'email.suppressed',
	failed: 'email.failed',
};

/** Every event type the sandbox accepts in a webhook's `events` (the spec's "webhooks" names). */
export const WEBHOOK_EVENT_TYPES = [
	'email.sent',
	'email.delivered',
	'email.delivery_delayed',
	'email.bounced',
	'email.complained',
	'email.opened',
	'email.clicked',
	'email.failed',
	'email.scheduled',
	'email.suppressed',
	'email.received',
	'contact.created',
	'contact.updated',
	'contact.deleted',
	'domain.created',
	'domain.updated',
	'domain.deleted',
] as const;

const TIMEOUT_MS = 15_000;
const MAX_RESPONSE_CHARS = 2_000;

function eventData(email: EmailRecord, type: string): Record<string, unknown> {
	const data: Record<string, unknown> = {
		email_id: email.id,
		created_at: email.createdAt.toISOString(),
		from: email.from,
		to: email.to,
		subject: email.subject,
	};
	if (email.tags.length) data.tags = Object.fromEntries(email.tags.map((t) => [t.name, t.value]));
	const headers = Object.entries(email.headers);
	if (headers.length) data.headers = headers.map(([name, value]) => ({ name, value }));
	if (type === 'email.bounced') {
		data.bounce = {
			diagnosticCode: ['smtp; 550 5.1.1 The email account that you tried to reach does not exist'],
			message: "The recipient's mail server permanently rejected the email: the address does not exist.",
			subType: 'General',
			type: 'Permanent',
		};
	}
	if (type === 'email.suppressed') {
		data.suppressed = {
			diagnosticCode: ['smtp; 550 5.1.1 previously bounced'],
			message: 'The address is on the suppression list because an earlier email to it bounced.',
			reason: 'previous_bounce',
			type: 'OnAccountSuppressionList',
		};
	}
	return data;
}

/** Posts `body` with fresh Svix headers; never throws. */
function attempt(core: SandboxCore, hook: WebhookRecord, event: WebhookEventRecord, trigger: DeliveryAttempt['trigger']): Promise<DeliveryAttempt> {
	const started = Date.now();
	const timestampSec = Math.floor(started / 1000);
	const base = { id: randomUUID(), at: new Date(started), timestampSec, trigger };
	const done = (status: number | null, response: string, error: string | null): DeliveryAttempt => ({ ...base, status, response: response.slice(0, MAX_RESPONSE_CHARS), error, durationMs: Date.now() - started });
	let url: URL;
	try {
		url = new URL(hook.endpoint);
	} catch {
		return Promise.resolve(done(null, '', `invalid URL: ${hook.endpoint}`));
	}
	const headers = {
		...svixHeaders(hook.signingSecret, event.id, timestampSec, event.body),
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(event.body)),
		'user-agent': 'Svix-Webhooks/1.0 (sandbox)',
	};
	return new Promise<DeliveryAttempt>((resolve) => {
		let settled = false;
		const finish = (a: DeliveryAttempt) => {
			if (!settled) {
				settled = true;
				resolve(a);
			}
		};
		const transport = url.protocol === 'https:' ? https : http;
		const req = transport.request(url, { method: 'POST', headers, agent: false }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => {
				if (text.length < MAX_RESPONSE_CHARS) text += chunk;
			});
			res.on('end', () => finish(done(res.statusCode ?? null, text, null)));
			res.on('error', (err) => finish(done(null, text, err.message)));
		});
		// A receiver that never answers must not keep the sandbox's process (or jest) alive.
		req.on('socket', (socket) => socket.unref());
		req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)));
		req.on('error', (err) => finish(done(null, '', err.message)));
		req.end(event.body);
	}).then((a) => {
		core.log(`resend webhook ${event.type} ${event.id} -> ${hook.endpoint} ${a.status ?? a.error}`);
		return a;
	});
}

/** Queues one attempt behind the webhook's earlier ones; resolves with it. */
export function deliver(core: SandboxCore, hook: WebhookRecord, event: WebhookEventRecord, trigger: DeliveryAttempt['trigger']): Promise<DeliveryAttempt> {
	const state = webhookState(core);
	const previous = state.chains.get(hook.id) ?? Promise.resolve();
	const result = previous.then(async () => {
		const a = await attempt(core, hook, event, trigger);
		// After a reset the event belongs to a forgotten state; recording it there is harmless.
		event.attempts.push(a);
		return a;
	});
	const next = result.then(
		() => undefined,
		() => undefined,
	);
	state.chains.set(hook.id, next);
	void next.then(() => {
		if (state.chains.get(hook.id) === next) state.chains.delete(hook.id);
	});
	return result;
}

/** Reports an email's new event to every enabled webhook that subscribed to its type. */
export function emitEmailEvent(core: SandboxCore, email: EmailRecord, event: EmailEvent, at: Date): void {
	const type = EVENT_TYPES[event];
	if (!type) return;
	const state = webhookState(core);
	for (const hook of state.webhooks.values()) {
		if (hook.status !== 'enabled' || !hook.events.includes(type)) continue;
		const record: WebhookEventRecord = {
			id: newMessageId(),
			webhookId: hook.id,
			type,
			emailId: email.id,
			createdAt: at,
			body: JSON.stringify({ type, created_at: at.toISOString(), data: eventData(email, type) }),
			attempts: [],
		};
		recordEvent(state, record);
		void deliver(core, hook, record, 'event');
	}
}

/** Resolves once every queued delivery has been attempted. */
export async function deliveriesIdle(core: SandboxCore): Promise<void> {
	const state = webhookState(core);
	while (state.chains.size > 0) await Promise.all([...state.chains.values()]);
}
