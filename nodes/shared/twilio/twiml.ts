/**
 * Call TwiML built with the twilio SDK's VoiceResponse, so user text always goes through its XML
 * escaping and no document is ever assembled by string concatenation.
 */
import MessagingResponse from 'twilio/lib/twiml/MessagingResponse';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';

export type AudioPlacement = 'before' | 'instead';

export interface VoiceMessageTwiml {
	/** Spoken with <Say>; empty when the audio replaces the speech. */
	message: string;
	voice: string;
	/** Omitted from <Say> when empty, so the voice speaks its own language. */
	language?: string;
	/** How many times the message is played, 1 to 10. */
	loop: number;
	/** Seconds of silence between repetitions; 0 for none. */
	pauseSeconds: number;
	audioUrl?: string;
	audioPlacement?: AudioPlacement;
	/** Ask the callee to press a key; the digit is POSTed to `action`. With no key, ask again, `attempts` times in all. */
	acknowledge?: { prompt: string; action: string; timeoutSeconds: number; attempts?: number };
}

type Container = Pick<VoiceResponse, 'say' | 'play' | 'pause'>;
// The SDK types voices and languages as closed unions; ours are checked against voices.ts instead.
type SayAttributes = VoiceResponse.SayAttributes;
type SayVoice = NonNullable<SayAttributes['voice']>;
type SayLanguage = NonNullable<SayAttributes['language']>;

function addSpeech(target: Container, t: VoiceMessageTwiml, loop: number): void {
	const sayAttributes: SayAttributes = { voice: t.voice as SayVoice };
	if (t.language) sayAttributes.language = t.language as SayLanguage;
	const audioFirst = t.audioUrl !== undefined;
	const speech = t.audioPlacement !== 'instead' && t.message !== '';
	if (loop > 1) {
		// One verb can repeat itself with loop="N"; that keeps long messages under the 4,000-character limit.
		if (audioFirst && !speech) target.play({ loop }, t.audioUrl!);
		else target.say({ ...sayAttributes, loop }, t.message);
		return;
	}
	if (audioFirst) target.play({}, t.audioUrl!);
	if (speech) target.say(sayAttributes, t.message);
}

/** True when each repetition needs its own verbs: a pause between them, or audio followed by speech. */
function needsUnrolledLoop(t: VoiceMessageTwiml): boolean {
	const both = t.audioUrl !== undefined && t.audioPlacement !== 'instead' && t.message !== '';
	return t.loop > 1 && (t.pauseSeconds > 0 || both);
}

function addMessage(target: Container, t: VoiceMessageTwiml): void {
	if (!needsUnrolledLoop(t)) {
		addSpeech(target, t, t.loop);
		return;
	}
	for (let i = 0; i < t.loop; i++) {
		if (i > 0 && t.pauseSeconds > 0) target.pause({ length: t.pauseSeconds });
		addSpeech(target, t, 1);
	}
}

export function buildVoiceMessageTwiml(t: VoiceMessageTwiml): string {
	const response = new VoiceResponse();
	if (!t.acknowledge) {
		addMessage(response, t);
		return response.toString();
	}
	const promptAttributes: SayAttributes = { voice: t.voice as SayVoice };
	if (t.language) promptAttributes.language = t.language as SayLanguage;
	// The message plays inside <Gather> so a key press at any moment ends it and acknowledges. Without
	// input Twilio goes on to the next <Gather>, and after the last one the document ends: it hangs up.
	for (let attempt = 0; attempt < (t.acknowledge.attempts ?? 1); attempt++) {
		const gather = response.gather({
			input: ['dtmf'],
			numDigits: 1,
			timeout: t.acknowledge.timeoutSeconds,
			action: t.acknowledge.action,
			method: 'POST',
			actionOnEmptyResult: false,
		});
		addMessage(gather, t);
		gather.say(promptAttributes, t.acknowledge.prompt);
	}
	return response.toString();
}

/** A wrong key during Call and Wait: say so inside one more <Gather>; silence after it ends the call. */
export function gatherAgainTwiml(t: { text: string; voice: string; action: string; timeoutSeconds: number }): string {
	const response = new VoiceResponse();
	const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: t.timeoutSeconds, action: t.action, method: 'POST', actionOnEmptyResult: false });
	gather.say({ voice: t.voice as SayVoice }, t.text);
	return response.toString();
}

/** What the Outbound Call node sends when no instructions are configured: a first call works with no set-up. */
export function demoTwiml(): string {
	const response = new VoiceResponse();
	response.say(
		{ voice: 'Polly.Joanna' },
		'Hello! This is a test call from your n8n workflow, placed through Twilio. Your Outbound Call node works. Goodbye.',
	);
	return response.toString();
}

/**
 * Answers to Twilio's inbound webhooks (the Twilio Trigger). Messaging TwiML comes from the SDK's
 * MessagingResponse and call TwiML from VoiceResponse, so user text is always XML-escaped.
 */
/** `<Response/>`: Twilio does nothing more (no reply SMS; for a call, it hangs up). */
export function emptyTwiml(): string {
	return new MessagingResponse().toString();
}

/** One `<Message>` reply; an empty text (and no media) means no reply at all. */
export function messagingReplyTwiml(text: string, mediaUrls: string[] = []): string {
	const response = new MessagingResponse();
	if (text === '' && mediaUrls.length === 0) return response.toString();
	if (mediaUrls.length === 0) {
		response.message(text);
		return response.toString();
	}
	// With media the text goes in <Body> beside each <Media>, the nested form Twilio documents.
	const message = response.message('');
	if (text !== '') message.body(text);
	for (const url of mediaUrls) message.media(url);
	return response.toString();
}

export type VoiceReply =
	| { kind: 'say'; text: string; voice: string; language?: string }
	| { kind: 'dial'; number: string; callerId?: string; timeoutSeconds?: number }
	| { kind: 'reject'; reason: 'rejected' | 'busy' };

export function voiceReplyTwiml(reply: VoiceReply): string {
	const response = new VoiceResponse();
	if (reply.kind === 'say') {
		const attributes: SayAttributes = { voice: reply.voice as SayVoice };
		if (reply.language) attributes.language = reply.language as SayLanguage;
		response.say(attributes, reply.text);
	} else if (reply.kind === 'dial') {
		const attributes: VoiceResponse.DialAttributes = {};
		if (reply.callerId) attributes.callerId = reply.callerId;
		if (reply.timeoutSeconds) attributes.timeout = reply.timeoutSeconds;
		response.dial(attributes, reply.number);
	} else {
		response.reject({ reason: reply.reason });
	}
	return response.toString();
}
