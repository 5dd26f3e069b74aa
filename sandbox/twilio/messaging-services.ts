/**
 * Messaging v1 Services (messaging.twilio.com): list, fetch, update, and the sender pool's phone
 * numbers (list, fetch, add, remove). A number belongs to at most one service (error 21712), and
 * only SMS- or MMS-capable numbers may join (21715), as Twilio documents.
 */
import { iso8601 } from '../dates';
import { first, type FormParams } from '../form';
import type { Route, RouteContext } from '../router';
import type { IncomingNumberRecord, MessagingServiceRecord, SandboxStateView } from '../state';
import { TwilioApiError, twilioErrors } from './errors';
import { callbackFields } from './numbers';
import { pageV1 } from './paging';

const SERVICE_LINKS = [
	['phone_numbers', 'PhoneNumbers'],
	['short_codes', 'ShortCodes'],
	['alpha_senders', 'AlphaSenders'],
	['messages', 'Messages'],
	['us_app_to_person', 'Compliance/Usa2p'],
	['us_app_to_person_usecases', 'Compliance/Usa2p/Usecases'],
	['channel_senders', 'ChannelSenders'],
	['destination_alpha_senders', 'DestinationAlphaSenders'],
] as const;

export function renderService(s: MessagingServiceRecord, baseUrl: string) {
	const url = `${baseUrl}/v1/Services/${s.sid}`;
	return {
		account_sid: s.accountSid,
		area_code_geomatch: true,
		date_created: iso8601(s.dateCreated),
		date_updated: iso8601(s.dateUpdated),
		fallback_method: s.fallbackMethod,
		fallback_to_long_code: true,
		fallback_url: s.fallbackUrl,
		friendly_name: s.friendlyName,
		inbound_method: s.inboundMethod,
		inbound_request_url: s.inboundRequestUrl,
		links: Object.fromEntries(SERVICE_LINKS.map(([k, p]) => [k, `${url}/${p}`])),
		mms_converter: true,
		scan_message_content: 'inherit',
		sid: s.sid,
		smart_encoding: true,
		status_callback: s.statusCallback,
		sticky_sender: true,
		synchronous_validation: false,
		url,
		us_app_to_person_registered: false,
		use_inbound_webhook_on_number: s.useInboundWebhookOnNumber,
		usecase: 'notifications',
		validity_period: s.validityPeriod,
	};
}

/** The service whose sender pool holds the number: Twilio allows at most one. */
export function serviceOfNumber(store: SandboxStateView, number: IncomingNumberRecord): MessagingServiceRecord | undefined {
	for (const s of store.messagingServices.values()) {
		if (s.accountSid === number.accountSid && s.senderPool.includes(number.phoneNumber)) return s;
	}
	return undefined;
}

function renderPoolNumber(n: IncomingNumberRecord, service: MessagingServiceRecord, baseUrl: string) {
	return {
		account_sid: n.accountSid,
		capabilities: [...(n.capabilities.sms ? ['SMS'] : []), ...(n.capabilities.mms ? ['MMS'] : []), ...(n.capabilities.voice ? ['Voice'] : [])],
		country_code: 'US',
		date_created: iso8601(n.dateCreated),
		date_updated: iso8601(n.dateUpdated),
		phone_number: n.phoneNumber,
		service_sid: service.sid,
		sid: n.sid,
		url: `${baseUrl}/v1/Services/${service.sid}/PhoneNumbers/${n.sid}`,
	};
}

type ServiceUrlField = 'inboundRequestUrl' | 'fallbackUrl' | 'statusCallback';
const SERVICE_URLS: Record<string, ServiceUrlField> = { InboundRequestUrl: 'inboundRequestUrl', FallbackUrl: 'fallbackUrl', StatusCallback: 'statusCallback' };
const SERVICE_METHODS: Record<string, 'inboundMethod' | 'fallbackMethod'> = { InboundMethod: 'inboundMethod', FallbackMethod: 'fallbackMethod' };

const invalidParameter = (name: string, value: string) => new TwilioApiError(400, 20001, `Invalid parameter ${name}: ${value}`);

/** Validate everything first, then apply, so a bad field leaves the service untouched. An empty URL clears it to null. */
function applyServiceUpdate(s: MessagingServiceRecord, form: FormParams): void {
	const patch: Partial<MessagingServiceRecord> = callbackFields(form, SERVICE_URLS, SERVICE_METHODS, null);
	const flag = first(form, 'UseInboundWebhookOnNumber');
	if (flag !== undefined) {
		const f = flag.trim().toLowerCase();
		if (f !== 'true' && f !== 'false') throw invalidParameter('UseInboundWebhookOnNumber', flag);
		patch.useInboundWebhookOnNumber = f === 'true';
	}
	const name = first(form, 'FriendlyName');
	if (name !== undefined) patch.friendlyName = name.slice(0, 64);
	const validity = first(form, 'ValidityPeriod');
	if (validity !== undefined) {
		const v = Number(validity);
		if (!Number.isInteger(v) || v < 1 || v > 36000) throw invalidParameter('ValidityPeriod', validity);
		patch.validityPeriod = v;
	}
	Object.assign(s, patch, { dateUpdated: new Date() });
}

