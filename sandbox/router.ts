/**
 * The route table. Each vendor module exports a list of Route objects; server.ts matches a request
 * against the list and runs auth, faults and the handler. To add an API (Calls, Verify, Resend),
 * write a module exporting `Route[]` and append it in routes.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxCore } from './core';
import type { FormParams } from './form';
import type { ResendAuth } from './resend/auth';
import type { AccountRecord } from './state';
import type { CreatedResource } from './stats';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** `twilio`: HTTP Basic with AccountSid:AuthToken or ApiKeySid:Secret. `resend`: Bearer API key. */
export type AuthScheme = 'twilio' | 'resend' | 'none';

export interface TwilioAuth {
	account: AccountRecord;
	/** The Basic-auth username: the Account SID or the API key SID. */
	username: string;
	credential: 'auth-token' | 'api-key';
	keyType: 'standard' | 'main' | null;
}

export interface RouteContext {
	core: SandboxCore;
	method: string;
	path: string;
	/** Path parameters named as in the template, e.g. `{AccountSid}` → params.AccountSid. */
	params: Record<string, string>;
	query: FormParams;
	form: FormParams;
	/** Parsed JSON body when the request sent JSON; undefined otherwise. */
	json: unknown;
	rawBody: Buffer;
	headers: IncomingHttpHeaders;
	contentType: string | null;
	/** `http://host:port` as the client addressed us, for absolute URLs in responses. */
	baseUrl: string;
	twilio: TwilioAuth | null;
	/** Set for `resend` routes: the Bearer key that authenticated. */
	resend?: ResendAuth | null;
	/** What this request stored, appended by acceptCreate (stats.ts); read for faultedCreates. */
	created: CreatedResource[];
}

export interface RouteResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface Route {
	/** Stable name used in stats, recorded requests and fault filters: `<vendor>.<resource>.<action>`. */
	name: string;
	method: HttpMethod;
	/** OpenAPI-style template, exactly as the vendor's spec writes the path. */
	path: string;
	auth: AuthScheme;
	/** Path param that must equal the authenticated account (Twilio scopes URLs by account). */
	accountParam?: string;
	/** Twilio's /Accounts endpoints refuse Standard API keys. */
	requiresMainKey?: boolean;
	handle(ctx: RouteContext): RouteResponse | Promise<RouteResponse>;
}

/** An error that already knows its HTTP answer; handlers throw it and the server renders it. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {
		super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
	}

	toResponse(): RouteResponse {
		return { status: this.status, body: this.body, headers: this.headers };
	}
}

export type RouteMatch =
	| { kind: 'found'; route: Route; params: Record<string, string> }
	| { kind: 'method-not-allowed'; allowed: HttpMethod[] }
	| { kind: 'not-found' };

interface CompiledRoute {
	route: Route;
	regex: RegExp;
	keys: string[];
}

function compile(route: Route): CompiledRoute {
	const keys: string[] = [];
	const source = route.path
		.split(/(\{[A-Za-z0-9_]+\})/)
		.map((part) => {
			const m = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
			if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			keys.push(m[1]);
			return '([^/]+?)';
		})
		.join('');
	return { route, regex: new RegExp(`^${source}$`), keys };
}

export class Router {
	private readonly compiled: CompiledRoute[] = [];

	constructor(routes: readonly Route[] = []) {
		this.add(...routes);
	}

	add(...routes: Route[]): void {
		for (const r of routes) this.compiled.push(compile(r));
	}

	get routes(): Route[] {
		return this.compiled.map((c) => c.route);
	}

	match(method: string, path: string): RouteMatch {
		const allowed: HttpMethod[] = [];
		for (const c of this.compiled) {
			const m = c.regex.exec(path);
			if (!m) continue;
			if (c.route.method !== method) {
				allowed.push(c.route.method);
				continue;
			}
			const params: Record<string, string> = {};
			c.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
			return { kind: 'found', route: c.route, params };
		}
		return allowed.length ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
	}
}
