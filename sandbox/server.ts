/**
 * The HTTP front: one node:http server, two route tables. Vendor API requests go through
 * recording, counters, faults and auth; /__sandbox/ requests only through the loopback check.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticateTwilio, authorizeTwilio, parseBasicAuth } from './auth';
import type { SandboxCore } from './core';
import { parseUrlEncoded } from './form';
import { BodyTooLarge, closeServer, listen, readBody, send } from './http';
import { newSid } from './ids';
import { ApiError, Route, RouteContext, RouteMatch, RouteResponse, Router } from './router';
import { authenticateResend, resendFaultErrors } from './resend';
import { twilioErrors } from './twilio/errors';

export const ADMIN_PREFIX = '/__sandbox';

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Fault answers in the shape of the vendor whose route was hit. */
function faultErrors(route: string): { tooManyRequests(retryAfterSec: number): ApiError; unavailable(): ApiError; internal(): ApiError } {
	return route.startsWith('resend.') ? resendFaultErrors : twilioErrors;
}

function routeName(match: RouteMatch): string {
	if (match.kind === 'found') return match.route.name;
	return match.kind === 'method-not-allowed' ? 'unmatched.method_not_allowed' : 'unmatched.not_found';
}

/** Request headers that contract tests check (Resend's Idempotency-Key and batch mode). */
function recordedHeaders(req: IncomingMessage): { headers?: Record<string, string> } {
	const headers: Record<string, string> = {};
	for (const name of ['idempotency-key', 'x-batch-validation']) {
		const value = req.headers[name];
		if (typeof value === 'string') headers[name] = value;
	}
	return Object.keys(headers).length > 0 ? { headers } : {};
}

export class SandboxServer {
	private readonly server: http.Server;
	private address: AddressInfo | null = null;
	/** Twilio requests in flight per account, for `concurrencyLimit`. */
	private readonly inFlight = new Map<string, number>();

	constructor(
		private readonly core: SandboxCore,
		private readonly api: Router,
		private readonly admin: Router,
	) {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((err: unknown) => {
				this.core.log(`sandbox error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
				if (!res.headersSent) send(res, twilioErrors.internal().toResponse());
				else res.destroy();
			});
		});
	}

	async listen(port: number, host: string): Promise<AddressInfo> {
		this.address = await listen(this.server, port, host);
		return this.address;
	}

	close(): Promise<void> {
		this.core.close();
		return closeServer(this.server);
	}

	private baseUrl(req: IncomingMessage): string {
		const fallback = this.address ? `${this.address.address}:${this.address.port}` : 'localhost';
		return `http://${req.headers.host ?? fallback}`;
	}

	private context(req: IncomingMessage, url: URL, raw: Buffer, params: Record<string, string>): RouteContext {
		const contentType = req.headers['content-type'] ?? null;
		let json: unknown;
		if (contentType && /\bjson\b/i.test(contentType) && raw.length > 0) {
			try {
				json = JSON.parse(raw.toString('utf8'));
			} catch {
				json = undefined;
			}
		}
		return {
			core: this.core,
			method: req.method ?? 'GET',
			path: url.pathname,
			params,
			query: parseUrlEncoded(url.search.slice(1)),
			form: contentType && /application\/x-www-form-urlencoded/i.test(contentType) ? parseUrlEncoded(raw.toString('utf8')) : {},
			json,
			rawBody: raw,
			headers: req.headers,
			contentType,
			baseUrl: this.baseUrl(req),
			twilio: null,
			created: [],
		};
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
		if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) return this.handleAdmin(req, res, url);
		return this.handleApi(req, res, url);
	}

	private async handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		if (!isLoopback(req.socket.remoteAddress)) {
			send(res, { status: 403, body: { error: 'the sandbox admin API only answers loopback clients' } });
			return;
		}
		const match = this.admin.match(req.method ?? 'GET', url.pathname);
		if (match.kind !== 'found') {
			send(res, { status: match.kind === 'not-found' ? 404 : 405, body: { error: `no admin endpoint ${req.method} ${url.pathname}` } });
			return;
		}
		const raw = await readBody(req);
		const ctx = this.context(req, url, raw, match.params);
		if (raw.length > 0 && ctx.json === undefined) {
			send(res, { status: 400, body: { error: 'admin endpoints take a JSON body' } });
			return;
		}
		try {
			send(res, await match.route.handle(ctx));
		} catch (err) {
			if (err instanceof ApiError) send(res, err.toResponse());
			else throw err;
		}
	}

	/**
	 * Twilio's account-wide concurrent-request limit (fault `concurrencyLimit`). A request counts
	 * from its arrival to its answer (or reset), latency included, as it would at Twilio; a refused
	 * one is answered at once and counts for nothing.
	 */
	private admitConcurrent(req: IncomingMessage, res: ServerResponse, route: string): { admitted: boolean; inFlight: number; answering(): Record<string, string> } {
		const limit = this.core.faults.get().concurrencyLimit;
		if (limit <= 0 || !route.startsWith('twilio.')) return { admitted: true, inFlight: 0, answering: () => ({}) };
		// An API key counts against its account, as at Twilio; unauthenticated requests share one bucket.
		const username = parseBasicAuth(req.headers.authorization)?.username ?? '';
		const account = this.core.store.apiKeys.get(username)?.accountSid ?? username;
		const inFlight = this.inFlight.get(account) ?? 0;
		if (inFlight >= limit) return { admitted: false, inFlight, answering: () => ({}) };
		this.inFlight.set(account, inFlight + 1);
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			const left = (this.inFlight.get(account) ?? 1) - 1;
			if (left > 0) this.inFlight.set(account, left);
			else this.inFlight.delete(account);
		};
		// A reset never answers: the request ends with its socket.
		res.on('close', release);
		return {
			admitted: true,
			inFlight: inFlight + 1,
			// The request stops counting as its answer goes out, not when the socket closes later: the
			// client may send its next request before this one's 'close', and must not be refused for it.
			answering: () => {
				const count = this.inFlight.get(account) ?? 0;
				release();
				return { 'Twilio-Concurrent-Requests': String(count) };
			},
		};
	}

