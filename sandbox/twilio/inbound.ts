/**
 * Simulated inbound SMS: what Twilio does when a phone texts one of the account's numbers. It
 * stores the inbound message, POSTs (or GETs) a signed webhook to the number's SmsUrl, records the
 * answer, and sends the `<Message>` replies of the returned TwiML as outbound messages.
 */
import type { SandboxCore } from '../core';
import { MAGIC_TO } from '../fixtures';
import { FormParams, toFormParams } from '../form';
import { newSid } from '../ids';
import { randomUUID } from 'node:crypto';
import { countSegments } from '../segments';
import type { AccountRecord, HttpCallbackMethod, IncomingNumberRecord, MessageRecord, MessagingServiceRecord, SandboxStateView } from '../state';
import { isDelivered, logDelivery } from '../webhook-log';
import type { WebhookRequest, WebhookResult } from '../webhooks';
import { Address, formatAddress, parseAddress } from './addresses';
import { publishInboundMessage } from './events-delivery';
import { guessContentType, newOutboundMessage, optOutKey } from './message-create';
import { startDelivery } from './message-lifecycle';
import { serviceOfNumber } from './messaging-services';
import { renderMessage } from './messages';
import { isCallbackUrl } from './numbers';
import { parseMessagingTwiml } from './twiml';

export interface InboundSmsInput {
	from: string;
	to: string;
	body?: string;
	mediaUrls?: string[];
	/** Deliver the same webhook this many times (same params, signature and idempotency token), as Twilio's retries do. */
	deliveries?: number;
	/** Sign with the wrong key, as a forger would. */
	tamper?: boolean;
	/** Send the params as JSON covered by `bodySHA256` instead of a form. */
	json?: boolean;
}

export interface InboundSmsResult {
	messageSid: string;
	url: string | null;
	method: HttpCallbackMethod;
	/** HTTP status of the webhook's answer; null if none came. */
	status: number | null;
	contentType: string | null;
	twiml: string | null;
	twimlError: string | null;
	error: string | null;
	replies: ReturnType<typeof renderMessage>[];
	/** HTTP status of every delivery to the SmsUrl, first to last (retries included). */
	deliveries: Array<number | null>;
	/** The number's Messaging Service owns inbound and has no Inbound Request URL: Twilio drops the message unlogged. */
	dropped: boolean;
	/** The Messaging Service the number belongs to, if any. */
	messagingServiceSid: string | null;
}

/** Raised for bad admin input; the admin route turns it into a 4xx JSON answer. */
export class InboundError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

// Twilio's default opt-out and opt-in keywords (Advanced Opt-Out off).
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);

interface InboundRoute {
	target: { url: string; method: HttpCallbackMethod } | null;
	fallback: { url: string; method: HttpCallbackMethod } | null;
	/** Why nothing was called, for the admin answer and the inbound log. */
	reason: string | null;
	/** Twilio neither logs nor keeps a message its service drops. */
	dropped: boolean;
}

/**
 * Twilio's documented routing (Messaging v1 Service resource, twilio_messaging_v1.json): a number in
 * a Messaging Service has its inbound messages sent to the service's inbound_request_url (and its
 * fallback_url on error), unless use_inbound_webhook_on_number defers to the number's own SmsUrl.
 * With that URL null, "receiving inbound messages is disabled": the message is dropped unlogged.
 */
export function inboundRoute(store: SandboxStateView, number: IncomingNumberRecord): InboundRoute & { service: MessagingServiceRecord | undefined } {
	const service = serviceOfNumber(store, number);
	const orNull = (url: string | null, method: HttpCallbackMethod) => (url ? { url, method } : null);
	if (service && !service.useInboundWebhookOnNumber) {
		const target = orNull(service.inboundRequestUrl, service.inboundMethod);
		return {
			service,
			target,
			fallback: orNull(service.fallbackUrl, service.fallbackMethod),
			reason: target ? null : `${number.phoneNumber} is in Messaging Service ${service.sid}, whose Inbound Request URL is empty: the message is dropped`,
			dropped: !target,
		};
	}
	const target = orNull(number.smsUrl, number.smsMethod);
	return {
		service,
		target,
		fallback: orNull(number.smsFallbackUrl, number.smsFallbackMethod),
		reason: target ? null : `${number.phoneNumber} has no SmsUrl configured`,
		dropped: false,
	};
}

