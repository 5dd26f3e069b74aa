/**
 * Resend's email endpoints: send, batch send, list, retrieve, cancel. Auth (Bearer), faults,
 * recording and counters come from server.ts; the rate-limit headers and Idempotency-Key are
 * handled here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { first } from '../form';
import type { Route, RouteContext, RouteResponse } from '../router';
import { acceptCreate, logicalKey } from '../stats';
import { requireFullAccess } from './auth';
import { resendErrors, ResendApiError } from './errors';
import { idempotencyKeyOf, withIdempotency } from './idempotency';
import { startEmailDelivery } from './lifecycle';
import { rateLimitHeaders } from './rateLimit';
import { renderEmail, renderListedEmail } from './render';
import type { EmailRecord } from './types';
import { validateEmail, type ValidEmail } from './validate';

export const MAX_BATCH = 100;

function checkQuota(ctx: RouteContext): void {
	const quota = ctx.resend?.key.quotaExceeded;
	if (quota === 'daily') throw resendErrors.dailyQuota();
	if (quota === 'monthly') throw resendErrors.monthlyQuota();
}

function store(ctx: RouteContext, email: ValidEmail, meta: { idempotencyKey: string | null; apiKeyId: string; batch: boolean }): EmailRecord {
	const now = new Date();
	const id = randomUUID();
	const contentHash = (s: string | null) => (s === null ? null : createHash('sha256').update(s).digest('hex'));
	const record: EmailRecord = {
		id,
		...email,
		lastEvent: email.scheduledAt ? 'scheduled' : 'queued',
		events: [{ event: email.scheduledAt ? 'scheduled' : 'queued', at: now }],
		createdAt: now,
		messageId: `<${now.getTime()}.${id}@sandbox.resend.local>`,
		// "The same send": what the recipient would see. Ids and keys are left out on purpose.
		logicalKey: logicalKey([
			'email',
			email.from,
			email.to,
			email.cc,
			email.bcc,
			email.subject,
			email.html,
			email.text,
			email.attachments.map((a) => `${a.filename}:${contentHash(a.content) ?? a.path}`),
			email.scheduledAt?.toISOString(),
		]),
		...meta,
	};
	ctx.core.store.emails.set(id, record);
	acceptCreate(ctx, 'email', record.logicalKey, id, email.to.join(', '));
	startEmailDelivery(ctx.core, record);
	return record;
}

const withHeaders = (ctx: RouteContext, r: RouteResponse): RouteResponse => ({ ...r, headers: { ...rateLimitHeaders(ctx.core), ...r.headers } });

/** Errors also carry the rate-limit headers, as Resend's do. */
async function answer(ctx: RouteContext, run: () => Promise<RouteResponse>): Promise<RouteResponse> {
	try {
		return withHeaders(ctx, await run());
	} catch (err) {
		if (err instanceof ResendApiError) return withHeaders(ctx, err.toResponse());
		throw err;
	}
}

function sendOne(ctx: RouteContext): Promise<RouteResponse> {
	return answer(ctx, async () => {
		checkQuota(ctx);
		return withIdempotency(ctx, 'emails', () => {
			const email = validateEmail(ctx.json, { batch: false, now: new Date() });
			const record = store(ctx, email, { idempotencyKey: idempotencyKeyOf(ctx), apiKeyId: ctx.resend!.key.id, batch: false });
			return { status: 200, body: { id: record.id } };
		});
	});
}

function sendBatch(ctx: RouteContext): Promise<RouteResponse> {
	return answer(ctx, async () => {
		checkQuota(ctx);
		const header = ctx.headers['x-batch-validation'];
		const mode = (Array.isArray(header) ? header[0] : header) ?? 'strict';
		if (mode !== 'strict' && mode !== 'permissive') throw resendErrors.invalid('Invalid `x-batch-validation` header. Use `strict` or `permissive`.');
		return withIdempotency(ctx, 'emails/batch', () => {
			const body = ctx.json;
			if (!Array.isArray(body)) throw resendErrors.invalid('The request body must be an array of emails.');
			if (body.length < 1 || body.length > MAX_BATCH) throw resendErrors.invalid(`A batch must contain between 1 and ${MAX_BATCH} emails.`);
			const now = new Date();
			const checked = body.map((item, index) => {
				try {
					return { index, email: validateEmail(item, { batch: true, now }) };
				} catch (err) {
					if (!(err instanceof ResendApiError)) throw err;
					if (mode === 'strict') throw new ResendApiError(err.status, (err.body as { name: string }).name, `emails[${index}]: ${err.message}`);
					return { index, error: err.message };
				}
			});
			ctx.core.stats.emailBatch();
			const meta = { idempotencyKey: idempotencyKeyOf(ctx), apiKeyId: ctx.resend!.key.id, batch: true };
			const data = checked.flatMap((c) => (c.email ? [{ id: store(ctx, c.email, meta).id }] : []));
			const errors = checked.flatMap((c) => (c.error !== undefined ? [{ index: c.index, message: c.error }] : []));
			return { status: 200, body: mode === 'permissive' ? { data, errors } : { data } };
		});
	});
}

