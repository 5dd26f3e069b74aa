/**
 * Message create, as Twilio validates it. Checks run in the order Twilio reports them: required
 * and well-formed parameters first (400 before anything is queued), then account and recipient
 * rules. Twilio's magic test numbers are honoured for every account, not only test credentials.
 */
import { MAGIC_FROM, MAGIC_TO } from '../fixtures';
import { all, first, FormParams } from '../form';
import { newSid } from '../ids';
import { countSegments } from '../segments';
import type {
	AccountRecord,
	MediaRecord,
	MessageDirection,
	MessageRecord,
	MessageStatus,
	MessagingServiceRecord,
	SandboxStore,
} from '../state';
import { Address, formatAddress, parseAddress } from './addresses';
import { twilioErrors } from './errors';

export type DeliveryOutcome = 'delivered' | 'undelivered' | 'failed';

export interface ValidatedMessage {
	to: Address;
	from: Address | null;
	service: MessagingServiceRecord | null;
	body: string;
	mediaUrls: string[];
	statusCallback: string | null;
	validityPeriod: number | null;
	sendAt: Date | null;
	contentSid: string | null;
	contentVariables: string | null;
	outcome: DeliveryOutcome;
}

export const MAX_BODY_CHARS = 1600;
export const MAX_MEDIA = 10;
export const TRIAL_PREFIX = 'Sent from your Twilio trial account - ';
const SCHEDULE_MIN_SEC = 900;
const SCHEDULE_MAX_SEC = 35 * 24 * 3600;

function isHttpUrl(value: string, opts: { noUnderscoreHost?: boolean } = {}): boolean {
	try {
		const u = new URL(value);
		if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
		if (!u.hostname) return false;
		return !(opts.noUnderscoreHost && u.hostname.includes('_'));
	} catch {
		return false;
	}
}

/** The account's own SMS-capable number for an address, if it has one. */
function ownedSender(store: SandboxStore, account: AccountRecord, from: Address) {
	const n = store.numberByPhone(from.number);
	return n && n.accountSid === account.sid && n.capabilities.sms ? n : undefined;
}

export function optOutKey(accountSid: string, sender: string, recipient: string): string {
	return `${accountSid}|${sender}|${recipient}`;
}

export function validateMessageCreate(form: FormParams, account: AccountRecord, store: SandboxStore, now: Date): ValidatedMessage {
	const toRaw = first(form, 'To')?.trim();
	if (!toRaw) throw twilioErrors.toRequired();
	const to = parseAddress(toRaw);
	if (!to || to.number === MAGIC_TO.invalid) throw twilioErrors.invalidTo(toRaw);

	const fromRaw = first(form, 'From')?.trim() || undefined;
	const serviceSid = first(form, 'MessagingServiceSid')?.trim() || undefined;
	if (!fromRaw && !serviceSid) throw twilioErrors.fromRequired();

	let service: MessagingServiceRecord | null = null;
	if (serviceSid) {
		if (!/^MG[0-9a-fA-F]{32}$/.test(serviceSid)) throw twilioErrors.invalidServiceSid(serviceSid);
		const s = store.messagingServices.get(serviceSid);
		if (!s || s.accountSid !== account.sid) throw twilioErrors.serviceNotFound(serviceSid);
		service = s;
	}

	let from: Address | null = null;
	if (fromRaw) {
		from = parseAddress(fromRaw);
		if (!from || from.number === MAGIC_FROM.invalid) throw twilioErrors.invalidFrom(fromRaw);
		if (from.number === MAGIC_FROM.notOwned) throw twilioErrors.fromNotOwned(fromRaw);
		if (from.number === MAGIC_FROM.queueFull) throw twilioErrors.queueFull(fromRaw);
		if (!ownedSender(store, account, from)) throw twilioErrors.fromNotOwned(fromRaw);
		if (from.channel !== to.channel) throw twilioErrors.channelMismatch();
	} else if (service && service.senderPool.length === 0) {
		throw twilioErrors.serviceHasNoSenders(service.sid);
	}

	const body = first(form, 'Body') ?? '';
	const mediaUrls = all(form, 'MediaUrl').filter((u) => u.trim() !== '');
	const contentSid = first(form, 'ContentSid')?.trim() || null;
	if (!body && mediaUrls.length === 0 && !contentSid) throw twilioErrors.bodyRequired();
	// Twilio's limit is in characters; count code points so an emoji is one, as a user would count.
	if ([...body].length > MAX_BODY_CHARS) throw twilioErrors.bodyTooLong();
	if (mediaUrls.length > MAX_MEDIA) throw twilioErrors.tooManyMedia();
	for (const u of mediaUrls) if (!isHttpUrl(u)) throw twilioErrors.invalidMediaUrl(u);

	if (contentSid && !/^HX[0-9a-fA-F]{32}$/.test(contentSid)) throw twilioErrors.invalidContentSid(contentSid);
	const contentVariables = first(form, 'ContentVariables') ?? null;
	if (contentVariables !== null) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(contentVariables);
		} catch {
			throw twilioErrors.invalidContentVariables();
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw twilioErrors.invalidContentVariables();
	}

	const statusCallback = first(form, 'StatusCallback')?.trim() || null;
	if (statusCallback !== null && (statusCallback.length > 4000 || !isHttpUrl(statusCallback, { noUnderscoreHost: true }))) {
		throw twilioErrors.invalidStatusCallback();
	}

	const validityRaw = first(form, 'ValidityPeriod');
	let validityPeriod: number | null = null;
	if (validityRaw !== undefined) {
		validityPeriod = /^\d+$/.test(validityRaw.trim()) ? Number(validityRaw.trim()) : NaN;
		if (!(validityPeriod >= 1 && validityPeriod <= 36000)) throw twilioErrors.invalidValidityPeriod();
	}

	const scheduleType = first(form, 'ScheduleType');
	const sendAtRaw = first(form, 'SendAt')?.trim() || undefined;
	let sendAt: Date | null = null;
	if (scheduleType !== undefined || sendAtRaw !== undefined) {
		if (scheduleType !== 'fixed') throw twilioErrors.invalidScheduleType();
		if (!sendAtRaw) throw twilioErrors.sendAtMissing();
		if (!service) throw twilioErrors.scheduleNeedsService();
		const t = Date.parse(sendAtRaw);
		const ahead = (t - now.getTime()) / 1000;
		if (!/^\d{4}-\d{2}-\d{2}T/.test(sendAtRaw) || Number.isNaN(t) || ahead < SCHEDULE_MIN_SEC || ahead > SCHEDULE_MAX_SEC) {
			throw twilioErrors.sendAtOutOfRange();
		}
		sendAt = new Date(t);
	}

	// Recipient and account rules: the request is well-formed, now decide whether it may go out.
	if (to.number === MAGIC_TO.unreachable) throw twilioErrors.unreachable(toRaw);
	if (to.number === MAGIC_TO.noInternational) throw twilioErrors.regionNotEnabled(toRaw);
	if (to.number === MAGIC_TO.blocked) throw twilioErrors.unsubscribed();
	if (to.number === MAGIC_TO.notMobile) throw twilioErrors.notMobile(toRaw);
	if (account.type === 'Trial' && !account.verifiedCallerIds.includes(to.number)) throw twilioErrors.trialUnverified(to.number);
	const senders = from ? [from.number] : (service?.senderPool ?? []);
	if (senders.some((s) => store.optOuts.has(optOutKey(account.sid, s, to.number)))) throw twilioErrors.unsubscribed();

	const outcome: DeliveryOutcome =
		to.number === MAGIC_TO.undelivered ? 'undelivered' : to.number === MAGIC_TO.failed ? 'failed' : 'delivered';
	return { to, from, service, body, mediaUrls, statusCallback, validityPeriod, sendAt, contentSid, contentVariables, outcome };
}

