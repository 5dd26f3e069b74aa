/**
 * The sandbox's programmatic entry point: `startSandbox()` gives a running local Twilio stand-in
 * on 127.0.0.1 and handles to its state, counters and faults, plus the scripted chat model on a
 * port of its own (`sandbox.chatModel`).
 */
import { adminRoutes } from './admin/routes';
import type { ChatModelRequest } from './chat-model/log';
import { ChatModelServer } from './chat-model/server';
import { SandboxCore } from './core';
import type { FaultConfig } from './faults';
import { origin } from './http';
import { Router } from './router';
import { apiRoutes } from './routes';
import { SandboxServer } from './server';
import type { SandboxStateView } from './state';
import type { SandboxStats } from './stats';
import { callCallbacksIdle } from './twilio/calls-lifecycle';
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
	/** Port of the scripted chat model (on `host`); 0 or undefined: a free port. */
	chatModelPort?: number;
}

/** The scripted OpenAI-compatible chat model (see "Scripted chat model" in sandbox/README.md). */
export interface SandboxChatModel {
	/** Base URL ending in `/v1`, e.g. `http://127.0.0.1:41235/v1`: the OpenAI credential's Base URL. */
	url: string;
	/** The Bearer key it takes (`CHAT_MODEL_API_KEY`). */
	apiKey: string;
	/** Every request it got, in order; cleared by `reset()`. */
	requests: ChatModelRequest[];
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
	/** Resolves once every queued status callback (messages and calls) has been attempted. */
	callbacksIdle(): Promise<void>;
	/** The code of the newest pending Verify v2 verification of `to` (E.164 or email), as `GET /__sandbox/verify/codes` gives it. */
	verifyCode(to: string): string | undefined;
	/** The scripted chat model, on its own port. */
	chatModel: SandboxChatModel;
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
	const chatModel = new ChatModelServer(core.chatModel, (line) => core.log(line));
	const address = await server.listen(opts.port ?? 0, host);
	try {
		await chatModel.listen(opts.chatModelPort ?? 0, host);
	} catch (err) {
		await server.close();
		throw err;
	}
	let closed: Promise<void> | null = null;
	return {
		url: origin(address),
		port: address.port,
		host: address.address,
		close: () => (closed ??= Promise.all([server.close(), chatModel.close()]).then(() => undefined)),
		reset: () => core.reset(),
		faults: {
			set: (patch) => core.faults.set(patch),
			get: () => core.faults.get(),
			clear: () => core.faults.clear(),
		},
		stats: () => core.stats.snapshot(),
		state: core.store,
		callbacksIdle: async () => {
			await core.statusCallbacks.idle();
			await callCallbacksIdle(core);
		},
		verifyCode: (to) => latestCode(core.store.verifications.values(), to)?.code,
		chatModel: { url: core.chatModel.url, apiKey: core.chatModel.apiKey, requests: core.chatModel.requests },
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
export type { CalleeScript, CalleePress, CalleeAnswer } from './twilio/callee';
export type { RecipientScript, ScheduledSms } from './twilio/recipient';
export type { CallRecord, HeardVerb, TwimlExchange } from './twilio/calls-state';
export type { ChatModelRequest } from './chat-model/log';
export { countSegments } from './segments';
export type { SegmentCount, SmsEncoding } from './segments';
export * from './fixtures';
