/** IncomingPhoneNumbers: list, fetch and the webhook configuration update the Twilio Trigger relies on. */
import { rfc2822 } from '../dates';
import { first, FormParams } from '../form';
import type { Route, RouteContext } from '../router';
import type { HttpCallbackMethod, IncomingNumberRecord } from '../state';
import { twilioErrors } from './errors';
import { page2010, pickFilters } from './paging';

export function renderNumber(n: IncomingNumberRecord) {
	const uri = `/2010-04-01/Accounts/${n.accountSid}/IncomingPhoneNumbers/${n.sid}.json`;
	return {
		account_sid: n.accountSid,
		address_requirements: 'none',
		address_sid: null,
		api_version: '2010-04-01',
		beta: false,
		bundle_sid: null,
		capabilities: { ...n.capabilities },
		date_created: rfc2822(n.dateCreated),
		date_updated: rfc2822(n.dateUpdated),
		emergency_address_sid: null,
		emergency_address_status: 'unregistered',
		emergency_status: 'Inactive',
		friendly_name: n.friendlyName,
		identity_sid: null,
		origin: 'twilio',
		phone_number: n.phoneNumber,
		sid: n.sid,
		// The spec types application SIDs as nullable `AP…`: no application is null, not "".
		sms_application_sid: n.smsApplicationSid || null,
		sms_fallback_method: n.smsFallbackMethod,
		sms_fallback_url: n.smsFallbackUrl,
		sms_method: n.smsMethod,
		sms_url: n.smsUrl,
		status: 'in-use',
		status_callback: n.statusCallback,
		status_callback_method: n.statusCallbackMethod,
		trunk_sid: null,
		type: 'local',
		uri,
		voice_application_sid: n.voiceApplicationSid || null,
		voice_caller_id_lookup: n.voiceCallerIdLookup,
		voice_fallback_method: n.voiceFallbackMethod,
		voice_fallback_url: n.voiceFallbackUrl,
		voice_method: n.voiceMethod,
		voice_receive_mode: n.voiceReceiveMode,
		voice_url: n.voiceUrl,
	};
}

function findNumber(ctx: RouteContext): IncomingNumberRecord {
	const n = ctx.core.store.numbers.get(ctx.params.Sid);
	if (!n || n.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return n;
}

type UrlField = 'smsUrl' | 'smsFallbackUrl' | 'voiceUrl' | 'voiceFallbackUrl' | 'statusCallback';
type MethodField = 'smsMethod' | 'smsFallbackMethod' | 'voiceMethod' | 'voiceFallbackMethod' | 'statusCallbackMethod';

const URL_PARAMS: Record<string, UrlField> = {
	SmsUrl: 'smsUrl',
	SmsFallbackUrl: 'smsFallbackUrl',
	VoiceUrl: 'voiceUrl',
	VoiceFallbackUrl: 'voiceFallbackUrl',
	StatusCallback: 'statusCallback',
};

const METHOD_PARAMS: Record<string, MethodField> = {
	SmsMethod: 'smsMethod',
	SmsFallbackMethod: 'smsFallbackMethod',
	VoiceMethod: 'voiceMethod',
	VoiceFallbackMethod: 'voiceFallbackMethod',
	StatusCallbackMethod: 'statusCallbackMethod',
};

/** An empty string clears a URL, as on Twilio; anything else must be an absolute http(s) URL. */
export function isCallbackUrl(value: string): boolean {
	if (value === '') return true;
	try {
		const u = new URL(value);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
	} catch {
		return false;
	}
}

/**
 * The webhook URLs and methods of an update form, checked as Twilio checks them (21502, 21403).
 * `cleared` is what an empty URL becomes: "" on a number, null on a Messaging Service.
 */
export function callbackFields<U extends string, M extends string>(
	form: FormParams,
	urls: Record<string, U>,
	methods: Record<string, M>,
	cleared: '' | null,
): Partial<Record<U, string | null> & Record<M, HttpCallbackMethod>> {
	const patch: Partial<Record<string, string | null>> = {};
	for (const [param, field] of Object.entries(urls)) {
		const v = first(form, param)?.trim();
		if (v === undefined) continue;
		if (!isCallbackUrl(v)) throw twilioErrors.invalidCallbackUrl(param);
		patch[field] = v === '' ? cleared : v;
	}
	for (const [param, field] of Object.entries(methods)) {
		const v = first(form, param);
		if (v === undefined) continue;
		const m = v.trim().toUpperCase();
		if (m !== 'GET' && m !== 'POST') throw twilioErrors.invalidMethod(param);
		patch[field] = m;
	}
	return patch as Partial<Record<U, string | null> & Record<M, HttpCallbackMethod>>;
}

/** Validate everything first, then apply, so a bad field leaves the number untouched. */
function applyUpdate(n: IncomingNumberRecord, form: FormParams): void {
	const patch: Partial<IncomingNumberRecord> = callbackFields(form, URL_PARAMS, METHOD_PARAMS, '') as Partial<IncomingNumberRecord>;
	const name = first(form, 'FriendlyName');
	if (name !== undefined) patch.friendlyName = name.slice(0, 64);
	const lookup = first(form, 'VoiceCallerIdLookup');
	if (lookup !== undefined) patch.voiceCallerIdLookup = lookup.toLowerCase() === 'true';
	const smsApp = first(form, 'SmsApplicationSid');
	if (smsApp !== undefined) patch.smsApplicationSid = smsApp;
	const voiceApp = first(form, 'VoiceApplicationSid');
	if (voiceApp !== undefined) patch.voiceApplicationSid = voiceApp;
	const mode = first(form, 'VoiceReceiveMode');
	if (mode === 'voice' || mode === 'fax') patch.voiceReceiveMode = mode;
	Object.assign(n, patch, { dateUpdated: new Date() });
}

export const numberRoutes: Route[] = [
	{
		name: 'twilio.incoming_phone_numbers.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const account = ctx.twilio!.account;
			// Twilio matches PhoneNumber as a pattern on the digits (a partial number finds its numbers).
			const phone = first(ctx.query, 'PhoneNumber')?.replace(/[^\d]/g, '');
			const name = first(ctx.query, 'FriendlyName');
			const all = [...ctx.core.store.numbers.values()].filter(
				(n) =>
					n.accountSid === account.sid &&
					(!phone || n.phoneNumber.replace(/[^\d]/g, '').includes(phone)) &&
					(name === undefined || n.friendlyName === name),
			);
			return {
				status: 200,
				body: page2010({
					all,
					query: ctx.query,
					path: `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`,
					key: 'incoming_phone_numbers',
					filters: pickFilters(ctx.query, ['Beta', 'FriendlyName', 'PhoneNumber', 'Origin']),
					sidOf: (n) => n.sid,
					render: renderNumber,
				}),
			};
		},
	},
	{
		name: 'twilio.incoming_phone_numbers.fetch',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => ({ status: 200, body: renderNumber(findNumber(ctx)) }),
	},
	{
		name: 'twilio.incoming_phone_numbers.update',
		method: 'POST',
		path: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const n = findNumber(ctx);
			applyUpdate(n, ctx.form);
			return { status: 200, body: renderNumber(n) };
		},
	},
];
