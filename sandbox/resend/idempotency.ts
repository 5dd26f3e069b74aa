/**
 * Idempotency-Key as Resend honours it: the same key with the same body within 24 hours gets the
 * first answer again (and sends nothing); with a different body, 409 invalid_idempotent_request;
 * while the first request is still running, 409 concurrent_idempotent_requests. Only successes are
 * kept, so a request that failed may be retried with its key.
 */
import { createHash } from 'node:crypto';
import type { RouteContext, RouteResponse } from '../router';
import { resendErrors } from './errors';

const TTL_MS = 24 * 3_600_000;

export async function withIdempotency(ctx: RouteContext, endpoint: string, run: () => RouteResponse | Promise<RouteResponse>): Promise<RouteResponse> {
	const header = ctx.headers['idempotency-key'];
	const key = Array.isArray(header) ? header[0] : header;
	if (key === undefined) return run();
	if (key.length < 1 || key.length > 256) throw resendErrors.invalidIdempotencyKey();
	const { store, stats } = ctx.core;
	const scope = `${endpoint}|${key}`;
	const bodyHash = createHash('sha256').update(ctx.rawBody).digest('hex');
	const now = new Date();
	const existing = store.idempotencyKeys.get(scope);
	if (existing && existing.expiresAt > now) {
		if (existing.bodyHash !== bodyHash) {
			stats.idempotency('conflict');
			throw resendErrors.idempotencyMismatch();
		}
		if (existing.state === 'in-progress' || !existing.response) {
			stats.idempotency('conflict');
			throw resendErrors.idempotencyInProgress();
		}
		stats.idempotency('replay');
		return { status: existing.response.status, body: existing.response.body };
	}
	store.idempotencyKeys.set(scope, { scope, bodyHash, state: 'in-progress', expiresAt: new Date(now.getTime() + TTL_MS) });
	try {
		const res = await run();
		if (res.status < 300) store.idempotencyKeys.set(scope, { scope, bodyHash, state: 'done', response: { status: res.status, body: res.body }, expiresAt: new Date(now.getTime() + TTL_MS) });
		else store.idempotencyKeys.delete(scope);
		return res;
	} catch (err) {
		store.idempotencyKeys.delete(scope);
		throw err;
	}
}

export function idempotencyKeyOf(ctx: RouteContext): string | null {
	const header = ctx.headers['idempotency-key'];
	return (Array.isArray(header) ? header[0] : header) ?? null;
}
