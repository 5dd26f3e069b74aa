/**
 * Call create, validated in the order Twilio reports problems: numbers, then instructions, then
 * options, then the rules about who may be called. Error codes are those of the Calls resource.
 */
import { first, all, FormParams } from '../form';
import type { AccountRecord, HttpCallbackMethod, SandboxStore } from '../state';
import { E164 } from './addresses';
import { MAGIC_CALL_FROM, MAGIC_CALL_TO, VOICE_APPLICATION, type CallOutcome, type CallRecord } from './calls-state';
import { TwilioApiError, twilioErrors } from './errors';

const bad = (code: number, message: string): TwilioApiError => new TwilioApiError(400, code, message);

export const callErrors = {
	toRequired: () => bad(21201, "No 'To' number is specified"),
	invalidTo: (to: string) => bad(21211, `Invalid 'To' Phone Number: ${to}`),
	toNotValid: (to: string) => bad(21217, `Phone number ${to} does not appear to be valid`),
	fromRequired: () => bad(21213, "'From' phone number is required"),
	invalidFrom: (from: string) => bad(21212, `Invalid From Number (caller ID): ${from}`),
	fromNotVerified: (from: string) => bad(21210, `The source phone number provided, ${from}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.`),
	instructionsRequired: () => bad(21205, "Either a 'Url', 'Twiml' or 'ApplicationSid' parameter is required"),
	invalidUrl: (url: string) => bad(21205, `Url is not a valid URL: ${url}`),
	invalidMethod: () => bad(21209, 'Method must be either GET or POST'),
	invalidApplication: (sid: string) => bad(21218, `ApplicationSid ${sid} is invalid`),
	twimlTooLong: () => bad(32018, 'Twiml size exceeded maximum allowed value of 4000 characters'),
	invalidTimeout: () => bad(21208, 'Timeout must be an integer between 1 and 600'),
	invalidSendDigits: () => bad(21206, 'SendDigits may only contain 0-9, A-D, #, *, w and W'),
	invalidParameter: (name: string) => bad(21200, `Invalid ${name}`),
	unroutable: (to: string) => bad(21214, `'To' phone number ${to} cannot be reached`),
	noInternational: (to: string) => bad(21215, `Account not authorized to call ${to}. Perhaps you need to enable some international permissions: https://www.twilio.com/console/voice/calls/geo-permissions/low-risk`),
	blocked: (to: string) => bad(21216, `Account not allowed to call ${to}`),
	trialUnverified: (to: string) => bad(21219, `The number ${to} is unverified. Trial accounts may only make calls to verified numbers.`),
};

export const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
export const RECORDING_EVENTS = ['in-progress', 'completed', 'absent'];
const MAX_TWIML = 4000;

function isHttpUrl(value: string, noUnderscoreHost = false): boolean {
	try {
		const u = new URL(value);
		return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname && !(noUnderscoreHost && u.hostname.includes('_'));
	} catch {
		return false;
	}
}

function method(form: FormParams, key: string): HttpCallbackMethod {
	const m = (first(form, key) ?? 'POST').toUpperCase();
	if (m !== 'GET' && m !== 'POST') throw callErrors.invalidMethod();
	return m;
}

function intParam(form: FormParams, key: string, min: number, max: number, error: () => TwilioApiError): number | null {
	const raw = first(form, key)?.trim();
	if (raw === undefined || raw === '') return null;
	const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
	if (!(n >= min && n <= max)) throw error();
	return n;
}

function callbackParam(form: FormParams, key: string): string | null {
	const v = first(form, key)?.trim() || null;
	if (v !== null && !isHttpUrl(v, true)) throw key === 'StatusCallback' ? twilioErrors.invalidStatusCallback() : callErrors.invalidParameter(key);
	return v;
}

export type ValidatedCall = Omit<
	CallRecord,
	'sid' | 'apiBaseUrl' | 'status' | 'direction' | 'answeredBy' | 'twimlError' | 'heard' | 'script' | 'logicalKey' | 'statusHistory' | 'dateCreated' | 'dateUpdated' | 'startTime' | 'endTime' | 'duration' | 'price'
> & { outcome: CallOutcome; machine: boolean };

