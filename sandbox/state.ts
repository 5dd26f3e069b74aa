/**
 * The sandbox's memory: seeded fixtures plus everything created through the API. Records use
 * camelCase and real Dates; the route modules render them into Twilio's snake_case JSON.
 */
import {
	ACCOUNTS,
	API_KEYS,
	AccountType,
	FIXTURE_DATE,
	MESSAGING_SERVICES,
	PHONE_NUMBERS,
	VERIFY_SERVICES,
} from './fixtures';
import type { FormParams } from './form';
import type { EmailRecord, IdempotencyRecord } from './resend/types';
import type { SmsEncoding } from './segments';
import type { CalleeScript } from './twilio/callee';
import type { CallRecord } from './twilio/calls-state';
import type { RecordingRecord } from './twilio/recordings';
import type { RecipientScript, ScheduledSms } from './twilio/recipient';
import type { VerificationRecord, VerifyServiceRecord } from './twilio/verify-state';

export interface AccountRecord {
	sid: string;
	authToken: string;
	friendlyName: string;
	type: AccountType;
	status: 'active' | 'suspended' | 'closed';
	ownerAccountSid: string;
	verifiedCallerIds: string[];
	dateCreated: Date;
	dateUpdated: Date;
}

export interface ApiKeyRecord {
	sid: string;
	secret: string;
	accountSid: string;
	friendlyName: string;
	keyType: 'standard' | 'main';
	dateCreated: Date;
}

export type HttpCallbackMethod = 'GET' | 'POST';

export interface IncomingNumberRecord {
	sid: string;
	accountSid: string;
	phoneNumber: string;
	friendlyName: string;
	capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean };
	smsUrl: string;
	smsMethod: HttpCallbackMethod;
	smsFallbackUrl: string;
	smsFallbackMethod: HttpCallbackMethod;
	smsApplicationSid: string;
	voiceUrl: string;
	voiceMethod: HttpCallbackMethod;
	voiceFallbackUrl: string;
	voiceFallbackMethod: HttpCallbackMethod;
	voiceApplicationSid: string;
	voiceCallerIdLookup: boolean;
	voiceReceiveMode: 'voice' | 'fax';
	statusCallback: string;
	statusCallbackMethod: HttpCallbackMethod;
	dateCreated: Date;
	dateUpdated: Date;
}

export interface MessagingServiceRecord {
	sid: string;
	accountSid: string;
	friendlyName: string;
	/** E.164 numbers owned by the account. */
	senderPool: string[];
	inboundRequestUrl: string | null;
	inboundMethod: HttpCallbackMethod;
	fallbackUrl: string | null;
	fallbackMethod: HttpCallbackMethod;
	statusCallback: string | null;
	useInboundWebhookOnNumber: boolean;
	validityPeriod: number;
	dateCreated: Date;
	dateUpdated: Date;
}

export type MessageStatus =
	| 'accepted'
	| 'scheduled'
	| 'queued'
	| 'sending'
	| 'sent'
	| 'delivered'
	| 'undelivered'
	| 'failed'
	| 'receiving'
	| 'received'
	| 'read'
	| 'canceled';

export type MessageDirection = 'inbound' | 'outbound-api' | 'outbound-reply' | 'outbound-call';

export interface MediaRecord {
	sid: string;
	url: string;
	contentType: string;
}

export interface MessageRecord {
	sid: string;
	accountSid: string;
	direction: MessageDirection;
	to: string;
	/** null while a Messaging Service send is `accepted` and no sender is picked yet, as on Twilio. */
	from: string | null;
	body: string;
	media: MediaRecord[];
	messagingServiceSid: string | null;
	status: MessageStatus;
	errorCode: number | null;
	errorMessage: string | null;
	encoding: SmsEncoding;
	numSegments: number;
	price: string | null;
	statusCallback: string | null;
	validityPeriod: number | null;
	sendAt: Date | null;
	contentSid: string | null;
	contentVariables: string | null;
	/** Exactly-once accounting key (see stats.ts); null for messages not created through the API. */
	logicalKey: string | null;
	statusHistory: Array<{ status: MessageStatus; at: Date }>;
	dateCreated: Date;
	dateUpdated: Date;
	dateSent: Date | null;
}

