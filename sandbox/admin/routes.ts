/**
 * Admin endpoints under /__sandbox/: no auth, loopback callers only, never faulted or counted.
 * They let tests and the demo look inside the sandbox and drive it (faults, inbound SMS).
 */
import type { SandboxCore } from '../core';
import { validateFaults } from '../faults';
import * as fixtures from '../fixtures';
import { adminEmail } from '../resend/render';
import { ApiError, Route } from '../router';
import type { MessageRecord } from '../state';
import { renderAccount } from '../twilio/accounts';
import { CalleeScriptError, checkScriptNumber, parseCalleeScript } from '../twilio/callee';
import { adminCall } from '../twilio/calls';
import { renderRecording } from '../twilio/recordings';
import { InboundError, InboundSmsInput, simulateInboundSms } from '../twilio/inbound';
import { simulateInboundCall, type InboundCallInput } from '../twilio/inbound-call';
import { renderMessage } from '../twilio/messages';
import { renderService } from '../twilio/messaging-services';
import { renderNumber } from '../twilio/numbers';
import { parseRecipientScript, RecipientScriptError, scheduleInboundSms } from '../twilio/recipient';
import { adminVerification, renderVerifyService, verifyAdminRoutes } from '../twilio/verify';
import { eventsAdminRoutes } from '../twilio/events';

const adminError = (status: number, message: string): ApiError => new ApiError(status, { error: message });

/**
 * Set, list and clear the per-number scripts (`callee`, `recipient`): POST {number, script} answers
 * the script as it will run (defaults filled in); DELETE one number, or every script of the kind.
 */
function scriptRoutes(kind: 'callee' | 'recipient', set: (core: SandboxCore, number: string, script: unknown) => unknown): Route[] {
	const map = (core: SandboxCore) => (kind === 'callee' ? core.store.callees : core.store.recipients);
	const base = `/__sandbox/${kind}`;
	return [
		{
			name: `admin.${kind}.set`,
			method: 'POST',
			path: base,
			auth: 'none',
			handle: (ctx) => {
				const body = (ctx.json ?? {}) as { number?: unknown; script?: unknown };
				try {
					const number = checkScriptNumber(body.number);
					return { status: 200, body: { number, script: set(ctx.core, number, body.script) } };
				} catch (err) {
					if (err instanceof CalleeScriptError || err instanceof RecipientScriptError) throw adminError(400, err.message);
					throw err;
				}
			},
		},
		{
			name: `admin.${kind}.list`,
			method: 'GET',
			path: base,
			auth: 'none',
			handle: (ctx) => ({ status: 200, body: { scripts: [...map(ctx.core)].map(([number, script]) => ({ number, script })) } }),
		},
		{
			name: `admin.${kind}.clear`,
			method: 'DELETE',
			path: base,
			auth: 'none',
			handle: (ctx) => {
				const removed = map(ctx.core).size;
				map(ctx.core).clear();
				return { status: 200, body: { removed } };
			},
		},
		{
			name: `admin.${kind}.delete`,
			method: 'DELETE',
			path: `${base}/{number}`,
			auth: 'none',
			handle: (ctx) => ({ status: 200, body: { removed: map(ctx.core).delete(ctx.params.number.trim()) ? 1 : 0 } }),
		},
	];
}

/** A message as the API shows it, plus what only the sandbox knows, under `sandbox`. */
function adminMessage(m: MessageRecord) {
	return {
		...renderMessage(m),
		sandbox: {
			encoding: m.encoding,
			mediaUrls: m.media.map((x) => x.url),
			statusHistory: m.statusHistory,
			statusCallback: m.statusCallback,
			validityPeriod: m.validityPeriod,
			sendAt: m.sendAt,
			contentSid: m.contentSid,
			contentVariables: m.contentVariables,
			logicalKey: m.logicalKey,
		},
	};
}

/** Resources in their Twilio JSON shape (what API users know); sandbox-only records as they are. */
export function snapshotState(core: SandboxCore, requestLimit: number, baseUrl: string) {
	const s = core.store;
	return {
		accounts: [...s.accounts.values()].map(renderAccount),
		apiKeys: [...s.apiKeys.values()],
		numbers: [...s.numbers.values()].map(renderNumber),
		messagingServices: [...s.messagingServices.values()].map((x) => renderService(x, baseUrl)),
		messages: [...s.messages.values()].map(adminMessage),
		calls: [...s.calls.values()].map(adminCall),
		recordings: [...s.recordings.values()].map((r) => renderRecording(r, baseUrl)),
		webhooks: [...s.webhooks],
		inbound: [...s.inbound],
		optOuts: [...s.optOuts],
		emails: [...s.emails.values()].map(adminEmail),
		verifyServices: [...s.verifyServices.values()].map((x) => renderVerifyService(x, baseUrl)),
		verifications: [...s.verifications.values()].map((x) => adminVerification(x, baseUrl)),
		callees: [...s.callees].map(([number, script]) => ({ number, script })),
		recipients: [...s.recipients].map(([number, script]) => ({ number, script })),
		scheduledSms: [...s.scheduledSms.values()],
		requests: requestLimit >= s.requests.length ? [...s.requests] : s.requests.slice(s.requests.length - requestLimit),
		requestsTotal: s.requests.length,
	};
}