/** The number the PhoneNumberSid names, checked the way Twilio documents for adding a sender. */
function numberToAdd(ctx: RouteContext, service: MessagingServiceRecord): IncomingNumberRecord {
	const sid = first(ctx.form, 'PhoneNumberSid')?.trim() ?? '';
	const n = ctx.core.store.numbers.get(sid);
	if (!/^PN[0-9a-fA-F]{32}$/.test(sid) || !n || n.accountSid !== service.accountSid) {
		throw new TwilioApiError(400, 21421, `PhoneNumber ${sid || '(missing)'} is not a valid phone number SID of this account`);
	}
	if (!n.capabilities.sms && !n.capabilities.mms) throw new TwilioApiError(400, 21715, 'Phone Number does not have SMS or MMS capabilities required by Messaging Service');
	const owner = serviceOfNumber(ctx.core.store, n);
	if (owner?.sid === service.sid) throw new TwilioApiError(409, 80104, 'PhoneNumber has already been added to Service');
	if (owner) throw new TwilioApiError(400, 21712, 'Phone Number or Short Code is associated with another Messaging Service');
	return n;
}

function poolNumber(ctx: RouteContext, service: MessagingServiceRecord): IncomingNumberRecord {
	const n = ctx.core.store.numbers.get(ctx.params.Sid);
	if (!n || !service.senderPool.includes(n.phoneNumber)) throw twilioErrors.notFound(ctx.path);
	return n;
}

function servicesOf(ctx: RouteContext): MessagingServiceRecord[] {
	const sid = ctx.twilio!.account.sid;
	return [...ctx.core.store.messagingServices.values()].filter((s) => s.accountSid === sid);
}

function findService(ctx: RouteContext, sid: string): MessagingServiceRecord {
	const s = ctx.core.store.messagingServices.get(sid);
	if (!s || s.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return s;
}

export const messagingServiceRoutes: Route[] = [
	{
		name: 'twilio.messaging.services.list',
		method: 'GET',
		path: '/v1/Services',
		auth: 'twilio',
		handle: (ctx) => ({
			status: 200,
			body: pageV1({
				all: servicesOf(ctx),
				query: ctx.query,
				baseUrl: ctx.baseUrl,
				path: '/v1/Services',
				key: 'services',
				sidOf: (s) => s.sid,
				render: (s) => renderService(s, ctx.baseUrl),
			}),
		}),
	},
	{
		name: 'twilio.messaging.services.fetch',
		method: 'GET',
		path: '/v1/Services/{Sid}',
		auth: 'twilio',
		handle: (ctx) => ({ status: 200, body: renderService(findService(ctx, ctx.params.Sid), ctx.baseUrl) }),
	},
	{
		name: 'twilio.messaging.services.update',
		method: 'POST',
		path: '/v1/Services/{Sid}',
		auth: 'twilio',
		handle: (ctx) => {
			const service = findService(ctx, ctx.params.Sid);
			applyServiceUpdate(service, ctx.form);
			return { status: 200, body: renderService(service, ctx.baseUrl) };
		},
	},
	{
		name: 'twilio.messaging.services.phone_numbers.list',
		method: 'GET',
		path: '/v1/Services/{ServiceSid}/PhoneNumbers',
		auth: 'twilio',
		handle: (ctx) => {
			const service = findService(ctx, ctx.params.ServiceSid);
			const numbers = service.senderPool
				.map((p) => ctx.core.store.numberByPhone(p))
				.filter((n): n is NonNullable<typeof n> => n !== undefined);
			return {
				status: 200,
				body: pageV1({
					all: numbers,
					query: ctx.query,
					baseUrl: ctx.baseUrl,
					path: `/v1/Services/${service.sid}/PhoneNumbers`,
					key: 'phone_numbers',
					sidOf: (n) => n.sid,
					render: (n) => renderPoolNumber(n, service, ctx.baseUrl),
				}),
			};
		},
	},
	{
		name: 'twilio.messaging.services.phone_numbers.create',
		method: 'POST',
		path: '/v1/Services/{ServiceSid}/PhoneNumbers',
		auth: 'twilio',
		handle: (ctx) => {
			const service = findService(ctx, ctx.params.ServiceSid);
			const n = numberToAdd(ctx, service);
			service.senderPool.push(n.phoneNumber);
			service.dateUpdated = new Date();
			return { status: 201, body: renderPoolNumber(n, service, ctx.baseUrl) };
		},
	},
	{
		name: 'twilio.messaging.services.phone_numbers.fetch',
		method: 'GET',
		path: '/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}',
		auth: 'twilio',
		handle: (ctx) => {
			const service = findService(ctx, ctx.params.ServiceSid);
			return { status: 200, body: renderPoolNumber(poolNumber(ctx, service), service, ctx.baseUrl) };
		},
	},
	{
		name: 'twilio.messaging.services.phone_numbers.delete',
		method: 'DELETE',
		path: '/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}',
		auth: 'twilio',
		handle: (ctx) => {
			const service = findService(ctx, ctx.params.ServiceSid);
			const n = poolNumber(ctx, service);
			// Removing a sender from the service keeps the number on the account, with its own webhooks.
			service.senderPool = service.senderPool.filter((p) => p !== n.phoneNumber);
			service.dateUpdated = new Date();
			return { status: 204 };
		},
	},
];