export interface WebhookAttempt {
	id: number;
	/** `call-gather`: a <Gather> action request; `call-redirect`: a <Redirect>; `call-amd`: an AsyncAmd result; `event-stream`: an Event Streams sink delivery. */
	kind: 'message-status' | 'inbound-sms' | 'call-status' | 'call-twiml' | 'call-gather' | 'call-redirect' | 'call-amd' | 'recording-status' | 'event-stream';
	url: string;
	method: HttpCallbackMethod;
	params: FormParams;
	signature: string;
	idempotencyToken: string;
	messageSid: string | null;
	messageStatus: string | null;
	/** Set on call webhooks (status callbacks and TwiML fetches). */
	callSid?: string;
	callStatus?: string;
	/** Set on RecordingStatusCallback requests. */
	recordingSid?: string;
	recordingStatus?: string;
	at: Date;
	durationMs: number;
	/** HTTP status of the receiver's answer; null when no answer came (refused, timeout, bad URL). */
	status: number | null;
	error: string | null;
}

export interface InboundRecord {
	id: number;
	at: Date;
	messageSid: string;
	accountSid: string;
	from: string;
	to: string;
	body: string;
	mediaUrls: string[];
	url: string | null;
	method: HttpCallbackMethod;
	status: number | null;
	contentType: string | null;
	twiml: string | null;
	twimlError: string | null;
	error: string | null;
	replySids: string[];
}

export interface RecordedRequest {
	id: number;
	at: string;
	method: string;
	path: string;
	/** Route name (e.g. `twilio.messages.create`) and its OpenAPI-style path template, for contract tests. */
	route: string;
	routePath: string | null;
	query: FormParams;
	/** Only when the request had a form-encoded body (the SDK labels bodiless GETs as forms too). */
	form?: FormParams;
	json?: unknown;
	contentType: string | null;
	authUser: string | null;
	/** Idempotency-Key and x-batch-validation, when sent. */
	headers?: Record<string, string>;
	status: number;
	fault: string | null;
	durationMs: number;
	responseBody?: unknown;
}

/** What `sandbox.state` exposes: live, read-only views. */
export interface SandboxStateView {
	readonly accounts: ReadonlyMap<string, AccountRecord>;
	readonly apiKeys: ReadonlyMap<string, ApiKeyRecord>;
	readonly numbers: ReadonlyMap<string, IncomingNumberRecord>;
	readonly messagingServices: ReadonlyMap<string, MessagingServiceRecord>;
	readonly messages: ReadonlyMap<string, MessageRecord>;
	readonly calls: ReadonlyMap<string, CallRecord>;
	/** Recordings of calls placed with Record=true, by RE… SID. */
	readonly recordings: ReadonlyMap<string, RecordingRecord>;
	readonly webhooks: readonly WebhookAttempt[];
	readonly inbound: readonly InboundRecord[];
	readonly requests: readonly RecordedRequest[];
	/** Opt-outs (STOP) as `accountSid|senderNumber|recipient`. */
	readonly optOuts: ReadonlySet<string>;
	/** Resend emails by id. */
	readonly emails: ReadonlyMap<string, EmailRecord>;
	/** Verify v2 services and verifications (with their codes) by SID. */
	readonly verifyServices: ReadonlyMap<string, VerifyServiceRecord>;
	readonly verifications: ReadonlyMap<string, VerificationRecord>;
	/** Callee scripts by E.164 number (admin `POST /__sandbox/callee`). */
	readonly callees: ReadonlyMap<string, CalleeScript>;
	/** Recipient scripts by E.164 number (admin `POST /__sandbox/recipient`). */
	readonly recipients: ReadonlyMap<string, RecipientScript>;
	/** Inbound SMS sent later (`afterMs`, or a recipient's reply), by id, with their outcome once sent. */
	readonly scheduledSms: ReadonlyMap<string, ScheduledSms>;
	message(sid: string): MessageRecord | undefined;
	numberByPhone(phoneNumber: string): IncomingNumberRecord | undefined;
	statusCallbacks(messageSid?: string): WebhookAttempt[];
}

const WEBHOOK_LIMIT = 10_000;
const INBOUND_LIMIT = 10_000;

export class SandboxStore implements SandboxStateView {
	readonly accounts = new Map<string, AccountRecord>();
	readonly apiKeys = new Map<string, ApiKeyRecord>();
	readonly numbers = new Map<string, IncomingNumberRecord>();
	readonly messagingServices = new Map<string, MessagingServiceRecord>();
	readonly messages = new Map<string, MessageRecord>();
	readonly calls = new Map<string, CallRecord>();
	readonly recordings = new Map<string, RecordingRecord>();
	readonly webhooks: WebhookAttempt[] = [];
	readonly inbound: InboundRecord[] = [];
	readonly requests: RecordedRequest[] = [];
	readonly optOuts = new Set<string>();
	readonly emails = new Map<string, EmailRecord>();
	readonly verifyServices = new Map<string, VerifyServiceRecord>();
	readonly verifications = new Map<string, VerificationRecord>();
	readonly callees = new Map<string, CalleeScript>();
	readonly recipients = new Map<string, RecipientScript>();
	readonly scheduledSms = new Map<string, ScheduledSms>();
	/** Resend Idempotency-Keys by endpoint and key. */
	readonly idempotencyKeys = new Map<string, IdempotencyRecord>();
	/** Bumped on reset so late async work (callbacks in flight) can tell it belongs to an old run. */
	generation = 0;
	private nextId = 1;

