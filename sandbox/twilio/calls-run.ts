/**
 * A call to a number with a callee script, run the way Twilio runs a call: it rings, is answered
 * (or not), and the TwiML is followed verb by verb while the scripted callee listens, presses keys
 * or hangs up. <Gather> posts the keys to its action and plays what that returns; <Redirect>
 * fetches the next document; a failed or unreadable answer is "an application error" and the end
 * of the call. Every wait is a timer of the sandbox's lifecycle scheduler, in "call seconds" of
 * `script.secondMs`, so reset() and close() stop a call wherever it is, and TimeLimit ends it.
 *
 * Behaviour from Twilio's docs (TwiML <Gather>, <Say>, <Play>, <Pause>, <Redirect>, <Hangup>;
 * Calls resource: Timeout, TimeLimit, MachineDetection, AsyncAmd). Where the docs are silent the
 * choice is marked "ours" here and in sandbox/README.md.
 */
import type { Element } from '@xmldom/xmldom';
import type { SandboxCore } from '../core';
import { toFormParams, type FormParams } from '../form';
import type { HttpCallbackMethod } from '../state';
import { isDelivered, logDelivery, type WebhookSubject } from '../webhook-log';
import type { WebhookResult } from '../webhooks';
import { pressAt, type CalleeScript } from './callee';
import { callParams, setStatus } from './calls-lifecycle';
import { PRICE_PER_MINUTE, type AnsweredBy, type CallRecord, type CallStatus, type HeardVerb, type TwimlExchange } from './calls-state';
import { attributes, describeVerb, int, readCallDocument } from './calls-twiml';
import { attribute, childElements } from './xml';

type Wake = 'time' | 'press' | 'hangup';
interface TwimlDocument {
	/** Where it came from: relative URLs and a <Gather> without action resolve against it (null for inline Twiml). */
	url: string | null;
	verbs: Element[];
}
type Flow = 'next' | 'end' | { next: TwimlDocument };
type GatherHeard = Extract<HeardVerb, { verb: 'Gather' }>;
type Prompt = Extract<HeardVerb, { verb: 'Say' | 'Play' | 'Pause' }>;

/** What Twilio says before hanging up when the application fails (its debugger gets the error code). */
export const APPLICATION_ERROR = 'We are sorry, an application error has occurred. Goodbye.';
/** A text-to-speech voice reads about 150 words a minute. */
const SAY_WORDS_PER_SECOND = 2.5;
/** Ours: the sandbox never downloads audio, so each <Play> lasts this many call seconds. */
const PLAY_SECONDS = 5;
/** loop="0" means "until the call ends"; this bounds it, TimeLimit bounds the call. */
const ENDLESS_LOOPS = 1000;
const GATHER_TIMEOUT_SECONDS = 5;
/** Twilio reads these answers as TwiML; audio is played; anything else is 12300. */
const TWIML_TYPES = new Set(['text/xml', 'application/xml', 'text/html']);

export function runScriptedCall(core: SandboxCore, call: CallRecord, script: CalleeScript, progress: () => void): void {
	new ScriptedCall(core, call, script, progress).start();
}

function isPrompt(h: HeardVerb): h is Prompt {
	return h.verb === 'Say' || h.verb === 'Play' || h.verb === 'Pause';
}