export const adminRoutes: readonly Route[] = [
	{
		name: 'admin.health',
		method: 'GET',
		path: '/__sandbox/health',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: { ok: true, url: ctx.baseUrl } }),
	},
	{
		name: 'admin.fixtures',
		method: 'GET',
		path: '/__sandbox/fixtures',
		auth: 'none',
		handle: () => ({
			status: 200,
			body: {
				fullAccount: fixtures.FULL_ACCOUNT,
				trialAccount: fixtures.TRIAL_ACCOUNT,
				apiKey: fixtures.API_KEY,
				mainApiKey: fixtures.MAIN_API_KEY,
				phoneNumbers: fixtures.PHONE_NUMBERS,
				messagingServices: fixtures.MESSAGING_SERVICES,
				verifyServices: fixtures.VERIFY_SERVICES,
				magicTo: fixtures.MAGIC_TO,
				magicFrom: fixtures.MAGIC_FROM,
				resendKeys: fixtures.RESEND_API_KEYS,
				resendDomains: fixtures.RESEND_DOMAINS,
				resendFrom: fixtures.RESEND_FROM,
				resendMagicTo: fixtures.RESEND_MAGIC_TO,
				chatModelApiKey: fixtures.CHAT_MODEL_API_KEY,
				chatModelIds: fixtures.CHAT_MODEL_IDS,
			},
		}),
	},
	{
		name: 'admin.state',
		method: 'GET',
		path: '/__sandbox/state',
		auth: 'none',
		handle: (ctx) => {
			// Recorded requests can be many; default to the last 1000, `?requests=all` for every one kept.
			const q = ctx.query.requests?.[0];
			const limit = q === 'all' ? Number.MAX_SAFE_INTEGER : /^\d+$/.test(q ?? '') ? Number(q) : 1000;
			return { status: 200, body: snapshotState(ctx.core, limit, ctx.baseUrl) };
		},
	},
	{
		name: 'admin.stats',
		method: 'GET',
		path: '/__sandbox/stats',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: ctx.core.stats.snapshot() }),
	},
	{
		name: 'admin.faults.get',
		method: 'GET',
		path: '/__sandbox/faults',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: ctx.core.faults.get() }),
	},
	{
		name: 'admin.faults.set',
		method: 'POST',
		path: '/__sandbox/faults',
		auth: 'none',
		handle: (ctx) => {
			try {
				return { status: 200, body: ctx.core.faults.set(validateFaults(ctx.json ?? {})) };
			} catch (err) {
				throw adminError(400, err instanceof Error ? err.message : String(err));
			}
		},
	},
	{
		name: 'admin.faults.clear',
		method: 'DELETE',
		path: '/__sandbox/faults',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: ctx.core.faults.clear() }),
	},
	{
		name: 'admin.reset',
		method: 'POST',
		path: '/__sandbox/reset',
		auth: 'none',
		handle: (ctx) => {
			ctx.core.reset();
			return { status: 200, body: { ok: true } };
		},
	},
	{
		name: 'admin.inbound.sms',
		method: 'POST',
		path: '/__sandbox/inbound/sms',
		auth: 'none',
		handle: async (ctx) => {
			if (typeof ctx.json !== 'object' || ctx.json === null) throw adminError(400, 'expected a JSON body {from, to, body, mediaUrls?, afterMs?}');
			try {
				const { afterMs, ...input } = ctx.json as InboundSmsInput & { afterMs?: unknown };
				// Later: accepted now, sent by a timer; its outcome is read from /__sandbox/inbound/sms/scheduled/{id}.
				if (afterMs !== undefined) return { status: 202, body: scheduleInboundSms(ctx.core, input, afterMs) };
				const result = await simulateInboundSms(ctx.core, input);
				// 409: the message arrived but nothing was configured to receive it.
				return { status: result.url ? 200 : 409, body: result };
			} catch (err) {
				if (err instanceof InboundError) throw adminError(err.status, err.message);
				throw err;
			}
		},
	},
	{
		name: 'admin.inbound.sms.scheduled.list',
		method: 'GET',
		path: '/__sandbox/inbound/sms/scheduled',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: { scheduled: [...ctx.core.store.scheduledSms.values()] } }),
	},
	{
		name: 'admin.inbound.sms.scheduled.get',
		method: 'GET',
		path: '/__sandbox/inbound/sms/scheduled/{id}',
		auth: 'none',
		handle: (ctx) => {
			const entry = ctx.core.store.scheduledSms.get(ctx.params.id);
			if (!entry) throw adminError(404, `no scheduled inbound SMS ${ctx.params.id}`);
			return { status: 200, body: entry };
		},
	},
	...scriptRoutes('callee', (core, number, script) => {
		core.store.callees.set(number, parseCalleeScript(script, core.statusStepMs));
		return core.store.callees.get(number);
	}),
	...scriptRoutes('recipient', (core, number, script) => {
		core.store.recipients.set(number, parseRecipientScript(script));
		return core.store.recipients.get(number);
	}),
	{
		name: 'admin.inbound.call',
		method: 'POST',
		path: '/__sandbox/inbound/call',
		auth: 'none',
		handle: async (ctx) => {
			if (typeof ctx.json !== 'object' || ctx.json === null) throw adminError(400, 'expected a JSON body {from, to, deliveries?, tamper?, json?}');
			try {
				const result = await simulateInboundCall(ctx.core, ctx.json as InboundCallInput);
				// 409: the call came in but nothing was configured to answer it.
				return { status: result.url ? 200 : 409, body: result };
			} catch (err) {
				if (err instanceof InboundError) throw adminError(err.status, err.message);
				throw err;
			}
		},
	},
	{
		name: 'admin.chat_model',
		method: 'GET',
		path: '/__sandbox/chat-model',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: { url: ctx.core.chatModel.url, apiKey: ctx.core.chatModel.apiKey } }),
	},
	{
		name: 'admin.chat_model.requests',
		method: 'GET',
		path: '/__sandbox/chat-model/requests',
		auth: 'none',
		handle: (ctx) => ({ status: 200, body: { requests: ctx.core.chatModel.requests } }),
	},
	...verifyAdminRoutes,
	...eventsAdminRoutes,
];
