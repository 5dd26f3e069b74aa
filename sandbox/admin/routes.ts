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
import { adminCall } from '../twilio/calls';
import { InboundError, InboundSmsInput, simulateInboundSms } from '../twilio/inbound';
import { simulateInboundCall, type InboundCallInput } from '../twilio/inbound-call';
import { renderMessage } from '../twilio/messages';
import { renderService } from '../twilio/messaging-services';
import { renderNumber } from '../twilio/numbers';
import { adminVerification, renderVerifyService, verifyAdminRoutes } from '../twilio/verify';

const adminError = (status: number, message: string): ApiError => new ApiError(status, { error: message });

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
		webhooks: [...s.webhooks],
		inbound: [...s.inbound],
		optOuts: [...s.optOuts],
		emails: [...s.emails.values()].map(adminEmail),
		verifyServices: [...s.verifyServices.values()].map((x) => renderVerifyService(x, baseUrl)),
		verifications: [...s.verifications.values()].map((x) => adminVerification(x, baseUrl)),
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
			if (typeof ctx.json !== 'object' || ctx.json === null) throw adminError(400, 'expected a JSON body {from, to, body, mediaUrls?}');
			try {
				const result = await simulateInboundSms(ctx.core, ctx.json as InboundSmsInput);
				// 409: the message arrived but nothing was configured to receive it.
				return { status: result.url ? 200 : 409, body: result };
			} catch (err) {
				if (err instanceof InboundError) throw adminError(err.status, err.message);
				throw err;
			}
		},
	},
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
];