function inboundParams(m: MessageRecord, from: Address, serviceSid: string | undefined): FormParams {
	const media: Record<string, string> = {};
	m.media.forEach((x, i) => {
		media[`MediaContentType${i}`] = x.contentType;
		media[`MediaUrl${i}`] = x.url;
	});
	return toFormParams({
		AccountSid: m.accountSid,
		ApiVersion: '2010-04-01',
		Body: m.body,
		From: m.from ?? '',
		FromCity: '',
		FromCountry: 'US',
		FromState: '',
		FromZip: '',
		MessageSid: m.sid,
		MessagingServiceSid: serviceSid,
		NumMedia: String(m.media.length),
		NumSegments: String(m.numSegments),
		SmsMessageSid: m.sid,
		SmsSid: m.sid,
		SmsStatus: 'received',
		To: m.to,
		ToCity: '',
		ToCountry: 'US',
		ToState: '',
		ToZip: '',
		...(from.channel === 'whatsapp' ? { ProfileName: 'Sandbox User', WaId: from.number.slice(1) } : {}),
		...media,
	});
}

/** The signed POST Twilio makes for an inbound event, with the admin's forgery and JSON options applied. */
export function inboundRequest(
	target: { url: string; method: HttpCallbackMethod },
	params: FormParams,
	authToken: string,
	idempotencyToken: string,
	input: { tamper?: boolean; json?: boolean },
): WebhookRequest {
	return {
		...target,
		params,
		authToken,
		idempotencyToken,
		tamperSignature: input.tamper === true,
		encoding: input.json === true ? 'json' : 'form',
	};
}

/** How many times to deliver one inbound event: Twilio's retries, 1 to 10. */
export function deliveryCount(requested: unknown): number {
	return Math.min(10, Math.max(1, Math.floor(Number(requested ?? 1)) || 1));
}

/**
 * Twilio retries a webhook only after an attempt failed or timed out, so a retry never lands
 * milliseconds after an answered delivery. Back-to-back redeliveries would race the receiver's own
 * bookkeeping (n8n writes a trigger's static data just after the answer) in a way Twilio never does.
 */
export const REDELIVERY_GAP_MS = 200;

export const redeliveryPause = () => new Promise<void>((resolve) => setTimeout(resolve, REDELIVERY_GAP_MS));

/** The admin input's addresses and the receiving number; throws InboundError (400, 404) for bad input. */
export function checkInboundSms(
	store: SandboxStateView,
	input: InboundSmsInput,
): { from: Address; to: Address; number: IncomingNumberRecord; account: AccountRecord } {
	if (typeof input.from !== 'string' || typeof input.to !== 'string') throw new InboundError(400, '`from` and `to` are required strings');
	const from = parseAddress(input.from);
	const to = parseAddress(input.to);
	if (!from || !to) throw new InboundError(400, '`from` and `to` must be E.164 numbers, optionally with a whatsapp: prefix');
	if (from.channel !== to.channel) throw new InboundError(400, '`from` and `to` must use the same channel');
	const number = store.numberByPhone(to.number);
	const account: AccountRecord | undefined = number && store.accounts.get(number.accountSid);
	if (!number || !account) throw new InboundError(404, `no incoming phone number ${to.number} in the sandbox`);
	return { from, to, number, account };
}

/** A received message as Twilio keeps it (Messages list, fetch), whoever delivers it: the SmsUrl webhook or Event Streams. */
export function inboundMessageRecord(args: { account: AccountRecord; from: Address; to: Address; body: string; mediaUrls: string[]; messagingServiceSid: string | null }): MessageRecord {
	const { account, from, to, body, mediaUrls } = args;
	const now = new Date();
	const seg = countSegments(body);
	return {
		sid: newSid(mediaUrls.length ? 'MM' : 'SM'),
		accountSid: account.sid,
		direction: 'inbound',
		to: formatAddress(to),
		from: formatAddress(from),
		body,
		media: mediaUrls.map((url) => ({ sid: newSid('ME'), url, contentType: guessContentType(url) })),
		messagingServiceSid: args.messagingServiceSid,
		status: 'received',
		errorCode: null,
		errorMessage: null,
		encoding: seg.encoding,
		numSegments: mediaUrls.length ? 1 : seg.segments,
		price: '-0.00790',
		statusCallback: null,
		validityPeriod: null,
		sendAt: null,
		contentSid: null,
		contentVariables: null,
		logicalKey: null,
		statusHistory: [{ status: 'received', at: now }],
		dateCreated: now,
		dateUpdated: now,
		dateSent: now,
	};
}

