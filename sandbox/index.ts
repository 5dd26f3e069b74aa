/**
 * The sandbox's programmatic entry point: `startSandbox()` gives a running local Twilio stand-in
 * on 127.0.0.1 and handles to its state, counters and faults.
 */
import { adminRoutes } from './admin/routes';
import { SandboxCore } from './core';
import type { FaultConfig } from './faults';
import { Router } from './router';
import { apiRoutes } from './routes';
import { SandboxServer } from './server';
import type { SandboxStateView } from './state';
import type { SandboxStats } from './stats';
import { latestCode } from './twilio/verify';

export interface SandboxOptions {
	/** 0 or undefined: a free port. */
	port?: number;
	/** Default 127.0.0.1. The sandbox has no real security; bind elsewhere only on purpose. */
	host?: string;
	/** Time between message status transitions; default 1000. Tests use ~20. */
	statusStepMs?: number;
	latencyMs?: number;
	jitterMs?: number;
	/**
	 * Startup fault settings (any FaultConfig field, e.g. `{rateResetAfter: 0.05, listLagMs: 500}`);
	 * `latencyMs`/`jitterMs` above win over the same keys here. reset() returns to these.
	 */
	faults?: Partial<FaultConfig>;
	/** How many API requests to keep in `state.requests`; default 20,000. */
	requestLimit?: number;
	/** Timeout for outgoing webhooks; default 15 s, Twilio's own. */
	webhookTimeoutMs?: number;
	/** One line per request and webhook; default silent. */
	log?: (line: string) => void;
}

export interface SandboxFaults {
	set(patch: Partial<FaultConfig>): FaultConfig;
	get(): FaultConfig;
	/** No faults at all (also no latency). */
	clear(): FaultConfig;
}

export interface Sandbox {
	/** e.g. `http://127.0.0.1:41234`, no trailing slash. */
	url: string;
	port: number;
	host: string;
	/** Stops the server, every timer and every open connection. */
	close(): Promise<void>;
	/** Clears messages, counters and recorded requests, re-seeds fixtures, and restores the startup fault settings. */
	reset(): void;
	faults: SandboxFaults;
	stats(): SandboxStats;
	state: SandboxStateView;
	/** Resolves once every queued status callback has been attempted. */
	callbacksIdle(): Promise<void>;
	/** The code of the newest pending Verify v2 verification of `to` (E.164 or email), as `GET /__sandbox/verify/codes` gives it. */
	verifyCode(to: string): string | undefined;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
	const host = opts.host ?? '127.0.0.1';
	const faults: Partial<FaultConfig> = { ...opts.faults };
	if (opts.latencyMs !== undefined) faults.latencyMs = opts.latencyMs;
	if (opts.jitterMs !== undefined) faults.jitterMs = opts.jitterMs;
	const core = new SandboxCore({
		statusStepMs: opts.statusStepMs ?? 1000,
		requestLimit: opts.requestLimit ?? 20_000,
		webhookTimeoutMs: opts.webhookTimeoutMs ?? 15_000,
		faults,
		log: opts.log ?? (() => undefined),
	});
	const server = new SandboxServer(core, new Router(apiRoutes), new Router(adminRoutes));
	const address = await server.listen(opts.port ?? 0, host);
	const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	let closed: Promise<void> | null = null;
	return {
		url: `http://${urlHost}:${address.port}`,
		port: address.port,
		host: address.address,
		close: () => (closed ??= server.close()),
		reset: () => core.reset(),
		faults: {
			set: (patch) => core.faults.set(patch),
			get: () => core.faults.get(),
			clear: () => core.faults.clear(),
		},
		stats: () => core.stats.snapshot(),
		state: core.store,
		callbacksIdle: () => core.statusCallbacks.idle(),
		verifyCode: (to) => latestCode(core.store.verifications.values(), to)?.code,
	};
}

export type { FaultConfig } from './faults';
export type { SandboxStats, DuplicateKey, FaultKind } from './stats';
export type {
	SandboxStateView,
	AccountRecord,
	ApiKeyRecord,
	IncomingNumberRecord,
	MessagingServiceRecord,
	MessageRecord,
	MessageStatus,
	WebhookAttempt,
	InboundRecord,
	RecordedRequest,
} from './state';
export type { Route, RouteContext, RouteResponse } from './router';
export type { InboundSmsInput, InboundSmsResult } from './twilio/inbound';
export { countSegments } from './segments';
export type { SegmentCount, SmsEncoding } from './segments';
export * from './fixtures';
