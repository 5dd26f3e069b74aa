/**
 * Seeded identities of the sandbox. Tests, examples and the demo import these constants instead of
 * copying SIDs around. The values are deliberately low-entropy (`5a4db0c5…` reads "sandbox") so
 * secret scanners and humans both see at once that they are not real credentials.
 */

/** Every seeded resource carries this creation date, so responses are stable across runs. */
export const FIXTURE_DATE = new Date('2024-01-02T03:04:05Z');

export type AccountType = 'Trial' | 'Full';

export interface AccountFixture {
	sid: string;
	authToken: string;
	friendlyName: string;
	type: AccountType;
	/** Trial accounts may only message these numbers (Twilio's "Verified Caller IDs"). */
	verifiedCallerIds: string[];
}

export interface ApiKeyFixture {
	sid: string;
	secret: string;
	accountSid: string;
	friendlyName: string;
	/**
	 * Twilio's key types: a Standard key cannot use the /Accounts endpoints (401 20003), a Main key can.
	 * Modelled so that credential tests built here also work with least-privilege keys in production.
	 */
	keyType: 'standard' | 'main';
}

export interface PhoneNumberFixture {
	sid: string;
	accountSid: string;
	phoneNumber: string;
	friendlyName: string;
	capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean };
}

export interface MessagingServiceFixture {
	sid: string;
	accountSid: string;
	friendlyName: string;
	/** Phone numbers (E.164) in the Messaging Service's sender pool. */
	senderPool: string[];
	/**
	 * Who receives the pool's inbound messages: true defers to each number's own SmsUrl ("Defer to
	 * sender's webhook"); false sends them to inboundRequestUrl, and a null URL drops them.
	 */
	useInboundWebhookOnNumber: boolean;
	inboundRequestUrl: string | null;
}

export const FULL_ACCOUNT: AccountFixture = {
	sid: 'AC5a4db0c5ac0000000000000000000001',
	authToken: '5a4db0c5700000000000000000000001',
	friendlyName: 'Sandbox Full Account',
	type: 'Full',
	verifiedCallerIds: [],
};

export const API_KEY: ApiKeyFixture = {
	sid: 'SK5a4db0c55e0000000000000000000001',
	secret: '5a4db0c55ec000000000000000000001',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox standard key',
	keyType: 'standard',
};

export const MAIN_API_KEY: ApiKeyFixture = {
	sid: 'SK5a4db0c55e0000000000000000000002',
	secret: '5a4db0c55ec000000000000000000002',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox main key',
	keyType: 'main',
};

/** Numbers a trial account may send to. They are fictional 555-01xx numbers. */
export const TRIAL_VERIFIED_NUMBERS = ['+15555550111', '+15555550112'];

export const TRIAL_ACCOUNT: AccountFixture = {
	sid: 'AC5a4db0c5ac0000000000000000000007',
	authToken: '5a4db0c5700000000000000000000007',
	friendlyName: 'Sandbox Trial Account',
	type: 'Trial',
	verifiedCallerIds: TRIAL_VERIFIED_NUMBERS,
};

const ALL_CAPABILITIES = { voice: true, sms: true, mms: true, fax: false };

/** +15005550006 is Twilio's documented "valid From" test number, so it is the default sender. */
export const NUMBER_MAIN: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000001',
	accountSid: FULL_ACCOUNT.sid,
	phoneNumber: '+15005550006',
	friendlyName: 'Sandbox Main',
	capabilities: ALL_CAPABILITIES,
};

export const NUMBER_SUPPORT: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000002',
	accountSid: FULL_ACCOUNT.sid,
	phoneNumber: '+15555550100',
	friendlyName: 'Sandbox Support',
	capabilities: ALL_CAPABILITIES,
};

export const NUMBER_ALERTS: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000003',
	accountSid: FULL_ACCOUNT.sid,
	phoneNumber: '+15555550101',
	friendlyName: 'Sandbox Alerts',
	capabilities: ALL_CAPABILITIES,
};

/** Voice-only: sending an SMS from it fails with 21606, as with a real voice-only number. */
export const NUMBER_VOICE_ONLY: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000004',
	accountSid: FULL_ACCOUNT.sid,
	phoneNumber: '+15555550102',
	friendlyName: 'Sandbox Voice Only',
	capabilities: { voice: true, sms: false, mms: false, fax: false },
};

export const NUMBER_TRIAL: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000005',
	accountSid: TRIAL_ACCOUNT.sid,
	phoneNumber: '+15555550199',
	friendlyName: 'Trial Number',
	capabilities: ALL_CAPABILITIES,
};

export const MESSAGING_SERVICE: MessagingServiceFixture = {
	sid: 'MG5a4db0c5360000000000000000000001',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox Notifications',
	senderPool: [NUMBER_ALERTS.phoneNumber],
	useInboundWebhookOnNumber: true,
	inboundRequestUrl: null,
};

