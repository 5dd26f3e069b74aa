/**
 * What Twilio's request is about, and the flat item the trigger outputs for it. Twilio sends every
 * kind of webhook to the same kind of URL, so the event is read from the parameters it carries.
 */
import type { IDataObject } from 'n8n-workflow';
import type { TwilioParams } from '../shared/twilio/webhookRequest';

export type { TwilioParams };

export type TriggerEvent = 'incomingSms' | 'incomingCall' | 'messageStatus' | 'callStatus' | 'recordingCompleted';

export const EVENT_LABELS: Record<TriggerEvent, string> = {
	incomingSms: 'incoming SMS/MMS',
	incomingCall: 'incoming call',
	messageStatus: 'message status callback',
	callStatus: 'call status callback',
	recordingCompleted: 'recording status callback',
};

export function param(params: TwilioParams, key: string): string {
	const v = params[key];
	return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * - A recording status callback carries RecordingSid and RecordingStatus, and also CallSid, so it is
 *   told apart first. Only `completed` is the Recording Completed event; `in-progress` and `absent`
 *   (sent when asked for) are not. A <Record> or <Dial record> action carries RecordingSid but no
 *   RecordingStatus: it is about the call, as before.
 * - A message status callback carries MessageStatus; an inbound message carries SmsStatus=received
 *   (or Body) and no MessageStatus.
 * - A call status callback carries CallbackSource (call-progress-events); a <Gather> action carries
 *   Digits. An incoming call's own webhook has neither.
 */
export function classify(params: TwilioParams): TriggerEvent | undefined {
	if (param(params, 'RecordingSid') && param(params, 'RecordingStatus')) {
		return param(params, 'RecordingStatus') === 'completed' ? 'recordingCompleted' : undefined;
	}
	if (param(params, 'CallSid')) {
		if (param(params, 'CallbackSource') || param(params, 'Digits') || param(params, 'SpeechResult')) return 'callStatus';
		const status = param(params, 'CallStatus');
		// Twilio asks for an incoming call's TwiML while it rings; anything later is about the call's progress.
		if (status === '' || status === 'ringing' || status === 'queued') return 'incomingCall';
		return 'callStatus';
	}
	if (param(params, 'MessageSid') || param(params, 'SmsSid')) {
		if (param(params, 'MessageStatus')) return 'messageStatus';
		return 'incomingSms';
	}
	return undefined;
}

/**
 * The key of "the same event": Twilio retries a delivery with the same I-Twilio-Idempotency-Token,
 * and a status callback for one status of one SID is never legitimately sent twice.
 */
export function dedupeKey(event: TriggerEvent, params: TwilioParams, idempotencyToken: string | undefined): string {
	if (idempotencyToken) return `t:${idempotencyToken}`;
	switch (event) {
		case 'incomingSms':
			return `m:${param(params, 'MessageSid') || param(params, 'SmsSid')}`;
		case 'messageStatus':
			return `m:${param(params, 'MessageSid') || param(params, 'SmsSid')}:${param(params, 'MessageStatus')}`;
		case 'incomingCall':
			return `c:${param(params, 'CallSid')}`;
		case 'callStatus':
			return `c:${param(params, 'CallSid')}:${param(params, 'CallStatus')}:${param(params, 'SequenceNumber')}:${param(params, 'Digits')}`;
		case 'recordingCompleted':
			return `r:${param(params, 'RecordingSid')}:${param(params, 'RecordingStatus')}`;
	}
}

function media(params: TwilioParams): Array<{ url: string; contentType: string }> {
	const n = Math.min(10, Math.max(0, Number.parseInt(param(params, 'NumMedia') || '0', 10) || 0));
	const out: Array<{ url: string; contentType: string }> = [];
	for (let i = 0; i < n; i++) {
		const url = param(params, `MediaUrl${i}`);
		if (url) out.push({ url, contentType: param(params, `MediaContentType${i}`) });
	}
	return out;
}

const orNull = (s: string): string | null => (s === '' ? null : s);

function rawOf(params: TwilioParams): IDataObject {
	const raw: IDataObject = {};
	for (const [k, v] of Object.entries(params)) if (v !== undefined) raw[k] = v;
	return raw;
}

const intOrNull = (s: string): number | null => (/^-?\d+$/.test(s) ? Number(s) : null);

/** Twilio writes RecordingStartTime as RFC 2822; ISO is what n8n's date handling expects. */
function isoOrNull(s: string): string | null {
	const t = s === '' ? NaN : Date.parse(s);
	return Number.isNaN(t) ? orNull(s) : new Date(t).toISOString();
}

/**
 * A recording has its own fields: none of the message or call fields (from, to, body…) apply. The
 * RecordingUrl has no extension; Twilio serves .mp3 and .wav from it (with the account's credentials).
 */
function recordingOutput(params: TwilioParams): IDataObject {
	const p = (k: string) => param(params, k);
	const url = p('RecordingUrl');
	const errorCode = intOrNull(p('ErrorCode'));
	return {
		event: 'recordingCompleted',
		recordingSid: p('RecordingSid'),
		callSid: orNull(p('CallSid')),
		accountSid: orNull(p('AccountSid')),
		status: p('RecordingStatus'),
		duration: intOrNull(p('RecordingDuration')),
		channels: intOrNull(p('RecordingChannels')),
		source: orNull(p('RecordingSource')),
		track: orNull(p('RecordingTrack')),
		startTime: isoOrNull(p('RecordingStartTime')),
		recordingUrl: orNull(url),
		mediaUrl: url ? `${url}.mp3` : null,
		mediaUrlWav: url ? `${url}.wav` : null,
		// Twilio sends ErrorCode=0 when nothing went wrong.
		errorCode: errorCode ? errorCode : null,
		raw: rawOf(params),
	};
}

/** One flat item: the fields people map most, null where the event has none, and every parameter in `raw`. */
export function toOutput(event: TriggerEvent, params: TwilioParams): IDataObject {
	if (event === 'recordingCompleted') return recordingOutput(params);
	const p = (k: string) => param(params, k);
	const errorCode = p('ErrorCode');
	const raw = rawOf(params);
	return {
		event,
		from: orNull(p('From')),
		to: orNull(p('To')),
		body: event === 'incomingSms' ? p('Body') : null,
		messageSid: orNull(p('MessageSid') || p('SmsSid')),
		accountSid: orNull(p('AccountSid')),
		numMedia: event === 'incomingSms' ? Number.parseInt(p('NumMedia') || '0', 10) || 0 : 0,
		media: event === 'incomingSms' ? media(params) : [],
		fromCity: orNull(p('FromCity')),
		fromState: orNull(p('FromState')),
		fromCountry: orNull(p('FromCountry')),
		callSid: orNull(p('CallSid')),
		callStatus: orNull(p('CallStatus')),
		digits: orNull(p('Digits')),
		messageStatus: orNull(p('MessageStatus')),
		errorCode: errorCode && /^\d+$/.test(errorCode) ? Number(errorCode) : null,
		raw,
	};
}
