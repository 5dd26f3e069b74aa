/**
 * Call records and the call-specific fixtures: the magic numbers for calls and one TwiML App.
 * Kept beside the call routes so the shared state module only holds the `calls` map.
 */
import { FULL_ACCOUNT } from '../fixtures';
import type { FormParams } from '../form';
import type { HttpCallbackMethod } from '../state';
import type { CalleeScript } from './callee';

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type CallOutcome = 'completed' | 'busy' | 'no-answer' | 'failed';
export type AnsweredBy = 'human' | 'machine_start' | 'machine_end_beep' | 'unknown';

/**
 * One request Twilio made while following the call's TwiML (a <Gather> action, a <Redirect>), and
 * what came back; `error` is the Twilio error that made the callee hear "an application error".
 */
export interface TwimlExchange {
	url: string;
	method: HttpCallbackMethod;
	status: number | null;
	contentType: string | null;
	body: string;
	error: string | null;
}

/**
 * What the callee hears. Unscripted calls: the call's TwiML read in document order. Calls to a
 * number with a callee script: what was actually played, in order, across every document the call
 * went through; `interrupted` marks a prompt cut short by a key press or a hang-up.
 */
export type HeardVerb =
	| { verb: 'Say'; text: string; voice: string | null; language: string | null; loop: number; interrupted?: boolean; applicationError?: string }
	| { verb: 'Play'; url: string; loop: number; interrupted?: boolean }
	| { verb: 'Pause'; length: number; interrupted?: boolean }
	| {
			verb: 'Gather';
			action: string | null;
			numDigits: number | null;
			timeout: number | null;
			children: HeardVerb[];
			/** Scripted calls only: the keys that counted (null: no input), the finish key, and the action exchange. */
			digits?: string | null;
			finishedOnKey?: string;
			request?: TwimlExchange;
	  }
	| { verb: 'Redirect'; url: string; request: TwimlExchange }
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
	recordingStatusCallbackMethod: HttpCallbackMethod;
	/** `in-progress`, `completed`, `absent`; none named means `completed`, as on Twilio. */
	recordingStatusCallbackEvents: string[];
	/** RecordingChannels: `mono` (1) or `dual` (2). */
	recordingChannels: 1 | 2;
	/** The origin the call was created through: where its RecordingUrl points (Twilio's is api.twilio.com). */
	apiBaseUrl: string;
	machineDetection: string | null;
	machineDetectionTimeout: number | null;
	sendDigits: string | null;
	callerId: string | null;
	/** AsyncAmd=true: the TwiML runs at once and AnsweredBy goes to asyncAmdStatusCallback later. */
	asyncAmd: boolean;
	asyncAmdStatusCallback: string | null;
	asyncAmdStatusCallbackMethod: HttpCallbackMethod;
	/** Longest the call may last once answered, in seconds (Twilio's default: 4 hours). */
	timeLimit: number;
	/** The callee script of `to` when the call was placed (null: the sandbox's plain progression). */
	script: CalleeScript | null;
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