const CONTENT_TYPES: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	pdf: 'application/pdf',
	mp3: 'audio/mpeg',
	ogg: 'audio/ogg',
	mp4: 'video/mp4',
	vcf: 'text/vcard',
	txt: 'text/plain',
};

export function guessContentType(url: string): string {
	let path = url;
	try {
		path = new URL(url).pathname;
	} catch {
		// keep the raw string
	}
	const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
	return (ext && CONTENT_TYPES[ext]) || 'image/jpeg';
}

export interface OutboundFields {
	account: AccountRecord;
	direction: MessageDirection;
	to: string;
	from: string | null;
	channel: Address['channel'];
	body: string;
	mediaUrls: string[];
	messagingServiceSid: string | null;
	statusCallback: string | null;
	status: MessageStatus;
	validityPeriod?: number | null;
	sendAt?: Date | null;
	contentSid?: string | null;
	contentVariables?: string | null;
	logicalKey?: string | null;
	now: Date;
}

/** A new outbound message record; the body gets the trial prefix, and segments are counted on the final body. */
export function newOutboundMessage(f: OutboundFields): MessageRecord {
	const body = f.account.type === 'Trial' ? TRIAL_PREFIX + f.body : f.body;
	const seg = countSegments(body);
	const media: MediaRecord[] = f.mediaUrls.map((url) => ({ sid: newSid('ME'), url, contentType: guessContentType(url) }));
	return {
		sid: newSid(media.length ? 'MM' : 'SM'),
		accountSid: f.account.sid,
		direction: f.direction,
		to: f.to,
		from: f.from,
		body,
		media,
		messagingServiceSid: f.messagingServiceSid,
		status: f.status,
		errorCode: null,
		errorMessage: null,
		encoding: seg.encoding,
		// WhatsApp and MMS are not split into SMS segments; Twilio reports "1" for them.
		numSegments: f.channel === 'whatsapp' || media.length ? 1 : seg.segments,
		price: null,
		statusCallback: f.statusCallback,
		validityPeriod: f.validityPeriod ?? null,
		sendAt: f.sendAt ?? null,
		contentSid: f.contentSid ?? null,
		contentVariables: f.contentVariables ?? null,
		logicalKey: f.logicalKey ?? null,
		statusHistory: [{ status: f.status, at: f.now }],
		dateCreated: f.now,
		dateUpdated: f.now,
		dateSent: null,
	};
}

export function messageFromValidated(v: ValidatedMessage, account: AccountRecord, logicalKey: string, now: Date): MessageRecord {
	const status: MessageStatus = v.sendAt ? 'scheduled' : v.from ? 'queued' : 'accepted';
	return newOutboundMessage({
		account,
		direction: 'outbound-api',
		to: formatAddress(v.to),
		from: v.from ? formatAddress(v.from) : null,
		channel: v.to.channel,
		body: v.body,
		mediaUrls: v.mediaUrls,
		messagingServiceSid: v.service?.sid ?? null,
		// A Messaging Service's own status callback applies when the request names none.
		statusCallback: v.statusCallback ?? v.service?.statusCallback ?? null,
		status,
		validityPeriod: v.validityPeriod,
		sendAt: v.sendAt,
		contentSid: v.contentSid,
		contentVariables: v.contentVariables,
		logicalKey,
		now,
	});
}
