/** Messaging v1 Services (messaging.twilio.com): list, fetch, and the sender pool's phone numbers. */
import { iso8601 } from '../dates';
import type { Route, RouteContext } from '../router';
import type { MessagingServiceRecord } from '../state';
import { twilioErrors } from './errors';
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
		fallback_method: 'POST',
		fallback_to_long_code: true,
		fallback_url: null,
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
					render: (n) => ({
						account_sid: n.accountSid,
						capabilities: [
							...(n.capabilities.sms ? ['SMS'] : []),
							...(n.capabilities.mms ? ['MMS'] : []),
							...(n.capabilities.voice ? ['Voice'] : []),
						],
						country_code: 'US',
						date_created: iso8601(n.dateCreated),
						date_updated: iso8601(n.dateUpdated),
						phone_number: n.phoneNumber,
						service_sid: service.sid,
						sid: n.sid,
						url: `${ctx.baseUrl}/v1/Services/${service.sid}/PhoneNumbers/${n.sid}`,
					}),
				}),
			};
		},
	},
];
