/**
 * Call records and the call-specific fixtures: the magic numbers for calls and one TwiML App.
 * Kept beside the call routes so the shared state module only holds the `calls` map.
 */
import { FULL_ACCOUNT } from '../fixtures';
import type { FormParams } from '../form';
import type { HttpCallbackMethod } from '../state';

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type CallOutcome = 'completed' | 'busy' | 'no-answer' | 'failed';
export type AnsweredBy = 'human' | 'machine_start' | 'machine_end_beep' | 'unknown';

/** What the callee hears, read from the call's TwiML in document order. */
export type HeardVerb =
	| { verb: 'Say'; text: string; voice: string | null; language: string | null; loop: number }
	| { verb: 'Play'; url: string; loop: number }
	| { verb: 'Pause'; length: number }
	| { verb: 'Gather'; action: string | null; numDigits: number | null; timeout: number | null; children: HeardVerb[] }
	| { verb: string; attributes: Record<string, string> };

export interface CallRecord {
	sid: string;
	accountSid: string;
	to: string;
	from: string;
	status: CallStatus;
	direction: 'outbound-api';
	answeredBy: AnsweredBy | null;
	/** Where the call's TwiML comes from. */
	source: { kind: 'twiml' } | { kind: 'url'; url: string; method: HttpCallbackMethod } | { kind: 'application'; sid: string };
	/** The TwiML the callee got: inline at create, or fetched from the URL when answered. */
	twiml: string | null;
	twimlError: string | null;
	heard: HeardVerb[];
	statusCallback: string | null;
	statusCallbackMethod: HttpCallbackMethod;
	statusCallbackEvents: string[];
	timeout: number;
	record: boolean;
	recordingStatusCallback: string | null;
	machineDetection: string | null;
	machineDetectionTimeout: number | null;
	sendDigits: string | null;
	callerId: string | null;
	/** The raw create form, for tests that assert exact parameters. */
	form: FormParams;
	logicalKey: string;
	statusHistory: Array<{ status: CallStatus; at: Date }>;
	dateCreated: Date;
	dateUpdated: Date;
	startTime: Date | null;
	endTime: Date | null;
	duration: number | null;
	price: string | null;
}

/**
 * Twilio's documented test numbers for calls, plus our own (marked) for the outcomes Twilio's test
 * credentials never simulate. See sandbox/README.md.
 */
export const MAGIC_CALL_TO = {
	invalid: '+15005550001', // 21217
	unroutable: '+15005550002', // 21214
	noInternational: '+15005550003', // 21215
	blocked: '+15005550004', // 21216
	/** Ours: rings, then ends `failed`. */
	failed: '+15005550011',
	/** Ours: rings, then ends `busy`. */
	busy: '+15005550012',
	/** Ours: rings until Timeout, then ends `no-answer`. */
	noAnswer: '+15005550013',
	/** Ours: voicemail answers (answered_by machine_start, or machine_end_beep with DetectMessageEnd). */
	machine: '+15005550014',
} as const;

export const MAGIC_CALL_FROM = {
	invalid: '+15005550001', // 21212
	notOwned: '+15005550007', // 21210
} as const;

/** A TwiML App of the full account. Calls through it record no TwiML, as the app has no Voice URL here. */
export const VOICE_APPLICATION = {
	sid: 'AP5a4db0c5a90000000000000000000001',
	accountSid: FULL_ACCOUNT.sid,
	friendlyName: 'Sandbox Voice App',
	voiceUrl: null as string | null,
};

/** Voice price per started minute, written as Twilio writes prices (negative = charged). */
export const PRICE_PER_MINUTE = 0.014;
/** Seconds a completed sandbox call lasts. */
export const CALL_DURATION_SECONDS = 12;