const LIST_DEFAULT_LIMIT = 20;
const LIST_MAX_LIMIT = 100;

/**
 * GET /emails: newest first, `limit` 1..100 (default 20), cursors `after` (the page of older emails
 * that starts after this id) or `before` (the page of newer emails that ends before it), never both.
 * `has_more` says whether more lie beyond the page in the direction of travel. With `listLagMs`,
 * emails younger than the lag are left out (a cursor may still name one).
 */
function listEmails(ctx: RouteContext): Promise<RouteResponse> {
	return answer(ctx, async () => {
		requireFullAccess(ctx.resend);
		const rawLimit = first(ctx.query, 'limit');
		const limit = rawLimit === undefined ? LIST_DEFAULT_LIMIT : /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
		if (!(limit >= 1 && limit <= LIST_MAX_LIMIT)) throw resendErrors.invalid(`The \`limit\` parameter must be an integer between 1 and ${LIST_MAX_LIMIT}.`);
		const after = first(ctx.query, 'after');
		const before = first(ctx.query, 'before');
		if (after !== undefined && before !== undefined) throw resendErrors.invalid('You can only use either `after` or `before`, not both.');
		// Map order is creation order; the list is newest first.
		const all = [...ctx.core.store.emails.values()].reverse();
		const cursor = after ?? before;
		let candidates = all;
		if (cursor !== undefined) {
			const index = all.findIndex((e) => e.id === cursor);
			if (index < 0) throw resendErrors.invalid(`Invalid \`${after !== undefined ? 'after' : 'before'}\` cursor: no email with this id.`);
			candidates = after !== undefined ? all.slice(index + 1) : all.slice(0, index);
		}
		const listed = ctx.core.faults.listed('resend.emails.list');
		const visible = candidates.filter((e) => listed(e.createdAt));
		// Going back (`before`), the page is the `limit` emails just newer than the cursor.
		const page = before !== undefined ? visible.slice(Math.max(0, visible.length - limit)) : visible.slice(0, limit);
		return { status: 200, body: { object: 'list', has_more: visible.length > limit, data: page.map(renderListedEmail) } };
	});
}

function getEmail(ctx: RouteContext): Promise<RouteResponse> {
	return answer(ctx, async () => {
		requireFullAccess(ctx.resend);
		const email = ctx.core.store.emails.get(ctx.params.email_id);
		if (!email) throw resendErrors.notFound();
		return { status: 200, body: renderEmail(email) };
	});
}

function cancelEmail(ctx: RouteContext): Promise<RouteResponse> {
	return answer(ctx, async () => {
		requireFullAccess(ctx.resend);
		const email = ctx.core.store.emails.get(ctx.params.email_id);
		if (!email) throw resendErrors.notFound();
		if (email.lastEvent !== 'scheduled') throw resendErrors.invalid('Only scheduled emails can be canceled.');
		email.lastEvent = 'canceled';
		email.events.push({ event: 'canceled', at: new Date() });
		return { status: 200, body: { object: 'email', id: email.id } };
	});
}

export const resendEmailRoutes: Route[] = [
	{ name: 'resend.emails.send', method: 'POST', path: '/emails', auth: 'resend', handle: sendOne },
	{ name: 'resend.emails.batch', method: 'POST', path: '/emails/batch', auth: 'resend', handle: sendBatch },
	{ name: 'resend.emails.list', method: 'GET', path: '/emails', auth: 'resend', handle: listEmails },
	{ name: 'resend.emails.get', method: 'GET', path: '/emails/{email_id}', auth: 'resend', handle: getEmail },
	{ name: 'resend.emails.cancel', method: 'POST', path: '/emails/{email_id}/cancel', auth: 'resend', handle: cancelEmail },
];