/** A relative URL resolves against the document's own; only http(s) can be requested. */
function resolveUrl(target: string | null, base: string | null): string | null {
	const ref = target === null || target.trim() === '' ? base : target.trim();
	if (!ref) return null;
	try {
		const url = new URL(ref, base ?? undefined);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
	} catch {
		return null;
	}
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A TwiML answer as Twilio takes it: TwiML by content type, audio as something to play, else an error. */
function readAnswer(result: WebhookResult, url: string): { doc: TwimlDocument | null; error: string | null } {
	if (!isDelivered(result)) return { doc: null, error: `11200 HTTP retrieval failure: ${result.status ?? result.error}` };
	const type = (result.contentType ?? '').split(';')[0].trim().toLowerCase();
	let text = result.body;
	if (type.startsWith('audio/')) text = `<Response><Play>${escapeXml(url)}</Play></Response>`;
	else if (type !== '' && !TWIML_TYPES.has(type)) return { doc: null, error: `12300 Invalid Content-Type: ${type}` };
	const read = readCallDocument(text);
	return read.ok ? { doc: { url, verbs: read.verbs }, error: null } : { doc: null, error: read.error };
}

class ScriptedCall {
	private readonly generation: number;
	private readonly timers = new Set<() => void>();
	private waiter: ((wake: Wake) => void) | null = null;
	private hungUp = false;
	private finished = false;
	private answeredAt = 0;
	/** <Gather>s reached so far: the index into the script's presses. */
	private gathers = 0;
	/** The <Gather> listening now (0: none), and the keys pressed while it listens. */
	private listening = 0;
	private keys: string | null = null;

	constructor(
		private readonly core: SandboxCore,
		private readonly call: CallRecord,
		private readonly script: CalleeScript,
		private readonly progress: () => void,
	) {
		this.generation = core.store.generation;
	}

	start(): void {
		this.progress();
		const { script, call } = this;
		this.after(this.core.statusStepMs, () => {
			if (script.answer === 'failed') return this.unanswered('failed');
			setStatus(call, 'ringing');
			this.progress();
			if (script.answer === 'no-answer') {
				// Twilio gives up on a call nobody answered within Timeout seconds; a script may end it sooner.
				const timeoutMs = this.seconds(call.timeout);
				this.after(Math.min(script.afterMs ?? timeoutMs, timeoutMs), () => this.unanswered('no-answer'));
				return;
			}
			// The script's ring time is taken as given (in wall-clock ms, not call seconds): a test that
			// makes the callee slow wants it slow, whatever the pace of the call's seconds.
			this.after(script.afterMs ?? this.core.statusStepMs, () => {
				if (script.answer === 'busy') return this.unanswered('busy');
				void this.answer().catch((err: unknown) => this.core.log(`call ${call.sid}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
			});
		});
	}

	private alive(): boolean {
		return this.core.store.generation === this.generation && !this.finished;
	}

	private seconds(n: number): number {
		return n * this.script.secondMs;
	}

	/** A lifecycle timer that dies with the call (and with reset/close, as every lifecycle timer). */
	private after(ms: number, fn: () => void): () => void {
		const cancel = this.core.lifecycle.after(ms, () => {
			this.timers.delete(cancel);
			if (this.alive()) fn();
		});
		this.timers.add(cancel);
		return cancel;
	}

	/** Waits `ms` of call time; a key press (while a <Gather> listens) or a hang-up ends it early. */
	private wait(ms: number): Promise<Wake> {
		if (this.hungUp) return Promise.resolve('hangup');
		if (this.listening && this.keys !== null) return Promise.resolve('press');
		return new Promise((resolve) => {
			const settle = (wake: Wake): void => {
				if (this.waiter !== settle) return;
				this.waiter = null;
				cancel();
				resolve(wake);
			};
			this.waiter = settle;
			const cancel = this.after(ms, () => settle('time'));
		});
	}

	private hangUp(): void {
		if (this.hungUp) return;
		this.hungUp = true;
		this.waiter?.('hangup');
	}

	private finish(status: CallStatus): void {
		this.finished = true;
		for (const cancel of this.timers) cancel();
		this.timers.clear();
		this.call.endTime = new Date();
		setStatus(this.call, status);
		this.progress();
	}

	/** Busy, no-answer, failed: nothing was connected, so nothing is charged and the duration is 0. */
	private unanswered(status: CallStatus): void {
		this.call.duration = 0;
		this.finish(status);
	}

	private complete(): void {
		if (!this.alive()) return;
		const duration = Math.max(1, Math.ceil((Date.now() - this.answeredAt) / this.script.secondMs));
		this.call.duration = duration;
		this.call.price = (-PRICE_PER_MINUTE * Math.ceil(duration / 60)).toFixed(5);
		this.finish('completed');
	}

	private async answer(): Promise<void> {
		const { call, script } = this;
		setStatus(call, 'in-progress');
		call.startTime = new Date();
		this.answeredAt = Date.now();
		if (script.hangUpAfterMs !== null) this.after(script.hangUpAfterMs, () => this.hangUp());
		this.after(this.seconds(call.timeLimit), () => this.hangUp());

		const machine = script.answer === 'voicemail';
		const detected: AnsweredBy | null = call.machineDetection
			? machine
				? call.machineDetection === 'DetectMessageEnd'
					? 'machine_end_beep'
					: 'machine_start'
				: 'human'
			: null;
		// DetectMessageEnd waits for the greeting's beep; a person or a machine's first words are told at once.
		const detectMs = detected === 'machine_end_beep' ? script.greetingMs : 0;
		if (detected && !call.asyncAmd) {
			if (detectMs > 0 && (await this.wait(detectMs)) === 'hangup') return this.complete();
			if (!this.alive()) return;
			call.answeredBy = detected;
			this.progress();
		} else {
			this.progress();
			if (detected) this.after(detectMs, () => this.asyncAmdResult(detected, detectMs));
		}

		const first = await this.firstDocument();
		if (!this.alive()) return;
		if (first) await this.follow(first);
		this.complete();
	}

	/** AsyncAmd: the TwiML already runs; the verdict goes to AsyncAmdStatusCallback when it is known. */
	private asyncAmdResult(answeredBy: AnsweredBy, detectMs: number): void {
		const { call } = this;
		call.answeredBy = answeredBy;
		const account = this.core.store.accounts.get(call.accountSid);
		if (!call.asyncAmdStatusCallback || !account) return;
		const params = toFormParams({
			AccountSid: call.accountSid,
			AnsweredBy: answeredBy,
			CallSid: call.sid,
			MachineDetectionDuration: String(Math.round((detectMs / this.script.secondMs) * 1000)),
		});
		const req = { url: call.asyncAmdStatusCallback, method: call.asyncAmdStatusCallbackMethod, params, authToken: account.authToken };
		void this.core.webhooks.deliver(req).then((result) => {
			if (this.core.store.generation === this.generation) logDelivery(this.core, req, result, { kind: 'call-amd', callSid: call.sid, callStatus: call.status });
		});
	}

	/** Inline Twiml, or the answer of the call's Url; an application without a Voice URL has none. */
	private async firstDocument(): Promise<TwimlDocument | null> {
		const { call } = this;
		if (call.source.kind === 'application') return null;
		if (call.source.kind === 'twiml') {
			const read = readCallDocument(call.twiml ?? '');
			if (read.ok) return { url: null, verbs: read.verbs };
			await this.applicationError(read.error);
			return null;
		}
		const { exchange, doc } = await this.request(call.source.url, call.source.method, callParams(call), 'call-twiml');
		if (exchange.status !== null && isDeliveredStatus(exchange.status)) call.twiml = exchange.body;
		if (doc) return doc;
		if (this.alive()) await this.applicationError(exchange.error!);
		return null;
	}

	/** Plays documents until one ends, the call is hung up, or a verb hands over to the next document. */
	private async follow(first: TwimlDocument): Promise<void> {
		let doc: TwimlDocument | null = first;
		while (doc) {
			let next: TwimlDocument | null = null;
			for (const verb of doc.verbs) {
				const flow = await this.verb(verb, doc);
				if (!this.alive() || this.hungUp) return;
				if (flow === 'next') continue;
				if (flow !== 'end') next = flow.next;
				break;
			}
			doc = next;
		}
	}

	private async verb(element: Element, doc: TwimlDocument): Promise<Flow> {
		switch (element.tagName) {
			case 'Gather':
				return this.gather(element, doc);
			case 'Redirect':
				return this.redirect(element, doc);
			case 'Hangup':
				this.call.heard.push({ verb: 'Hangup', attributes: attributes(element) });
				return 'end';
			default: {
				const heard = describeVerb(element);
				this.call.heard.push(heard);
				if (isPrompt(heard)) await this.play(heard);
				return 'next';
			}
		}
	}

	/** Plays a Say, Play or Pause for as long as it lasts; returns what ended it. */
	private async play(heard: Prompt): Promise<Wake> {
		const loops = heard.verb === 'Pause' ? 1 : heard.loop === 0 ? ENDLESS_LOOPS : heard.loop;
		const each =
			heard.verb === 'Say'
				? Math.max(1, Math.ceil(heard.text.split(/\s+/).filter(Boolean).length / SAY_WORDS_PER_SECOND))
				: heard.verb === 'Play'
					? PLAY_SECONDS
					: heard.length;
		const wake = await this.wait(this.seconds(each * loops));
		if (wake !== 'time') heard.interrupted = true;
		return wake;
	}

	/**
	 * <Gather>: listens from its first nested prompt (a key cuts the prompt short), then `timeout`
	 * seconds more. It ends on numDigits keys, on finishOnKey (default #, not sent), or `timeout`
	 * seconds after the last key. With keys, Twilio requests the action (default: this document)
	 * with Digits and plays what it answers instead of the rest of this document; without, it goes
	 * on with the next verb, unless actionOnEmptyResult="true".
	 */
	private async gather(element: Element, doc: TwimlDocument): Promise<Flow> {
		const a = (name: string): string | undefined => attribute(element, name);
		const heard: GatherHeard = {
			verb: 'Gather',
			action: a('action') ?? null,
			numDigits: int(a('numDigits'), null),
			timeout: int(a('timeout'), null),
			children: [],
			digits: null,
		};
		this.call.heard.push(heard);
		const timeoutMs = this.seconds(heard.timeout ?? GATHER_TIMEOUT_SECONDS);
		const numDigits = heard.numDigits !== null && heard.numDigits > 0 ? heard.numDigits : null;
		const finishOnKey = (a('finishOnKey') ?? '#').slice(0, 1);
		const method: HttpCallbackMethod = (a('method') ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
		const dtmf = (a('input') ?? 'dtmf').toLowerCase().split(/\s+/).includes('dtmf');

		const id = ++this.gathers;
		const press = pressAt(this.script, id - 1);
		this.listening = id;
		this.keys = null;
		// An answering machine never presses keys.
		if (press && dtmf && this.script.answer !== 'voicemail') {
			this.after(press.afterMs, () => {
				if (this.listening !== id) return;
				this.keys = press.digits;
				this.waiter?.('press');
			});
		}

		let wake: Wake = 'time';
		for (const child of childElements(element)) {
			const nested = describeVerb(child);
			heard.children.push(nested);
			if (!isPrompt(nested)) continue;
			wake = await this.play(nested);
			if (wake !== 'time') break;
		}
		if (wake === 'time') wake = await this.wait(timeoutMs);

		let digits = '';
		let finishedOnKey: string | undefined;
		if (wake === 'press') {
			for (const key of this.keys ?? '') {
				if (finishOnKey !== '' && key === finishOnKey) {
					finishedOnKey = key;
					break;
				}
				digits += key;
				if (numDigits !== null && digits.length >= numDigits) break;
			}
			this.keys = null;
			const complete = finishedOnKey !== undefined || (numDigits !== null && digits.length >= numDigits);
			if (!complete) wake = await this.wait(timeoutMs);
		}
		this.listening = 0;
		if (wake === 'hangup' || !this.alive()) return 'end';
		heard.digits = digits || null;
		if (finishedOnKey !== undefined) heard.finishedOnKey = finishedOnKey;
		if (digits === '' && a('actionOnEmptyResult') !== 'true') return 'next';

		const url = resolveUrl(heard.action, doc.url);
		if (!url) return this.applicationError(`11100 Invalid URL format: <Gather> action ${JSON.stringify(heard.action ?? '')} cannot be resolved${doc.url ? '' : ' (inline Twiml has no URL of its own)'}`);
		const { exchange, doc: next } = await this.request(url, method, callParams(this.call, { Digits: digits, FinishedOnKey: finishedOnKey }), 'call-gather');
		heard.request = exchange;
		return next ? { next } : this.applicationError(exchange.error!);
	}

	/** <Redirect>: the next document comes from this URL (POST unless method says GET). */
	private async redirect(element: Element, doc: TwimlDocument): Promise<Flow> {
		const target = (element.textContent ?? '').trim();
		const url = resolveUrl(target, doc.url);
		if (!url) return this.applicationError(`11100 Invalid URL format: <Redirect> ${JSON.stringify(target)}`);
		const method: HttpCallbackMethod = (attribute(element, 'method') ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
		const { exchange, doc: next } = await this.request(url, method, callParams(this.call), 'call-redirect');
		this.call.heard.push({ verb: 'Redirect', url, request: exchange });
		return next ? { next } : this.applicationError(exchange.error!);
	}

	/** The callee hears Twilio's apology and the call ends; the first error stays on the call. */
	private async applicationError(error: string): Promise<Flow> {
		this.call.twimlError ??= error;
		if (!this.alive() || this.hungUp) return 'end';
		const heard: Prompt = { verb: 'Say', text: APPLICATION_ERROR, voice: null, language: null, loop: 1, applicationError: error };
		this.call.heard.push(heard);
		await this.play(heard);
		return 'end';
	}

	/** A signed request for the next TwiML, logged like every webhook. */
	private async request(
		url: string,
		method: HttpCallbackMethod,
		params: FormParams,
		kind: WebhookSubject['kind'],
	): Promise<{ exchange: TwimlExchange; doc: TwimlDocument | null }> {
		const account = this.core.store.accounts.get(this.call.accountSid);
		if (!account) return { exchange: { url, method, status: null, contentType: null, body: '', error: '11200 HTTP retrieval failure: no account' }, doc: null };
		const req = { url, method, params, authToken: account.authToken };
		const result = await this.core.webhooks.deliver(req);
		if (this.core.store.generation === this.generation) {
			// The first TwiML fetch stays out of the webhook counters, as it always has for every call.
			logDelivery(this.core, req, result, { kind, callSid: this.call.sid, callStatus: this.call.status }, { countInStats: kind !== 'call-twiml' });
		}
		const { doc, error } = readAnswer(result, url);
		return { exchange: { url: result.url, method, status: result.status, contentType: result.contentType, body: result.body, error }, doc };
	}
}

function isDeliveredStatus(status: number): boolean {
	return status >= 200 && status < 300;
}
