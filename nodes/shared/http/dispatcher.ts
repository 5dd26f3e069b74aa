/**
 * The undici dispatcher for each request: direct, or through the proxy that proxy.ts picks.
 *
 * Agents hold the connection pools, so they are made once per process (direct) and once per proxy
 * URL and environment, never per request: bulk sends make thousands of requests and each new agent
 * would open new TLS connections. When the proxy variables change (tests do that), the old proxy
 * agents finish their requests in flight and close.
 *
 * Every failure while a proxied connection is being set up (reaching the proxy, its answer to
 * CONNECT, the TLS handshake with the vendor through the tunnel) happens before any byte of the
 * request is written, so it is tagged as a ProxyConnectError: the retry policy may then treat it as
 * "not sent" even for creates, and the message can name the proxy.
 */
import { Agent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { proxyEnvSignature, proxyFor, proxyLabel, type ProxyChoice } from './proxy';

export interface Route {
	dispatcher: Dispatcher;
	proxy?: ProxyChoice;
	/** The proxy URL could not be used at all; every request through it fails with this. */
	broken?: ProxyConnectError;
}

export class ProxyConnectError extends Error {
	readonly code = 'EPROXY';
	/** host:port only, never the URL: it may carry credentials. */
	readonly proxy: string;
	readonly reason: string;
	/** The proxy's HTTP answer to CONNECT (or to a forwarded plain-http request's auth), if it gave one. */
	readonly status?: number;
	/** Retrying cannot help: the proxy refused by policy or authentication, or TLS was rejected. */
	readonly final: boolean;

	constructor(proxy: string, reason: string, opts: { status?: number; final: boolean; cause: unknown }) {
		super(`proxy ${proxy}: ${reason}`, { cause: opts.cause });
		this.name = 'ProxyConnectError';
		this.proxy = proxy;
		this.reason = reason;
		this.status = opts.status;
		this.final = opts.final;
	}
}

const CONNECT_STATUS = /Proxy response \((\d+)\) !== 200/;
const TLS_FAILURE = /TLS|SSL|CERT|UNABLE_TO|SELF_SIGNED|EPROTO|UND_ERR_PRX_TLS/i;
/** undici's forwarding mode (plain-http targets) turns a 407 into this error instead of a response. */
const FORWARD_AUTH = /Proxy Authentication Required \(407\)/;

function codeOf(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** Why a proxied connection could not be set up, in words a user can act on. */
export function describeProxyFailure(proxy: string, error: unknown): ProxyConnectError {
	const message = error instanceof Error ? error.message : String(error);
	const status = Number(CONNECT_STATUS.exec(message)?.[1] ?? (FORWARD_AUTH.test(message) ? 407 : NaN));
	if (!Number.isNaN(status)) {
		const why =
			status === 407
				? 'the proxy wants authentication (407); put user:password in the proxy URL, percent-encoded'
				: status === 403
					? 'the proxy refused the connection (403); its policy must allow this host'
					: `the proxy answered CONNECT with HTTP ${status}`;
		return new ProxyConnectError(proxy, why, { status, final: status < 500, cause: error });
	}
	const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
	switch (code) {
		case 'ECONNREFUSED':
			return new ProxyConnectError(proxy, 'connection refused (ECONNREFUSED); is the proxy running at that address?', { final: false, cause: error });
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new ProxyConnectError(proxy, `its host name could not be resolved (${code})`, { final: false, cause: error });
		case 'UND_ERR_CONNECT_TIMEOUT':
		case 'ETIMEDOUT':
			return new ProxyConnectError(proxy, `no connection within the connect timeout (${code})`, { final: false, cause: error });
		case 'ECONNRESET':
		case 'UND_ERR_SOCKET':
		case 'EPIPE':
			return new ProxyConnectError(proxy, `the proxy closed the connection before the tunnel was open (${code})`, { final: false, cause: error });
	}
	if (TLS_FAILURE.test(code ?? message)) {
		// A proxy that inspects TLS presents its own certificate; waiting will not make it trusted.
		return new ProxyConnectError(proxy, `the secure connection through the proxy failed (${code ?? message}); a proxy that inspects TLS needs its CA in NODE_EXTRA_CA_CERTS`, {
			final: true,
			cause: error,
		});
	}
	return new ProxyConnectError(proxy, `the connection through the proxy failed (${code ?? message})`, { final: false, cause: error });
}

/** The proxy's part in a failed exchange through it, if it had one. */
export function proxyFailureOf(error: unknown, proxyUrl: string): ProxyConnectError | undefined {
	let e: unknown = error;
	for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
		if (e instanceof ProxyConnectError) return e;
		// Raised while reading the proxy's answer to a forwarded request, so no connect hook saw it.
		if (e instanceof Error && FORWARD_AUTH.test(e.message)) return describeProxyFailure(proxyLabel(proxyUrl), e);
		e = (e as { cause?: unknown }).cause;
	}
	return undefined;
}

type Connector = (options: object, callback: (err: Error | null, socket: unknown) => void) => void;

function tagging(connect: unknown, proxy: string): unknown {
	if (typeof connect !== 'function') return connect;
	return ((options, callback) =>
		(connect as Connector)(options, (err, socket) => (err ? callback(describeProxyFailure(proxy, err), null) : callback(null, socket)))) satisfies Connector;
}

function proxyAgent(proxyUrl: string): ProxyAgent {
	const label = proxyLabel(proxyUrl);
	try {
		return new ProxyAgent({
			uri: proxyUrl,
			// Plain-http targets are forwarded (absolute-URI requests), not tunnelled, as n8n's http-proxy-agent does.
			proxyTunnel: false,
			factory: (origin, options) => new Pool(origin, { ...options, connect: tagging((options as Pool.Options).connect, label) as Pool.Options['connect'] }),
		});
	} catch (error) {
		// No node here: routeFor keeps it as route.broken, send.ts fails the request with it, and the
		// vendors' toNodeError makes that a NodeApiError.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw new ProxyConnectError(label, 'write the proxy as http://host:port, with user:password@ before the host if it needs them (percent-encoded)', { final: true, cause: error });
	}
}

const direct = new Agent();
const MAX_ORIGINS = 256;
let state: { signature: string; proxies: Map<string, ProxyAgent>; routes: Map<string, Route> } | undefined;

export function routeFor(url: string): Route {
	const signature = proxyEnvSignature();
	if (state?.signature !== signature) {
		for (const agent of state?.proxies.values() ?? []) agent.close().catch(() => undefined);
		state = { signature, proxies: new Map(), routes: new Map() };
	}
	const origin = new URL(url).origin;
	const known = state.routes.get(origin);
	if (known) return known;
	const proxy = proxyFor(url);
	let route: Route = { dispatcher: direct };
	if (proxy) {
		try {
			let agent = state.proxies.get(proxy.url);
			if (!agent) {
				agent = proxyAgent(proxy.url);
				state.proxies.set(proxy.url, agent);
			}
			route = { dispatcher: agent, proxy };
		} catch (error) {
			route = { dispatcher: direct, proxy, broken: error as ProxyConnectError };
		}
	}
	if (state.routes.size >= MAX_ORIGINS) state.routes.clear();
	state.routes.set(origin, route);
	return route;
}
