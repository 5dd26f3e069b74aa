/**
 * A Twilio number's inbound settings and its Messaging Service, read and changed through the SDK.
 * Who receives a number's inbound messages follows Twilio's rules (twilio_messaging_v1.json): a number
 * in a service has them sent to the service's inbound_request_url, unless use_inbound_webhook_on_number
 * defers to the number's own SmsUrl. Used by the Twilio Comms Trigger (to take inbound over) and by
 * Send SMS (to find who routes a reply).
 */
import type { Twilio } from 'twilio';

export interface NumberConfig {
	sid: string;
	phoneNumber: string;
	smsUrl: string;
	smsMethod: string;
	voiceUrl: string;
	voiceMethod: string;
}

/** The fields of a number this trigger may change. */
export interface NumberPatch {
	smsUrl?: string;
	smsMethod?: string;
	voiceUrl?: string;
	voiceMethod?: string;
}

export interface ServiceConfig {
	sid: string;
	friendlyName: string;
	inboundRequestUrl: string | null;
	inboundMethod: string | null;
	useInboundWebhookOnNumber: boolean;
	statusCallback: string | null;
}

/** The fields of a Messaging Service this trigger may change; an empty URL clears it. */
export interface ServicePatch {
	inboundRequestUrl?: string;
	inboundMethod?: string;
	useInboundWebhookOnNumber?: boolean;
	statusCallback?: string;
}

/** How the trigger reaches numbers and Messaging Services; a small seam so the logic is tested without HTTP. */
export interface NumbersApi {
	find(numberOrSid: string): Promise<NumberConfig | undefined>;
	fetch(sid: string): Promise<NumberConfig>;
	update(sid: string, patch: NumberPatch): Promise<NumberConfig>;
	/** The Messaging Service whose sender pool holds the number: Twilio allows at most one. */
	serviceOf(numberSid: string): Promise<ServiceConfig | undefined>;
	/** undefined when the service is not on the account (any more). */
	fetchService(sid: string): Promise<ServiceConfig | undefined>;
	updateService(sid: string, patch: ServicePatch): Promise<ServiceConfig>;
}

type NumberInstance = { sid: string; phoneNumber: string; smsUrl: string | null; smsMethod: string | null; voiceUrl: string | null; voiceMethod: string | null };
type ServiceInstance = {
	sid: string;
	friendlyName: string;
	inboundRequestUrl: string | null;
	inboundMethod: string | null;
	useInboundWebhookOnNumber: boolean | null;
	statusCallback: string | null;
};

function toConfig(n: NumberInstance): NumberConfig {
	return {
		sid: n.sid,
		phoneNumber: n.phoneNumber,
		smsUrl: n.smsUrl ?? '',
		smsMethod: n.smsMethod ?? 'POST',
		voiceUrl: n.voiceUrl ?? '',
		voiceMethod: n.voiceMethod ?? 'POST',
	};
}

function toServiceConfig(s: ServiceInstance): ServiceConfig {
	return {
		sid: s.sid,
		friendlyName: s.friendlyName,
		inboundRequestUrl: s.inboundRequestUrl || null,
		inboundMethod: s.inboundMethod ?? null,
		useInboundWebhookOnNumber: s.useInboundWebhookOnNumber === true,
		statusCallback: s.statusCallback || null,
	};
}

const isNotFound = (e: unknown) => (e as { status?: number }).status === 404;

export async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
	try {
		return await p;
	} catch (e) {
		if (isNotFound(e)) return undefined;
		// Anything but a 404 passes through unchanged, for the caller to wrap in n8n's error types.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw e;
	}
}

/** Membership checks per service run a few at a time: accounts rarely have many services, but some do. */
const MEMBERSHIP_CONCURRENCY = 5;

export function twilioNumbersApi(client: Twilio): NumbersApi {
	const numbers = client.api.v2010.account.incomingPhoneNumbers;
	const services = client.messaging.v1.services;
	return {
		async find(value) {
			const v = value.trim();
			if (/^PN[0-9a-fA-F]{32}$/.test(v)) {
				const n = await orUndefined(numbers(v).fetch());
				return n && toConfig(n);
			}
			const wanted = v.replace(/[^\d+]/g, '');
			const list = await numbers.list({ phoneNumber: wanted, limit: 50 });
			const hit = list.find((n) => n.phoneNumber === wanted);
			return hit ? toConfig(hit) : undefined;
		},
		fetch: async (sid) => toConfig(await numbers(sid).fetch()),
		update: async (sid, patch) => toConfig(await numbers(sid).update(patch)),
		// The number resource does not name its service, so each service's PhoneNumbers
		// sub-resource is asked for it (404 = not in that service).
		async serviceOf(numberSid) {
			const all = await services.list({ pageSize: 100 });
			for (let i = 0; i < all.length; i += MEMBERSHIP_CONCURRENCY) {
				const batch = all.slice(i, i + MEMBERSHIP_CONCURRENCY);
				const hits = await Promise.all(batch.map(async (s) => ((await orUndefined(services(s.sid).phoneNumbers(numberSid).fetch())) ? s : undefined)));
				const owner = hits.find((s) => s !== undefined);
				if (owner) return toServiceConfig(owner);
			}
			return undefined;
		},
		async fetchService(sid) {
			const s = await orUndefined(services(sid).fetch());
			return s && toServiceConfig(s);
		},
		updateService: async (sid, patch) => toServiceConfig(await services(sid).update(patch)),
	};
}


/** Where Twilio sends the inbound SMS of a number: its service's inbound URL, or its own SmsUrl ('' when none). */
export function inboundSmsUrl(n: NumberConfig, s: ServiceConfig | undefined): { url: string; owner: string } {
	if (s && !s.useInboundWebhookOnNumber) return { url: s.inboundRequestUrl ?? '', owner: `the Messaging Service "${s.friendlyName}" (${s.sid})` };
	return { url: n.smsUrl, owner: `the number ${n.phoneNumber}` };
}