/**
 * In a service that owns its numbers' inbound messages (the usual US A2P 10DLC set-up), with no
 * Inbound Request URL yet: a text to it reaches nobody until someone points the service somewhere.
 */
export const NUMBER_CAMPAIGN: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000006',
	accountSid: FULL_ACCOUNT.sid,
	phoneNumber: '+15555550103',
	friendlyName: 'Sandbox Campaign',
	capabilities: ALL_CAPABILITIES,
};

/** The AI assistant's number in the demo (examples/ai-sms-conversation.json); no other example claims it. */
export const NUMBER_ASSISTANT: PhoneNumberFixture = {
	sid: 'PN5a4db0c59e0000000000000000000007',
	accountSid: FULL_ACCOUNT.sid,
	phoneNumber: '+15555550104',
	friendlyName: 'Sandbox Assistant',
	capabilities: ALL_CAPABILITIES,
};

export const MESSAGING_SERVICE_CAMPAIGN: MessagingServiceFixture = {
	sid: 'MG5a4db0c5360000000000000000000002',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox A2P Campaign',
	senderPool: [NUMBER_CAMPAIGN.phoneNumber],
	useInboundWebhookOnNumber: false,
	inboundRequestUrl: null,
};

export interface VerifyServiceFixture {
	sid: string;
	accountSid: string;
	friendlyName: string;
	/** Digits in each generated code (Twilio allows 4 to 10). */
	codeLength: number;
}

/** The Verify v2 service the examples and tests send codes through. */
export const VERIFY_SERVICE: VerifyServiceFixture = {
	sid: 'VA5a4db0c5e10000000000000000000001',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox Verify',
	codeLength: 6,
};

/** A second service with 4-digit codes, so lists have more than one entry and code length is observable. */
export const VERIFY_SERVICE_SHORT: VerifyServiceFixture = {
	sid: 'VA5a4db0c5e10000000000000000000002',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox Verify Short Codes',
	codeLength: 4,
};

export const VERIFY_SERVICES: readonly VerifyServiceFixture[] = [VERIFY_SERVICE, VERIFY_SERVICE_SHORT];

export const ACCOUNTS: readonly AccountFixture[] = [FULL_ACCOUNT, TRIAL_ACCOUNT];
export const API_KEYS: readonly ApiKeyFixture[] = [API_KEY, MAIN_API_KEY];
export const PHONE_NUMBERS: readonly PhoneNumberFixture[] = [
	NUMBER_MAIN,
	NUMBER_SUPPORT,
	NUMBER_ALERTS,
	NUMBER_VOICE_ONLY,
	NUMBER_TRIAL,
	NUMBER_CAMPAIGN,
	NUMBER_ASSISTANT,
];
export const MESSAGING_SERVICES: readonly MessagingServiceFixture[] = [MESSAGING_SERVICE, MESSAGING_SERVICE_CAMPAIGN];

/** A recipient with no special behaviour: messages to it are delivered. */
export const SAMPLE_RECIPIENT = '+15555550123';

/**
 * Twilio's documented magic test numbers, plus two of our own (marked) for asynchronous failures.
 * See sandbox/README.md for the table.
 */
export const MAGIC_TO = {
	invalid: '+15005550001', // 21211
	unreachable: '+15005550002', // 21612
	noInternational: '+15005550003', // 21408
	blocked: '+15005550004', // 21610
	notMobile: '+15005550009', // 21614
	/** Ours: accepted, then ends `undelivered` with error 30003. */
	undelivered: '+15005550010',
	/** Ours: accepted, then ends `failed` with error 30008. */
	failed: '+15005550011',
	/** Ours: accepted, sent, then `undelivered` with the carrier error in MAGIC_DELIVERY_FAILURES. */
	carrierBlocked: '+15005550020',
	unknownHandset: '+15005550021',
	landline: '+15005550022',
	carrierFiltered: '+15005550023',
} as const;

/**
 * How the magic recipients above end, with Twilio's error code and its documented text. They walk
 * queued → sending → sent first, as real carrier rejections arrive after Twilio has sent the message.
 */
export const MAGIC_DELIVERY_FAILURES: Readonly<Record<string, { status: 'undelivered' | 'failed'; errorCode: number; errorMessage: string }>> = {
	[MAGIC_TO.undelivered]: { status: 'undelivered', errorCode: 30003, errorMessage: 'Unreachable destination handset' },
	[MAGIC_TO.failed]: { status: 'failed', errorCode: 30008, errorMessage: 'Unknown error' },
	[MAGIC_TO.carrierBlocked]: { status: 'undelivered', errorCode: 30004, errorMessage: 'Message blocked' },
	[MAGIC_TO.unknownHandset]: { status: 'undelivered', errorCode: 30005, errorMessage: 'Unknown destination handset' },
	[MAGIC_TO.landline]: { status: 'undelivered', errorCode: 30006, errorMessage: 'Landline or unreachable carrier' },
	[MAGIC_TO.carrierFiltered]: { status: 'undelivered', errorCode: 30007, errorMessage: 'Message filtered' },
};

