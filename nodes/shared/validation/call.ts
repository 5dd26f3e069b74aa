/**
 * The Voice Message and Outbound Call inputs: raw node parameters in, twilio SDK `calls.create`
 * params out. The options both nodes share (numbers, callbacks, ring timeout, answering machine
 * detection, recording) are checked by one function; each node adds its own call instructions.
 * Every problem of an item is reported at once, before any request is sent.
 */
import type { CallListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/call';
import { z } from 'zod';
import { buildVoiceMessageTwiml, demoTwiml, type AudioPlacement } from '../twilio/twiml';
import { languageName, voiceInfo } from '../twilio/voices';
import { boundedInt, callbackUrl, httpUrl, isBlank, sid } from './common';
import { addProblem, parseField, type Ctx } from './issues';
import { E164_FIX, normalizePhone, phoneProblem } from './phone';
import { checkTwiml } from './twiml';
import { xmlTextProblem } from './xml';

export type CallCreateParams = Pick<
	CallListInstanceCreateOptions,
	| 'to'
	| 'from'
	| 'twiml'
	| 'url'
	| 'method'
	| 'applicationSid'
	| 'statusCallback'
	| 'statusCallbackEvent'
	| 'statusCallbackMethod'
	| 'timeout'
	| 'record'
	| 'recordingStatusCallback'
	| 'recordingStatusCallbackMethod'
	| 'recordingStatusCallbackEvent'
	| 'machineDetection'
	| 'machineDetectionTimeout'
	| 'sendDigits'
	| 'callerId'
>;

export const CALL_STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export const RECORDING_STATUS_EVENTS = ['in-progress', 'completed', 'absent'] as const;
export const MACHINE_DETECTION_MODES = ['Enable', 'DetectMessageEnd'] as const;
export const MAX_LOOP = 10;
export const MAX_PAUSE_SECONDS = 60;
export const MAX_RING_TIMEOUT = 600;
// Twilio's AMD window: 3 to 59 seconds (default 30).
export const MACHINE_DETECTION_TIMEOUT = { min: 3, max: 59 };
// DTMF keys, A-D, and w/W (wait half a second / a second), at most 32 as the API documents.
const SEND_DIGITS = /^[0-9A-D#*wW]{1,32}$/;

export const CALL_LABELS: Record<string, string> = {
	to: 'To',
	from: 'From',
	statusCallback: 'Status Callback URL',
	statusCallbackEvents: 'Status Callback Events',
	timeout: 'Timeout',
	record: 'Record',
	recordingStatusCallback: 'Recording Status Callback URL',
	recordingStatusCallbackEvent: 'Recording Status Callback Events',
	machineDetection: 'Machine Detection',
	machineDetectionTimeout: 'Machine Detection Timeout',
	sendDigits: 'Send Digits',
	callerId: 'Caller ID',
	message: 'Message',
	voice: 'Voice',
	language: 'Language',
	loop: 'Loop',
	pauseSeconds: 'Pause Between Loops',
	audioUrl: 'Audio URL',
	audioPlacement: 'Play Audio',
	acknowledgePrompt: 'Acknowledge Prompt',
	acknowledgeUrl: 'Acknowledge URL',
	acknowledgeTimeout: 'Acknowledge Timeout',
	acknowledgeAttempts: 'Attempts',
	instructions: 'Call Instructions',
	url: 'TwiML URL',
	method: 'Method',
	twiml: 'TwiML',
	applicationSid: 'Application SID',
};

const text = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string());
const present = <T>(v: T | undefined): v is T => !isBlank(v);

const callOptions = {
	to: text.optional(),
	from: text.optional(),
	statusCallback: z.string().optional(),
	statusCallbackEvents: z.array(z.string()).optional(),
	timeout: z.unknown().optional(),
	record: z.boolean().optional(),
	recordingStatusCallback: z.string().optional(),
	recordingStatusCallbackEvent: z.array(z.string()).optional(),
	machineDetection: z.string().optional(),
	machineDetectionTimeout: z.unknown().optional(),
	sendDigits: z.string().optional(),
	callerId: text.optional(),
};
const callOptionsObject = z.object(callOptions);
type CallOptionsInput = z.output<typeof callOptionsObject>;

function phone(ctx: Ctx, raw: string | undefined, field: string, required: { message: string; fix: string } | null): string | undefined {
	if (!present(raw)) {
		if (required) addProblem(ctx, { path: [field], ...required });
		return undefined;
	}
	const e164 = normalizePhone(raw);
	if (e164 === undefined) addProblem(ctx, { path: [field], message: phoneProblem(raw) ?? 'not a phone number in E.164 format', fix: E164_FIX });
	return e164;
}

/** Numbers, callbacks, ring timeout, AMD, recording and digits: what every outbound call may carry. */
function buildCallOptions(ctx: Ctx, raw: CallOptionsInput): Omit<CallCreateParams, 'twiml' | 'url' | 'method' | 'applicationSid'> {
	const to = phone(ctx, raw.to, 'to', { message: 'a number to call is required', fix: 'Enter the number to call in international format, e.g. +14155550123' });
	const from = phone(ctx, raw.from, 'from', {
		message: 'a caller number is required',
		fix: "Pick one of your Twilio numbers in From, or set a Default From Number in the Twilio credential",
	});
	const out: Omit<CallCreateParams, 'twiml' | 'url' | 'method' | 'applicationSid'> = { to: to ?? '', from: from ?? '' };

	const events = (raw.statusCallbackEvents ?? []).filter((e) => !isBlank(e));
	if (present(raw.statusCallback)) {
		const url = parseField(ctx, callbackUrl, raw.statusCallback, ['statusCallback']);
		if (url !== undefined) out.statusCallback = url;
	} else if (events.length > 0) {
		addProblem(ctx, {
			path: ['statusCallbackEvents'],
			message: 'events are chosen but there is no Status Callback URL to send them to',
			fix: 'Set a Status Callback URL (e.g. a Twilio Trigger URL), or clear the events',
		});
	}
	const unknown = events.filter((e) => !(CALL_STATUS_EVENTS as readonly string[]).includes(e));
	if (unknown.length > 0) {
		addProblem(ctx, {
			path: ['statusCallbackEvents'],
			message: `has unknown event${unknown.length > 1 ? 's' : ''} ${unknown.map((e) => JSON.stringify(e)).join(', ')}`,
			fix: `Use any of ${CALL_STATUS_EVENTS.join(', ')}`,
		});
	} else if (events.length > 0 && out.statusCallback) {
		out.statusCallbackEvent = [...new Set(events)];
		out.statusCallbackMethod = 'POST';
	}

	if (present(raw.timeout)) {
		const timeout = parseField(ctx, boundedInt(1, MAX_RING_TIMEOUT, 'seconds of ringing'), raw.timeout, ['timeout']);
		if (timeout !== undefined) out.timeout = timeout;
	}
	if (raw.record === true) out.record = true;
	if (present(raw.recordingStatusCallback)) {
		const url = parseField(ctx, callbackUrl, raw.recordingStatusCallback, ['recordingStatusCallback']);
		if (raw.record !== true) {
			addProblem(ctx, {
				path: ['recordingStatusCallback'],
				message: 'is set but the call is not recorded',
				fix: 'Turn on Record, or clear the Recording Status Callback URL',
			});
		} else if (url !== undefined) {
			out.recordingStatusCallback = url;
			out.recordingStatusCallbackMethod = 'POST';
		}
	}
	const recordingEvents = (raw.recordingStatusCallbackEvent ?? []).filter((e) => !isBlank(e));
	const unknownRecordingEvents = recordingEvents.filter((e) => !(RECORDING_STATUS_EVENTS as readonly string[]).includes(e));
	if (unknownRecordingEvents.length > 0) {
		addProblem(ctx, {
			path: ['recordingStatusCallbackEvent'],
			message: `has unknown event${unknownRecordingEvents.length > 1 ? 's' : ''} ${unknownRecordingEvents.map((e) => JSON.stringify(e)).join(', ')}`,
			fix: `Use any of ${RECORDING_STATUS_EVENTS.join(', ')}`,
		});
	} else if (!present(raw.recordingStatusCallback) && recordingEvents.length > 0 && recordingEvents.join() !== 'completed') {
		// Completed alone is the option's default: adding the option without a URL is harmless then.
		addProblem(ctx, {
			path: ['recordingStatusCallbackEvent'],
			message: 'events are chosen but there is no Recording Status Callback URL to send them to',
			fix: 'Set a Recording Status Callback URL (e.g. a Twilio Comms Trigger URL), or remove the events',
		});
	} else if (recordingEvents.length > 0 && out.recordingStatusCallback) {
		out.recordingStatusCallbackEvent = [...new Set(recordingEvents)];
	}

	if (present(raw.machineDetection)) {
		if ((MACHINE_DETECTION_MODES as readonly string[]).includes(raw.machineDetection)) out.machineDetection = raw.machineDetection;
		else
			addProblem(ctx, {
				path: ['machineDetection'],
				message: 'is not a detection mode',
				fix: 'Use Enable (know who answered) or DetectMessageEnd (start after the voicemail beep)',
			});
	}
	if (present(raw.machineDetectionTimeout) && present(raw.machineDetection)) {
		const { min, max } = MACHINE_DETECTION_TIMEOUT;
		const t = parseField(ctx, boundedInt(min, max, 'seconds'), raw.machineDetectionTimeout, ['machineDetectionTimeout']);
		if (t !== undefined) out.machineDetectionTimeout = t;
	}

	if (present(raw.sendDigits)) {
		const digits = raw.sendDigits.trim();
		if (SEND_DIGITS.test(digits)) out.sendDigits = digits;
		else
			addProblem(ctx, {
				path: ['sendDigits'],
				message: digits.length > 32 ? 'has more than 32 keys' : 'contains characters other than 0-9, #, *, A-D and w/W',
				fix: 'Use only keypad keys and w (wait 0.5 s) or W (wait 1 s), e.g. ww1234#',
			});
	}
	const callerId = phone(ctx, raw.callerId, 'callerId', null);
	if (callerId !== undefined) out.callerId = callerId;
	return out;
}

// ---- Voice Message --------------------------------------------------------------------------

const voiceMessageInput = z.object({
	...callOptions,
	message: z.string().optional(),
	voice: z.string().optional(),
	language: z.string().optional(),
	loop: z.unknown().optional(),
	pauseSeconds: z.unknown().optional(),
	audioUrl: z.string().optional(),
	audioPlacement: z.string().optional(),
	acknowledge: z.boolean().optional(),
	acknowledgePrompt: z.string().optional(),
	acknowledgeUrl: z.string().optional(),
	acknowledgeTimeout: z.unknown().optional(),
	acknowledgeAttempts: z.unknown().optional(),
});
export type VoiceMessageInput = z.input<typeof voiceMessageInput>;

export interface VoiceMessageRequest {
	params: CallCreateParams & { twiml: string };
	twiml: string;
}

/** How many times Call and Wait plays the message and asks for the key before it hangs up. */
export const MAX_ACKNOWLEDGE_ATTEMPTS = 5;

export const DEFAULT_ACKNOWLEDGE_PROMPT = 'Press any key to confirm you received this message.';

function checkVoice(ctx: Ctx, voiceRaw: string | undefined, languageRaw: string | undefined): { voice: string; language?: string } | undefined {
	const voice = present(voiceRaw) ? voiceRaw.trim() : 'alice';
	const info = voiceInfo(voice);
	if (!info) {
		addProblem(ctx, {
			path: ['voice'],
			message: 'is not a voice Twilio offers',
			fix: 'Use alice, man, woman, a Polly voice such as Polly.Joanna or Polly.Amy-Neural, or a Google voice such as Google.en-US-Neural2-F',
		});
		return undefined;
	}
	if (!present(languageRaw)) return { voice };
	const language = languageRaw.trim();
	const match = info.languages.find((l) => l.toLowerCase() === language.toLowerCase());
	if (match) return { voice, language: match };
	const list = info.languages.length > 6 ? `${info.languages.slice(0, 6).join(', ')}…` : info.languages.join(', ');
	addProblem(ctx, {
		path: ['language'],
		message: `is not spoken by the voice ${voice} (it speaks ${list})`,
		fix: `Clear Language to use the voice's own (${languageName(info.languages[0])}), or pick a voice for ${languageName(language)}`,
	});
	return undefined;
}

/**
 * Text the TwiML will carry, checked as it will be written: the SDK's XML builder otherwise throws a
 * bare "Invalid character in string" on a control character, naming neither field nor item.
 */
function textForTwiml(ctx: Ctx, field: string, value: string | undefined): void {
	const problem = value === undefined ? undefined : xmlTextProblem(value);
	if (problem) addProblem(ctx, { path: [field], ...problem });
}

export const voiceMessageSchema = voiceMessageInput.transform((raw, ctx): VoiceMessageRequest => {
	const before = ctx.issues.length;
	const common = buildCallOptions(ctx, raw);
	const voice = checkVoice(ctx, raw.voice, raw.language);
	const loop = present(raw.loop) ? parseField(ctx, boundedInt(1, MAX_LOOP, 'times'), raw.loop, ['loop']) : 1;
	const pauseSeconds = present(raw.pauseSeconds)
		? parseField(ctx, boundedInt(0, MAX_PAUSE_SECONDS, 'seconds'), raw.pauseSeconds, ['pauseSeconds'])
		: 0;

	const audioUrl = present(raw.audioUrl) ? parseField(ctx, httpUrl, raw.audioUrl, ['audioUrl']) : undefined;
	const placement: AudioPlacement = raw.audioPlacement === 'instead' ? 'instead' : 'before';
	const message = raw.message ?? '';
	const speaks = !(present(raw.audioUrl) && placement === 'instead');
	if (speaks && message.trim() === '') {
		addProblem(ctx, {
			path: ['message'],
			message: 'a message to read out is required',
			fix: 'Enter the text to speak, or set an Audio URL played instead of speech',
		});
	}

	let acknowledge: { prompt: string; action: string; timeoutSeconds: number; attempts: number } | undefined;
	if (raw.acknowledge === true) {
		const target = present(raw.acknowledgeUrl) ? raw.acknowledgeUrl : raw.statusCallback;
		const action = present(target) ? parseField(ctx, callbackUrl, target, [present(raw.acknowledgeUrl) ? 'acknowledgeUrl' : 'statusCallback']) : undefined;
		if (!present(target)) {
			addProblem(ctx, {
				path: ['acknowledgeUrl'],
				message: 'a URL to receive the key press is required',
				fix: 'Set an Acknowledge URL (e.g. a Twilio Trigger URL) or a Status Callback URL; Twilio POSTs the pressed digit there',
			});
		}
		const timeoutSeconds = present(raw.acknowledgeTimeout)
			? parseField(ctx, boundedInt(1, 60, 'seconds'), raw.acknowledgeTimeout, ['acknowledgeTimeout'])
			: 5;
		const prompt = present(raw.acknowledgePrompt) ? raw.acknowledgePrompt.trim() : DEFAULT_ACKNOWLEDGE_PROMPT;
		textForTwiml(ctx, 'acknowledgePrompt', prompt);
		textForTwiml(ctx, present(raw.acknowledgeUrl) ? 'acknowledgeUrl' : 'statusCallback', action);
		const attempts = present(raw.acknowledgeAttempts)
			? parseField(ctx, boundedInt(1, MAX_ACKNOWLEDGE_ATTEMPTS, 'attempts'), raw.acknowledgeAttempts, ['acknowledgeAttempts'])
			: 1;
		if (action !== undefined && timeoutSeconds !== undefined && attempts !== undefined) acknowledge = { prompt, action, timeoutSeconds, attempts };
	}
	if (speaks) textForTwiml(ctx, 'message', message);
	textForTwiml(ctx, 'audioUrl', audioUrl);
	if (ctx.issues.length > before || !voice || loop === undefined || pauseSeconds === undefined) return z.NEVER;

	const twiml = buildVoiceMessageTwiml({
		message: speaks ? message : '',
		voice: voice.voice,
		language: voice.language,
		loop,
		pauseSeconds,
		audioUrl,
		audioPlacement: placement,
		acknowledge,
	});
	const check = checkTwiml(twiml);
	if (!check.ok) {
		addProblem(ctx, {
			path: ['message'],
			message: `makes call instructions (TwiML) that ${check.message.replace(/^is /, 'are ')}`,
			fix:
				loop > 1 && pauseSeconds > 0
					? 'Shorten the message, lower Loop, or set Pause Between Loops to 0 (the message is then repeated with one loop attribute)'
					: 'Shorten the message, or lower Loop',
		});
		return z.NEVER;
	}
	return { params: { ...common, twiml }, twiml };
});

// ---- Outbound Call --------------------------------------------------------------------------

export const CALL_INSTRUCTIONS = ['demo', 'url', 'twiml', 'application'] as const;
export type CallInstructions = (typeof CALL_INSTRUCTIONS)[number];

const outboundCallInput = z.object({
	...callOptions,
	instructions: z.enum(CALL_INSTRUCTIONS),
	url: z.string().optional(),
	method: z.string().optional(),
	twiml: z.string().optional(),
	applicationSid: z.string().optional(),
});
export type OutboundCallInput = z.input<typeof outboundCallInput>;

export interface OutboundCallRequest {
	params: CallCreateParams;
	/** The inline TwiML sent (demo or user TwiML); null when Twilio fetches it from a URL or an application. */
	twiml: string | null;
}

export const outboundCallSchema = outboundCallInput.transform((raw, ctx): OutboundCallRequest => {
	const before = ctx.issues.length;
	const params: CallCreateParams = buildCallOptions(ctx, raw);
	let twiml: string | null = null;
	const required = (field: string, what: string, fix: string) => addProblem(ctx, { path: [field], message: `${what} is required for these call instructions`, fix });

	switch (raw.instructions) {
		case 'demo':
			twiml = demoTwiml();
			params.twiml = twiml;
			break;
		case 'url': {
			if (!present(raw.url)) required('url', 'a TwiML URL', 'Enter the http(s) URL that returns TwiML for the call, e.g. a TwiML Bin URL');
			else {
				const url = parseField(ctx, httpUrl, raw.url, ['url']);
				if (url !== undefined) params.url = url;
			}
			const method = present(raw.method) ? raw.method.trim().toUpperCase() : 'POST';
			if (method !== 'GET' && method !== 'POST') addProblem(ctx, { path: ['method'], message: 'must be GET or POST', fix: 'Choose GET or POST' });
			else params.method = method;
			break;
		}
		case 'twiml': {
			const text = (raw.twiml ?? '').trim();
			const check = checkTwiml(text);
			if (check.ok) {
				twiml = text;
				params.twiml = text;
			} else addProblem(ctx, { path: ['twiml'], message: check.message, fix: check.fix });
			break;
		}
		case 'application':
			if (!present(raw.applicationSid)) required('applicationSid', 'an Application SID', 'Enter the SID of a TwiML App (AP followed by 32 hex characters)');
			else {
				const ap = parseField(ctx, sid('AP'), raw.applicationSid, ['applicationSid']);
				if (ap !== undefined) params.applicationSid = ap;
			}
			break;
	}
	if (ctx.issues.length > before) return z.NEVER;
	return { params, twiml };
});