export async function simulateInboundSms(core: SandboxCore, input: InboundSmsInput): Promise<InboundSmsResult> {
	const { from, to, number, account } = checkInboundSms(core.store, input);
	const body = typeof input.body === 'string' ? input.body : '';
	const mediaUrls = Array.isArray(input.mediaUrls) ? input.mediaUrls.filter((u): u is string => typeof u === 'string') : [];
	const deliveries = deliveryCount(input.deliveries);

	const route = inboundRoute(core.store, number);
	const inbound = inboundMessageRecord({ account, from, to, body, mediaUrls, messagingServiceSid: route.service?.sid ?? null });
	if (!route.dropped) core.store.addMessage(inbound);
	// Event Streams sees the message too (asynchronously, beside the SmsUrl webhook); a dropped one never reached the account.
	if (!route.dropped) publishInboundMessage(core, inbound);
	core.stats.inbound();

	const keyword = body.trim().toUpperCase();
	const optKey = optOutKey(account.sid, number.phoneNumber, from.number);
	if (OPT_OUT.has(keyword)) core.store.optOuts.add(optKey);
	if (OPT_IN.has(keyword)) core.store.optOuts.delete(optKey);

	const params = inboundParams(inbound, from, inbound.messagingServiceSid ?? undefined);
	const { target, fallback } = route;
	const result: InboundSmsResult = {
		messageSid: inbound.sid,
		url: target?.url ?? null,
		method: target?.method ?? 'POST',
		status: null,
		contentType: null,
		twiml: null,
		twimlError: null,
		error: route.reason,
		replies: [],
		deliveries: [],
		dropped: route.dropped,
		messagingServiceSid: route.service?.sid ?? null,
	};

	const deliver = async (url: string, method: HttpCallbackMethod, token: string): Promise<WebhookResult> => {
		const req = inboundRequest({ url, method }, params, account.authToken, token, input);
		const r = await core.webhooks.deliver(req);
		logDelivery(core, req, r, { kind: 'inbound-sms', messageSid: inbound.sid, messageStatus: 'received' });
		return r;
	};

	if (target) {
		const token = randomUUID();
		let answer = await deliver(target.url, target.method, token);
		result.deliveries.push(answer.status);
		for (let i = 1; i < deliveries; i++) {
			await redeliveryPause();
			result.deliveries.push((await deliver(target.url, target.method, token)).status);
		}
		if (!isDelivered(answer) && fallback) {
			answer = await deliver(fallback.url, fallback.method, randomUUID());
			result.url = fallback.url;
			result.method = fallback.method;
		}
		result.status = answer.status;
		result.contentType = answer.contentType;
		result.error = answer.error;
		if (answer.status !== null) result.twiml = answer.body;
		if (isDelivered(answer)) {
			const replies = repliesFrom(answer, result);
			for (const r of replies) {
				const reply = sendReply(core, account, inbound, r, result.url ?? undefined);
				if (reply) result.replies.push(renderMessage(reply));
			}
		}
	}

	core.store.recordInbound({
		id: core.store.newId(),
		at: inbound.dateCreated,
		messageSid: inbound.sid,
		accountSid: account.sid,
		from: inbound.from ?? '',
		to: inbound.to,
		body,
		mediaUrls,
		url: result.url,
		method: result.method,
		status: result.status,
		contentType: result.contentType,
		twiml: result.twiml,
		twimlError: result.twimlError,
		error: result.error,
		replySids: result.replies.map((r) => r.sid),
	});
	return result;
}

interface Reply {
	body: string;
	media: string[];
	to?: string;
	from?: string;
	action?: string;
}

/** Twilio sends a text/plain answer as the reply itself; otherwise the answer must be TwiML. */
function repliesFrom(answer: WebhookResult, result: InboundSmsResult): Reply[] {
	const text = answer.body.trim();
	if (!text) return [];
	if (/^text\/plain\b/i.test(answer.contentType ?? '')) return [{ body: text, media: [] }];
	const parsed = parseMessagingTwiml(text);
	if (!parsed.ok) {
		result.twimlError = `12100: ${parsed.error}`;
		return [];
	}
	return parsed.messages;
}

/** `action` may be relative; Twilio resolves it against the URL that returned the TwiML. */
function resolveAction(action: string | undefined, base: string | undefined): string | null {
	if (!action) return null;
	try {
		const url = new URL(action, base).toString();
		return isCallbackUrl(url) ? url : null;
	} catch {
		return null;
	}
}

function sendReply(core: SandboxCore, account: AccountRecord, inbound: MessageRecord, r: Reply, base: string | undefined): MessageRecord | null {
	const to = parseAddress(r.to ?? inbound.from ?? '');
	const from = parseAddress(r.from ?? inbound.to);
	if (!to || !from || (!r.body && r.media.length === 0)) return null;
	const now = new Date();
	const reply = newOutboundMessage({
		account,
		direction: 'outbound-reply',
		to: formatAddress(to),
		from: formatAddress(from),
		channel: to.channel,
		body: r.body,
		mediaUrls: r.media.filter((u) => isCallbackUrl(u) && u !== ''),
		messagingServiceSid: null,
		statusCallback: resolveAction(r.action, base),
		status: 'queued',
		now,
	});
	core.store.addMessage(reply);
	core.statusCallbacks.notify(reply);
	const outcome = to.number === MAGIC_TO.undelivered ? 'undelivered' : to.number === MAGIC_TO.failed ? 'failed' : 'delivered';
	startDelivery(core, reply, outcome);
	return reply;
}
