/**
 * Verify v2 (verify.twilio.com): services, verifications and verification checks.
 *
 * Nothing is delivered; the code is kept on the verification so tests and the demo can read it
 * through `GET /__sandbox/verify/codes` and complete the flow. The rules follow Twilio's: sending
 * again to a number with a pending verification re-sends the same code on the same SID (at most 5
 * times, then 60203), a wrong code answers 200 with `valid: false` (5 times, then 60202), and a
 * check with nothing pending is 404 20404.
 */
import { iso8601 } from '../dates';
import { MAGIC_TO } from '../fixtures';
import { first } from '../form';
import { newSid, SID_PATTERN } from '../ids';
import { ApiError, type Route, type RouteContext } from '../router';
import { acceptCreate, logicalKey } from '../stats';
import { TwilioApiError, twilioErrors } from './errors';
import { pageV1 } from './paging';
import {
	generateCode,
	isLive,
	liveVerification,
	MAX_CHECK_ATTEMPTS,
	MAX_SEND_ATTEMPTS,
	refreshExpiry,
	VERIFICATION_TTL_MS,
	VERIFY_CHANNELS,
	type VerificationRecord,
	type VerifyChannel,
	type VerifyServiceRecord,
} from './verify-state';

const E164 = /^\+[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Twilio's supported languages are ISO 639 codes with an optional region or script: en, pt-BR, zh-HK.
const LOCALE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;
const CODE = /^[A-Za-z0-9]{4,10}$/;
const MAX_FRIENDLY_NAME = 30;

export const verifyErrors = {
	/** 60200 is Twilio's one code for every malformed Verify parameter; the message names it. */
	invalidParameter: (name: string) => new TwilioApiError(400, 60200, `Invalid parameter: ${name}`),
	/** Twilio answers both limits with HTTP 429, although waiting a few seconds does not help. */
	maxCheckAttempts: () => new TwilioApiError(429, 60202, 'Max check attempts reached'),
	maxSendAttempts: () => new TwilioApiError(429, 60203, 'Max send attempts reached'),
	landline: () => new TwilioApiError(400, 60205, 'SMS is not supported by landline phone number'),
};

const servicePath = (sid: string) => `/v2/Services/${sid}`;

export function renderVerifyService(s: VerifyServiceRecord, baseUrl: string) {
	const url = baseUrl + servicePath(s.sid);
	return {
		sid: s.sid,
		account_sid: s.accountSid,
		friendly_name: s.friendlyName,
		code_length: s.codeLength,
		lookup_enabled: false,
		psd2_enabled: false,
		skip_sms_to_landlines: false,
		dtmf_input_required: true,
		tts_name: null,
		do_not_share_warning_enabled: false,
		custom_code_enabled: false,
		push: { include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
		totp: { issuer: s.friendlyName, time_step: 30, code_length: 6, skew: 1 },
		default_template_sid: null,
		whatsapp: { msg_service_sid: null, from: null },
		passkeys: null,
		verify_event_subscription_enabled: false,
		date_created: iso8601(s.dateCreated),
		date_updated: iso8601(s.dateUpdated),
		url,
		links: {
			verification_checks: `${url}/VerificationCheck`,
			verifications: `${url}/Verifications`,
			rate_limits: `${url}/RateLimits`,
			messaging_configurations: `${url}/MessagingConfigurations`,
			entities: `${url}/Entities`,
			webhooks: `${url}/Webhooks`,
			access_tokens: `${url}/AccessTokens`,
		},
	};
}

export function renderVerification(v: VerificationRecord, baseUrl: string) {
	return {
		sid: v.sid,
		service_sid: v.serviceSid,
		account_sid: v.accountSid,
		to: v.to,
		channel: v.channel,
		status: v.status,
		valid: v.status === 'approved',
		lookup: {},
		amount: null,
		payee: null,
		send_code_attempts: v.sendAttempts.map((a) => ({ attempt_sid: a.attemptSid, channel: a.channel, time: iso8601(a.time) })),
		date_created: iso8601(v.dateCreated),
		date_updated: iso8601(v.dateUpdated),
		sna: null,
		url: `${baseUrl}${servicePath(v.serviceSid)}/Verifications/${v.sid}`,
	};
}

function renderCheck(v: VerificationRecord, valid: boolean) {
	return {
		sid: v.sid,
		service_sid: v.serviceSid,
		account_sid: v.accountSid,
		to: v.to,
		channel: v.channel,
		status: v.status,
		valid,
		amount: null,
		payee: null,
		date_created: iso8601(v.dateCreated),
		date_updated: iso8601(v.dateUpdated),
		sna_attempts_error_codes: [],
	};
}

/** What only the sandbox knows (the code, the counters), for the admin endpoints. */
export function adminVerification(v: VerificationRecord, baseUrl: string) {
	refreshExpiry(v);
	return {
		...renderVerification(v, baseUrl),
		sandbox: {
			code: v.code,
			locale: v.locale,
			customFriendlyName: v.customFriendlyName,
			sendAttempts: v.sendAttempts.length,
			failedChecks: v.failedChecks,
			expiresAt: v.expiresAt.toISOString(),
		},
	};
}

function findService(ctx: RouteContext, sid: string): VerifyServiceRecord {
	const s = ctx.core.store.verifyServices.get(sid);
	if (!s || s.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return s;
}

function findVerification(ctx: RouteContext, service: VerifyServiceRecord, sid: string): VerificationRecord {
	const v = ctx.core.store.verifications.get(sid);
	if (!v || v.serviceSid !== service.sid) throw twilioErrors.notFound(ctx.path);
	return refreshExpiry(v);
}

function readCreate(ctx: RouteContext) {
	const to = first(ctx.form, 'To')?.trim();
	const channel = first(ctx.form, 'Channel');
	const locale = first(ctx.form, 'Locale');
	const customFriendlyName = first(ctx.form, 'CustomFriendlyName');
	if (!to) throw verifyErrors.invalidParameter('To');
	if (!channel || !(VERIFY_CHANNELS as readonly string[]).includes(channel)) throw verifyErrors.invalidParameter('Channel');
	const validTo = channel === 'email' ? EMAIL.test(to) : E164.test(to) && to !== MAGIC_TO.invalid;
	if (!validTo) throw verifyErrors.invalidParameter('To');
	if (locale !== undefined && !LOCALE.test(locale)) throw verifyErrors.invalidParameter('Locale');
	if (customFriendlyName !== undefined && customFriendlyName.length > MAX_FRIENDLY_NAME) throw verifyErrors.invalidParameter('CustomFriendlyName');
	// Twilio's magic "not a mobile number" doubles as the landline a code cannot be texted to.
	if (channel === 'sms' && to === MAGIC_TO.notMobile) throw verifyErrors.landline();
	return { to, channel: channel as VerifyChannel, locale: locale ?? null, customFriendlyName: customFriendlyName ?? null };
}

function createVerification(ctx: RouteContext) {
	const service = findService(ctx, ctx.params.ServiceSid);
	const input = readCreate(ctx);
	const { store } = ctx.core;
	const now = new Date();
	const attempt = { attemptSid: newSid('VL'), channel: input.channel, time: now };
	const live = liveVerification(store.verifications.values(), service.sid, input.to, now);
	let v: VerificationRecord;
	if (live && live.status === 'pending') {
		// A resend: same SID and same code, so a code the user already received stays good.
		if (live.sendAttempts.length >= MAX_SEND_ATTEMPTS) throw verifyErrors.maxSendAttempts();
		v = live;
		v.sendAttempts.push(attempt);
		v.channel = input.channel;
		v.locale = input.locale ?? v.locale;
		v.customFriendlyName = input.customFriendlyName ?? v.customFriendlyName;
		v.dateUpdated = now;
	} else {
		v = {
			sid: newSid('VE'),
			serviceSid: service.sid,
			accountSid: service.accountSid,
			...input,
			status: 'pending',
			code: generateCode(service.codeLength),
			sendAttempts: [attempt],
			failedChecks: 0,
			dateCreated: now,
			dateUpdated: now,
			expiresAt: new Date(now.getTime() + VERIFICATION_TTL_MS),
		};
		store.verifications.set(v.sid, v);
	}
	// Each delivery is its own key: a resend is something the user asked for, not a duplicate.
	acceptCreate(ctx, 'verification', logicalKey(['verification', attempt.attemptSid]), v.sid, v.to);
	return { status: 201, body: renderVerification(v, ctx.baseUrl) };
}

function checkVerification(ctx: RouteContext) {
	const service = findService(ctx, ctx.params.ServiceSid);
	const to = first(ctx.form, 'To')?.trim() || undefined;
	const verificationSid = first(ctx.form, 'VerificationSid')?.trim() || undefined;
	const code = first(ctx.form, 'Code');
	if (!to && !verificationSid) throw verifyErrors.invalidParameter('To or VerificationSid is required');
	if (verificationSid && !SID_PATTERN('VE').test(verificationSid)) throw verifyErrors.invalidParameter('VerificationSid');
	if (!code || !CODE.test(code)) throw verifyErrors.invalidParameter('Code');
	const { verifications } = ctx.core.store;
	const now = new Date();
	let v: VerificationRecord | undefined;
	if (verificationSid) {
		const found = verifications.get(verificationSid);
		v = found && found.serviceSid === service.sid && (!to || found.to === to) && isLive(found, now) ? found : undefined;
	} else {
		v = liveVerification(verifications.values(), service.sid, to!, now);
	}
	if (!v) throw twilioErrors.notFound(`${servicePath(service.sid)}/VerificationCheck`);
	if (v.status === 'max_attempts_reached') throw verifyErrors.maxCheckAttempts();
	const valid = code === v.code;
	if (valid) v.status = 'approved';
	else if (++v.failedChecks >= MAX_CHECK_ATTEMPTS) v.status = 'max_attempts_reached';
	v.dateUpdated = now;
	return { status: 200, body: renderCheck(v, valid) };
}

function updateVerification(ctx: RouteContext) {
	const service = findService(ctx, ctx.params.ServiceSid);
	const v = findVerification(ctx, service, ctx.params.Sid);
	const status = first(ctx.form, 'Status');
	if (status !== 'canceled' && status !== 'approved') throw verifyErrors.invalidParameter('Status');
	// Only a pending verification can change; Twilio no longer finds the others.
	if (v.status !== 'pending') throw twilioErrors.notFound(ctx.path);
	v.status = status;
	v.dateUpdated = new Date();
	return { status: 200, body: renderVerification(v, ctx.baseUrl) };
}

export const verifyRoutes: Route[] = [
	{
		name: 'twilio.verify.services.list',
		method: 'GET',
		path: '/v2/Services',
		auth: 'twilio',
		handle: (ctx) => ({
			status: 200,
			body: pageV1({
				all: [...ctx.core.store.verifyServices.values()].filter((s) => s.accountSid === ctx.twilio!.account.sid),
				query: ctx.query,
				baseUrl: ctx.baseUrl,
				path: '/v2/Services',
				key: 'services',
				sidOf: (s) => s.sid,
				render: (s) => renderVerifyService(s, ctx.baseUrl),
			}),
		}),
	},
	{
		name: 'twilio.verify.services.fetch',
		method: 'GET',
		path: '/v2/Services/{Sid}',
		auth: 'twilio',
		handle: (ctx) => ({ status: 200, body: renderVerifyService(findService(ctx, ctx.params.Sid), ctx.baseUrl) }),
	},
	{
		name: 'twilio.verify.verifications.create',
		method: 'POST',
		path: '/v2/Services/{ServiceSid}/Verifications',
		auth: 'twilio',
		handle: createVerification,
	},
	{
		name: 'twilio.verify.verifications.fetch',
		method: 'GET',
		path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
		auth: 'twilio',
		handle: (ctx) => {
			const v = findVerification(ctx, findService(ctx, ctx.params.ServiceSid), ctx.params.Sid);
			return { status: 200, body: renderVerification(v, ctx.baseUrl) };
		},
	},
	{
		name: 'twilio.verify.verifications.update',
		method: 'POST',
		path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
		auth: 'twilio',
		handle: updateVerification,
	},
	{
		name: 'twilio.verify.verification_checks.create',
		method: 'POST',
		path: '/v2/Services/{ServiceSid}/VerificationCheck',
		auth: 'twilio',
		handle: checkVerification,
	},
];

/**
 * `GET /__sandbox/verify/codes?to=…[&service=VA…]`: the code of the newest live verification of
 * `to` (404 when none). Without `to`: every verification with its code.
 */
export const verifyAdminRoutes: Route[] = [
	{
		name: 'admin.verify.codes',
		method: 'GET',
		path: '/__sandbox/verify/codes',
		auth: 'none',
		handle: (ctx) => {
			// An unencoded + in a query string decodes to a space; give it back so `?to=+1555…` works.
			const raw = first(ctx.query, 'to')?.trim();
			const to = raw && /^\d{8,15}$/.test(raw) ? `+${raw}` : raw;
			const service = first(ctx.query, 'service');
			const all = [...ctx.core.store.verifications.values()].filter((v) => !service || v.serviceSid === service);
			if (!to) return { status: 200, body: { verifications: all.map((v) => adminVerification(v, ctx.baseUrl)) } };
			const v = latestCode(all, to);
			if (!v) throw new ApiError(404, { error: `no pending verification for ${to}` });
			return {
				status: 200,
				body: { to: v.to, code: v.code, verificationSid: v.sid, serviceSid: v.serviceSid, channel: v.channel, status: v.status, expiresAt: v.expiresAt.toISOString() },
			};
		},
	},
];

/** The code a user would have received last: newest live verification of `to`, any service. */
export function latestCode(verifications: Iterable<VerificationRecord>, to: string): VerificationRecord | undefined {
	let found: VerificationRecord | undefined;
	const now = new Date();
	for (const v of verifications) if (v.to === to && isLive(v, now) && (!found || v.dateUpdated >= found.dateUpdated)) found = v;
	return found;
}
