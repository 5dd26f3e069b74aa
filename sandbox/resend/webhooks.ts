/**
 * Resend's webhooks API (resend.json, tag "Webhooks"): create, list, retrieve, delete. PATCH is
 * not served (the router has no PATCH). Also the event log the resend SDK reads
 * (`webhooks.events.list/get/replay`, `events.attempts.list`), which the published spec does not
 * describe yet: GET /webhooks/{id}/events, GET …/events/{event_id}, POST …/replay, GET …/attempts.
 * Replay re-sends the event with the same svix-id, freshly timestamped and signed, as Svix does.
 */
import { randomUUID } from 'node:crypto';
import { first } from '../form';
import type { Route, RouteContext, RouteResponse } from '../router';
import { requireFullAccess } from './auth';
import { resendErrors, ResendApiError } from './errors';
import { rateLimitHeaders } from './rateLimit';
import { resendDate } from './render';
import { newSigningSecret } from './svix-sign';
import { deliver, WEBHOOK_EVENT_TYPES } from './webhook-delivery';
import { eventStatus, webhookState, type DeliveryAttempt, type WebhookEventRecord, type WebhookRecord } from './webhook-state';

const KNOWN_EVENTS = new Set<string>(WEBHOOK_EVENT_TYPES);

/** Full-access key, rate-limit headers on every answer, Resend-shaped errors. */
async function answer(ctx: RouteContext, run: () => RouteResponse | Promise<RouteResponse>): Promise<RouteResponse> {
	const headers = rateLimitHeaders(ctx.core);
	try {
		requireFullAccess(ctx.resend);
		const r = await run();
		return { ...r, headers: { ...headers, ...r.headers } };
	} catch (err) {
		if (err instanceof ResendApiError) return { ...err.toResponse(), headers: { ...headers, ...err.headers } };
		throw err;
	}
}

const listed = (w: WebhookRecord) => ({ id: w.id, endpoint: w.endpoint, events: w.events, status: w.status, created_at: resendDate(w.createdAt) });

function findWebhook(ctx: RouteContext): WebhookRecord {
	const hook = webhookState(ctx.core).webhooks.get(ctx.params.webhook_id);
	if (!hook) throw resendErrors.notFound('Webhook');
	return hook;
}

function findEvent(ctx: RouteContext, hook: WebhookRecord): WebhookEventRecord {
	const event = webhookState(ctx.core).events.find((e) => e.webhookId === hook.id && e.id === ctx.params.event_id);
	if (!event) throw resendErrors.notFound('Webhook event');
	return event;
}

function validEndpoint(value: unknown): string {
	if (value === undefined || value === null || value === '') throw resendErrors.missingField('endpoint');
	if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
		throw resendErrors.invalid('Invalid `endpoint` field. It must be an http or https URL.');
	}
	return value;
}

function validEvents(value: unknown): string[] {
	if (value === undefined || value === null) throw resendErrors.missingField('events');
	if (!Array.isArray(value) || value.length === 0) throw resendErrors.invalid('The `events` field must be a non-empty array of event types.');
	const unknown = value.filter((e) => typeof e !== 'string' || !KNOWN_EVENTS.has(e));
	if (unknown.length) throw resendErrors.invalid(`Invalid event type(s) in \`events\`: ${unknown.map((e) => JSON.stringify(e)).join(', ')}.`);
	return [...new Set(value as string[])];
}

function createWebhook(ctx: RouteContext): Promise<RouteResponse> {
	return answer(ctx, () => {
		const body = ctx.json;
		if (!body || typeof body !== 'object' || Array.isArray(body)) throw resendErrors.invalid('The request body must be a JSON object.');
		const { endpoint, events } = body as { endpoint?: unknown; events?: unknown };
		const hook: WebhookRecord = {
			id: randomUUID(),
			endpoint: validEndpoint(endpoint),
			events: validEvents(events),
			status: 'enabled',
			signingSecret: newSigningSecret(),
			createdAt: new Date(),
		};
		webhookState(ctx.core).webhooks.set(hook.id, hook);
		return { status: 201, body: { object: 'webhook', id: hook.id, signing_secret: hook.signingSecret } };
	});
}

const LIST_DEFAULT_LIMIT = 20;
const LIST_MAX_LIMIT = 100;