export function validateCallCreate(form: FormParams, account: AccountRecord, store: SandboxStore): ValidatedCall {
	const to = first(form, 'To')?.trim();
	if (!to) throw callErrors.toRequired();
	if (!E164.test(to)) throw callErrors.invalidTo(to);
	if (to === MAGIC_CALL_TO.invalid) throw callErrors.toNotValid(to);

	const from = first(form, 'From')?.trim();
	if (!from) throw callErrors.fromRequired();
	if (!E164.test(from) || from === MAGIC_CALL_FROM.invalid) throw callErrors.invalidFrom(from);
	const owned = store.numberByPhone(from);
	const mayCallFrom = (owned && owned.accountSid === account.sid && owned.capabilities.voice) || account.verifiedCallerIds.includes(from);
	if (from === MAGIC_CALL_FROM.notOwned || !mayCallFrom) throw callErrors.fromNotVerified(from);

	// Twilio's precedence: Twiml wins over Url, and either over ApplicationSid.
	const twiml = first(form, 'Twiml');
	const url = first(form, 'Url')?.trim();
	const applicationSid = first(form, 'ApplicationSid')?.trim();
	let source: CallRecord['source'];
	if (twiml !== undefined && twiml.trim() !== '') {
		if (twiml.length > MAX_TWIML) throw callErrors.twimlTooLong();
		source = { kind: 'twiml' };
	} else if (url) {
		if (!isHttpUrl(url)) throw callErrors.invalidUrl(url);
		source = { kind: 'url', url, method: method(form, 'Method') };
	} else if (applicationSid) {
		if (applicationSid !== VOICE_APPLICATION.sid || account.sid !== VOICE_APPLICATION.accountSid) throw callErrors.invalidApplication(applicationSid);
		source = { kind: 'application', sid: applicationSid };
	} else throw callErrors.instructionsRequired();
	if (source.kind !== 'url') method(form, 'Method');

	const statusCallback = callbackParam(form, 'StatusCallback');
	const statusCallbackMethod = method(form, 'StatusCallbackMethod');
	const events = all(form, 'StatusCallbackEvent').flatMap((e) => e.split(/\s+/)).filter(Boolean);
	if (events.some((e) => !CALL_EVENTS.includes(e))) throw callErrors.invalidParameter('StatusCallbackEvent');
	const timeout = intParam(form, 'Timeout', 1, 600, callErrors.invalidTimeout) ?? 60;
	const recordRaw = first(form, 'Record');
	if (recordRaw !== undefined && recordRaw !== 'true' && recordRaw !== 'false') throw callErrors.invalidParameter('Record');
	const recordingStatusCallback = callbackParam(form, 'RecordingStatusCallback');
	const recordingStatusCallbackMethod = method(form, 'RecordingStatusCallbackMethod');
	// The SDK sends the events as repeated keys; Twilio's docs also allow one space-separated value.
	const recordingEvents = all(form, 'RecordingStatusCallbackEvent').flatMap((e) => e.split(/\s+/)).filter(Boolean);
	if (recordingEvents.some((e) => !RECORDING_EVENTS.includes(e))) throw callErrors.invalidParameter('RecordingStatusCallbackEvent');
	const channelsRaw = first(form, 'RecordingChannels');
	if (channelsRaw !== undefined && channelsRaw !== 'mono' && channelsRaw !== 'dual') throw callErrors.invalidParameter('RecordingChannels');
	const machineDetection = first(form, 'MachineDetection') ?? null;
	if (machineDetection !== null && machineDetection !== 'Enable' && machineDetection !== 'DetectMessageEnd') throw callErrors.invalidParameter('MachineDetection');
	const machineDetectionTimeout = intParam(form, 'MachineDetectionTimeout', 3, 59, () => callErrors.invalidParameter('MachineDetectionTimeout'));
	const sendDigits = first(form, 'SendDigits') ?? null;
	if (sendDigits !== null && !/^[0-9A-D#*wW]{1,32}$/.test(sendDigits)) throw callErrors.invalidSendDigits();
	const callerId = first(form, 'CallerId')?.trim() || null;
	const asyncAmdRaw = first(form, 'AsyncAmd');
	if (asyncAmdRaw !== undefined && asyncAmdRaw !== 'true' && asyncAmdRaw !== 'false') throw callErrors.invalidParameter('AsyncAmd');
	const asyncAmdStatusCallback = callbackParam(form, 'AsyncAmdStatusCallback');
	const asyncAmdStatusCallbackMethod = method(form, 'AsyncAmdStatusCallbackMethod');
	// Twilio caps a call at 4 hours unless TimeLimit says otherwise (at most 24 hours).
	const timeLimit = intParam(form, 'TimeLimit', 1, 86_400, () => callErrors.invalidParameter('TimeLimit')) ?? 14_400;

	if (to === MAGIC_CALL_TO.unroutable) throw callErrors.unroutable(to);
	if (to === MAGIC_CALL_TO.noInternational) throw callErrors.noInternational(to);
	if (to === MAGIC_CALL_TO.blocked) throw callErrors.blocked(to);
	if (account.type === 'Trial' && !account.verifiedCallerIds.includes(to)) throw callErrors.trialUnverified(to);

	const outcome: CallOutcome =
		to === MAGIC_CALL_TO.busy ? 'busy' : to === MAGIC_CALL_TO.noAnswer ? 'no-answer' : to === MAGIC_CALL_TO.failed ? 'failed' : 'completed';
	return {
		accountSid: account.sid,
		to,
		from,
		source,
		twiml: source.kind === 'twiml' ? twiml! : null,
		statusCallback,
		statusCallbackMethod,
		statusCallbackEvents: [...new Set(events)],
		timeout,
		record: recordRaw === 'true',
		recordingStatusCallback,
		recordingStatusCallbackMethod,
		recordingStatusCallbackEvents: [...new Set(recordingEvents)],
		recordingChannels: channelsRaw === 'dual' ? 2 : 1,
		machineDetection,
		machineDetectionTimeout,
		sendDigits,
		callerId,
		asyncAmd: asyncAmdRaw === 'true',
		asyncAmdStatusCallback,
		asyncAmdStatusCallbackMethod,
		timeLimit,
		form,
		outcome,
		machine: to === MAGIC_CALL_TO.machine,
	};
}