export const MAGIC_FROM = {
	invalid: '+15005550001', // 21212
	notOwned: '+15005550007', // 21606
	queueFull: '+15005550008', // 21611
	valid: '+15005550006', // accepted (it is NUMBER_MAIN)
} as const;

// ---- Resend -------------------------------------------------------------------------------------

export interface ResendKeyFixture {
	id: string;
	/** The Bearer token (real keys look like `re_…`). */
	token: string;
	name: string;
	/** Resend's two key permissions: a sending-only key gets 401 restricted_api_key on everything but sends. */
	permission: 'full_access' | 'sending_access';
	/** Sends with this key answer 429 with this quota error (to test that quota errors are not retried). */
	quotaExceeded?: 'daily' | 'monthly';
}

export const RESEND_FULL_KEY: ResendKeyFixture = {
	id: '5a4db0c5-0000-4000-8000-000000000001',
	token: 're_5a4db0c5_full_access_000000000001',
	name: 'Sandbox full access',
	permission: 'full_access',
};

export const RESEND_SENDING_KEY: ResendKeyFixture = {
	id: '5a4db0c5-0000-4000-8000-000000000002',
	token: 're_5a4db0c5_sending_only_00000000002',
	name: 'Sandbox sending access',
	permission: 'sending_access',
};

export const RESEND_QUOTA_KEY: ResendKeyFixture = {
	id: '5a4db0c5-0000-4000-8000-000000000003',
	token: 're_5a4db0c5_quota_exceeded_000000003',
	name: 'Sandbox team over its daily quota',
	permission: 'sending_access',
	quotaExceeded: 'daily',
};

export const RESEND_API_KEYS: readonly ResendKeyFixture[] = [RESEND_FULL_KEY, RESEND_SENDING_KEY, RESEND_QUOTA_KEY];

/** Verified sending domains; `from` on any other domain gets 403 validation_error, as on Resend. */
export const RESEND_DOMAINS = [
	{ id: '5a4db0c5-d000-4000-8000-000000000001', name: 'example.com', status: 'verified', region: 'us-east-1' },
	{ id: '5a4db0c5-d000-4000-8000-000000000002', name: 'resend.dev', status: 'verified', region: 'us-east-1' },
] as const;

export const RESEND_FROM = 'Sandbox Alerts <alerts@example.com>';

/** Resend's documented test recipients; each ends on its own last_event. */
export const RESEND_MAGIC_TO = {
	delivered: 'delivered@resend.dev',
	bounced: 'bounced@resend.dev',
	complained: 'complained@resend.dev',
	suppressed: 'suppressed@resend.dev',
} as const;

// ---- Scripted chat model (OpenAI-compatible) ----------------------------------------------------

/** The Bearer key of the scripted chat model (`sandbox.chatModel`); real OpenAI keys look like `sk-…`. */
export const CHAT_MODEL_API_KEY = 'sk-5a4db0c5-scripted-chat-model-000000000001';

/** What `GET /v1/models` lists. Any model name is answered; these are what n8n's model list shows. */
export const CHAT_MODEL_IDS = ['gpt-4o-mini', 'gpt-4.1-mini'] as const;

// ---- Lookup v2 ----------------------------------------------------------------------------------

/**
 * Numbers with a fixed Lookup v2 answer (sandbox/twilio/lookups.ts). Every other valid number looks
 * up as a mobile, so SAMPLE_RECIPIENT and the seeded numbers pass a "mobiles only" check; Twilio's
 * magic MAGIC_TO.notMobile and MAGIC_TO.landline look up as landlines, and MAGIC_TO.invalid as
 * invalid, so a lookup agrees with what Send SMS would meet.
 */
export const LOOKUP_NUMBERS = {
	mobile: '+15555550300',
	landline: '+15555550301',
	fixedVoip: '+15555550302',
	nonFixedVoip: '+15555550303',
	tollFree: '+15555550304',
	/** Valid, but Line Type Intelligence has no data for it: type null, error_code 60600. */
	noLineType: '+15555550305',
	/** valid: false, INVALID_BUT_POSSIBLE: the right length, but no such range. */
	invalid: '+15555550399',
	/** valid: false, TOO_SHORT. */
	tooShort: '+1555555030',
	/** valid: false, TOO_LONG. */
	tooLong: '+155555503000',
} as const;