/** Newest first, `limit` 1..100, `after`/`before` cursors: the same rules as GET /emails. */
function page<T extends { id: string }>(ctx: RouteContext, newestFirst: T[], render: (t: T) => unknown): RouteResponse {
	const rawLimit = first(ctx.query, 'limit');
	const limit = rawLimit === undefined ? LIST_DEFAULT_LIMIT : /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
	if (!(limit >= 1 && limit <= LIST_MAX_LIMIT)) throw resendErrors.invalid(`The \`limit\` parameter must be an integer between 1 and ${LIST_MAX_LIMIT}.`);
	const after = first(ctx.query, 'after');
	const before = first(ctx.query, 'before');
	if (after !== undefined && before !== undefined) throw resendErrors.invalid('You can only use either `after` or `before`, not both.');
	let candidates = newestFirst;
	const cursor = after ?? before;
	if (cursor !== undefined) {
		const index = newestFirst.findIndex((t) => t.id === cursor);
		if (index < 0) throw resendErrors.invalid(`Invalid \`${after !== undefined ? 'after' : 'before'}\` cursor.`);
		candidates = after !== undefined ? newestFirst.slice(index + 1) : newestFirst.slice(0, index);
	}
	const items = before !== undefined ? candidates.slice(Math.max(0, candidates.length - limit)) : candidates.slice(0, limit);
	return { status: 200, body: { object: 'list', has_more: candidates.length > limit, data: items.map(render) } };
}

const renderEventLog = (e: WebhookEventRecord) => ({ id: e.id, type: e.type, created_at: resendDate(e.createdAt), status: eventStatus(e) });
const renderAttempt = (a: DeliveryAttempt) => ({ id: a.id, http_status_code: a.status ?? 0, response: a.error ?? a.response, sent_at: resendDate(a.at) });

export const resendWebhookRoutes: Route[] = [
	{ name: 'resend.webhooks.create', method: 'POST', path: '/webhooks', auth: 'resend', handle: createWebhook },
	{
		name: 'resend.webhooks.list',
		method: 'GET',
		path: '/webhooks',
		auth: 'resend',
		handle: (ctx) => answer(ctx, () => page(ctx, [...webhookState(ctx.core).webhooks.values()].reverse(), listed)),
	},
	{
		name: 'resend.webhooks.get',
		method: 'GET',
		path: '/webhooks/{webhook_id}',
		auth: 'resend',
		handle: (ctx) =>
			answer(ctx, () => {
				const hook = findWebhook(ctx);
				return { status: 200, body: { object: 'webhook', ...listed(hook), signing_secret: hook.signingSecret } };
			}),
	},
	{
		name: 'resend.webhooks.remove',
		method: 'DELETE',
		path: '/webhooks/{webhook_id}',
		auth: 'resend',
		handle: (ctx) =>
			answer(ctx, () => {
				const hook = findWebhook(ctx);
				webhookState(ctx.core).webhooks.delete(hook.id);
				return { status: 200, body: { object: 'webhook', id: hook.id, deleted: true } };
			}),
	},
	{
		name: 'resend.webhooks.events.list',
		method: 'GET',
		path: '/webhooks/{webhook_id}/events',
		auth: 'resend',
		handle: (ctx) =>
			answer(ctx, () => {
				const hook = findWebhook(ctx);
				const events = webhookState(ctx.core).events.filter((e) => e.webhookId === hook.id).reverse();
				return page(ctx, events, renderEventLog);
			}),
	},
	{
		name: 'resend.webhooks.events.get',
		method: 'GET',
		path: '/webhooks/{webhook_id}/events/{event_id}',
		auth: 'resend',
		handle: (ctx) =>
			answer(ctx, () => {
				const event = findEvent(ctx, findWebhook(ctx));
				return { status: 200, body: { object: 'webhook_event', ...renderEventLog(event), next_attempt_at: null, payload: JSON.parse(event.body) as unknown } };
			}),
	},
	{
		name: 'resend.webhooks.events.replay',
		method: 'POST',
		path: '/webhooks/{webhook_id}/events/{event_id}/replay',
		auth: 'resend',
		handle: (ctx) =>
			answer(ctx, async () => {
				const hook = findWebhook(ctx);
				const event = findEvent(ctx, hook);
				// Answered once the attempt is made, so a test reads its outcome right away.
				await deliver(ctx.core, hook, event, 'replay');
				return { status: 200, body: { object: 'webhook_event', id: event.id } };
			}),
	},
	{
		name: 'resend.webhooks.events.attempts',
		method: 'GET',
		path: '/webhooks/{webhook_id}/events/{event_id}/attempts',
		auth: 'resend',
		handle: (ctx) =>
			answer(ctx, () => {
				const event = findEvent(ctx, findWebhook(ctx));
				return page(ctx, [...event.attempts].reverse(), renderAttempt);
			}),
	},
];