	private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const { core } = this;
		const started = Date.now();
		const method = req.method ?? 'GET';
		const match = this.api.match(method, url.pathname);
		const name = routeName(match);
		core.stats.requestStarted(name);
		let counted = true;
		res.on('close', () => {
			if (counted) core.stats.requestEnded();
			counted = false;
		});

		let raw: Buffer;
		try {
			raw = await readBody(req);
		} catch (err) {
			if (err instanceof BodyTooLarge) {
				send(res, twilioErrors.payloadTooLarge().toResponse());
				return;
			}
			throw err;
		}
		const ctx = this.context(req, url, raw, match.kind === 'found' ? match.params : {});
		const record = (status: number, fault: string | null, body: unknown): void => {
			core.store.recordRequest({
				id: core.store.newId(),
				at: new Date(started).toISOString(),
				method,
				path: url.pathname,
				route: name,
				routePath: match.kind === 'found' ? match.route.path : null,
				query: ctx.query,
				...(raw.length > 0 && Object.keys(ctx.form).length > 0 ? { form: ctx.form } : {}),
				...(ctx.json !== undefined ? { json: ctx.json } : {}),
				contentType: ctx.contentType,
				authUser: parseBasicAuth(req.headers.authorization)?.username ?? null,
				...recordedHeaders(req),
				status,
				fault,
				durationMs: Date.now() - started,
				// Media is summarized: the request log is JSON, and audio bytes would only bloat it.
				responseBody: Buffer.isBuffer(body) ? { binary: true, bytes: body.length } : body,
			});
			core.log(`${method} ${url.pathname} -> ${status || 'reset'} ${Date.now() - started}ms${fault ? ` [${fault}]` : ''}`);
		};
		const concurrency = this.admitConcurrent(req, res, name);
		const reply = (r: RouteResponse, fault: string | null): void => {
			core.stats.response(r.status);
			record(r.status, fault, r.body);
			send(res, r, { 'Twilio-Request-Id': newSid('RQ'), ...concurrency.answering() });
		};
		if (!concurrency.admitted) {
			core.stats.fault('concurrency429');
			reply(twilioErrors.tooManyConcurrent(concurrency.inFlight).toResponse(), 'concurrency429');
			return;
		}

		const decision = core.faults.decide(name);
		if (decision.delayMs > 0) {
			core.stats.fault('latency');
			await core.io.sleep(decision.delayMs);
		}
		if (decision.reset) {
			core.stats.fault('reset');
			record(0, 'reset', undefined);
			req.socket.destroy();
			return;
		}
		if (decision.tooManyRequests) {
			core.stats.fault('rate429');
			reply(faultErrors(name).tooManyRequests(core.faults.get().retryAfterSec).toResponse(), 'rate429');
			return;
		}
		if (decision.unavailableBefore) {
			core.stats.fault('rate5xxBefore');
			reply(faultErrors(name).unavailable().toResponse(), 'rate5xxBefore');
			return;
		}

		let response = await this.dispatch(match, ctx);
		// The work is done (a message may now exist); the client sees a reset or a 500: "outcome unknown".
		const after = decision.resetAfter ? 'resetAfter' : decision.errorAfter ? 'rate5xx' : null;
		if (after && response.status >= 200 && response.status < 300) {
			for (const c of ctx.created) core.stats.faultedCreate({ route: name, fault: after, kind: c.kind, sid: c.sid, to: c.to });
		}
		if (after === 'resetAfter') {
			core.stats.fault('resetAfter');
			record(0, 'resetAfter', undefined);
			req.socket.destroy();
			return;
		}
		let fault: string | null = null;
		if (after === 'rate5xx') {
			core.stats.fault('rate5xx');
			response = faultErrors(name).internal().toResponse();
			fault = 'rate5xx';
		}
		if (decision.slowMs > 0) {
			core.stats.fault('slow');
			fault ??= 'slow';
			await core.io.sleep(decision.slowMs);
		}
		reply(response, fault);
	}

	private async dispatch(match: RouteMatch, ctx: RouteContext): Promise<RouteResponse> {
		try {
			if (match.kind === 'not-found') throw twilioErrors.notFound(ctx.path);
			if (match.kind === 'method-not-allowed') throw twilioErrors.methodNotAllowed(ctx.method);
			const route: Route = match.route;
			if (route.auth === 'twilio') {
				ctx.twilio = authenticateTwilio(ctx.headers.authorization, this.core.store);
				authorizeTwilio(route, match.params, ctx.twilio);
			}
			if (route.auth === 'resend') ctx.resend = authenticateResend(ctx.headers.authorization);
			return await route.handle(ctx);
		} catch (err) {
			if (err instanceof ApiError) return err.toResponse();
			this.core.log(`handler error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
			return twilioErrors.internal().toResponse();
		}
	}
}