	constructor(private readonly requestLimit: number) {
		this.seed();
	}

	message(sid: string): MessageRecord | undefined {
		return this.messages.get(sid);
	}

	numberByPhone(phoneNumber: string): IncomingNumberRecord | undefined {
		for (const n of this.numbers.values()) if (n.phoneNumber === phoneNumber) return n;
		return undefined;
	}

	statusCallbacks(messageSid?: string): WebhookAttempt[] {
		return this.webhooks.filter(
			(w) => w.kind === 'message-status' && (messageSid === undefined || w.messageSid === messageSid),
		);
	}

	newId(): number {
		return this.nextId++;
	}

	addMessage(message: MessageRecord): void {
		this.messages.set(message.sid, message);
	}

	recordRequest(request: RecordedRequest): void {
		pushBounded(this.requests, request, this.requestLimit);
	}

	recordWebhook(attempt: WebhookAttempt): void {
		pushBounded(this.webhooks, attempt, WEBHOOK_LIMIT);
	}

	recordInbound(record: InboundRecord): void {
		pushBounded(this.inbound, record, INBOUND_LIMIT);
	}

	reset(): void {
		this.generation++;
		this.accounts.clear();
		this.apiKeys.clear();
		this.numbers.clear();
		this.messagingServices.clear();
		this.messages.clear();
		this.calls.clear();
		this.recordings.clear();
		this.webhooks.length = 0;
		this.inbound.length = 0;
		this.requests.length = 0;
		this.optOuts.clear();
		this.emails.clear();
		this.idempotencyKeys.clear();
		this.verifyServices.clear();
		this.verifications.clear();
		this.callees.clear();
		this.recipients.clear();
		this.scheduledSms.clear();
		this.seed();
	}

	/** Fresh copies every time, so one test's number update never leaks into the next after reset(). */
	private seed(): void {
		for (const a of ACCOUNTS) {
			this.accounts.set(a.sid, {
				sid: a.sid,
				authToken: a.authToken,
				friendlyName: a.friendlyName,
				type: a.type,
				status: 'active',
				ownerAccountSid: a.sid,
				verifiedCallerIds: [...a.verifiedCallerIds],
				dateCreated: FIXTURE_DATE,
				dateUpdated: FIXTURE_DATE,
			});
		}
		for (const k of API_KEYS) this.apiKeys.set(k.sid, { ...k, dateCreated: FIXTURE_DATE });
		for (const n of PHONE_NUMBERS) {
			this.numbers.set(n.sid, {
				sid: n.sid,
				accountSid: n.accountSid,
				phoneNumber: n.phoneNumber,
				friendlyName: n.friendlyName,
				capabilities: { ...n.capabilities },
				smsUrl: '',
				smsMethod: 'POST',
				smsFallbackUrl: '',
				smsFallbackMethod: 'POST',
				smsApplicationSid: '',
				voiceUrl: '',
				voiceMethod: 'POST',
				voiceFallbackUrl: '',
				voiceFallbackMethod: 'POST',
				voiceApplicationSid: '',
				voiceCallerIdLookup: false,
				voiceReceiveMode: 'voice',
				statusCallback: '',
				statusCallbackMethod: 'POST',
				dateCreated: FIXTURE_DATE,
				dateUpdated: FIXTURE_DATE,
			});
		}
		for (const s of MESSAGING_SERVICES) {
			this.messagingServices.set(s.sid, {
				sid: s.sid,
				accountSid: s.accountSid,
				friendlyName: s.friendlyName,
				senderPool: [...s.senderPool],
				inboundRequestUrl: s.inboundRequestUrl,
				inboundMethod: 'POST',
				fallbackUrl: null,
				fallbackMethod: 'POST',
				statusCallback: null,
				useInboundWebhookOnNumber: s.useInboundWebhookOnNumber,
				validityPeriod: 36000,
				dateCreated: FIXTURE_DATE,
				dateUpdated: FIXTURE_DATE,
			});
		}
		for (const v of VERIFY_SERVICES) this.verifyServices.set(v.sid, { ...v, dateCreated: FIXTURE_DATE, dateUpdated: FIXTURE_DATE });
	}
}

function pushBounded<T>(list: T[], item: T, limit: number): void {
	list.push(item);
	if (list.length > limit) list.splice(0, list.length - limit);
}
