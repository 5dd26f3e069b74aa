/**
 * The sandbox seen from an e2e test worker: its admin endpoints over HTTP (the sandbox itself lives
 * in jest's main process). Messages come back in Twilio's JSON shape.
 */
import { FULL_ACCOUNT } from '../../../sandbox/fixtures';
import type { CalleeAnswer, InboundSmsResult, TwimlExchange } from '../../../sandbox';

/** A Chat Completions request as n8n's OpenAI client sends it (the parts tests read). */
export interface ChatRequestBody {
	model: string;
	messages: Array<{ role: string; content: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
	tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters: { properties?: Record<string, { type?: string; description?: string }>; required?: string[] } } }>;
	stream?: boolean;
}

export interface SandboxMessage {
	sid: string;
	to: string;
	from: string | null;
	body: string;
	status: string;
	direction: string;
	error_code: number | null;
	[k: string]: unknown;
}

export interface InboundSmsAnswer {
	messageSid: string;
	/** The number's Messaging Service owns inbound and has no Inbound Request URL: Twilio dropped it. */
	dropped?: boolean;
	url: string | null;
	status: number | null;
	contentType: string | null;
	twiml: string | null;
	twimlError: string | null;
	error: string | null;
	replies: Array<{ sid: string; to: string; from: string; body: string }>;
}

export interface SandboxEmail {
	id: string;
	to: string[];
	from: string;
	subject: string;
	text: string | null;
	[k: string]: unknown;
}

export interface SandboxCall {
	sid: string;
	to: string;
	from: string;
	status: string;
	answered_by: string | null;
	duration: string | null;
	sandbox: {
		/** With a callee script: what was played, in order, each <Gather> with its `digits` and action `request`. */
		heard: SandboxHeard[];
		twiml: string | null;
		/** The first Twilio error of the call (11200, 12100, 12300…), which the callee heard as "an application error". */
		twimlError: string | null;
		script: CalleeScriptInput | null;
		statusHistory: Array<{ status: string; at: string }>;
	};
	[k: string]: unknown;
}

/** One verb the callee heard (sandbox HeardVerb as JSON), loosely typed so any verb reads the same way. */
export interface SandboxHeard {
	verb: string;
	text?: string;
	interrupted?: boolean;
	/** The Say that stands for Twilio's "application error", with the error that caused it. */
	applicationError?: string;
	/** <Gather>: what it played, the keys that counted (null: none), the finish key, and its action request. */
	children?: SandboxHeard[];
	digits?: string | null;
	finishedOnKey?: string;
	request?: TwimlExchange;
	[k: string]: unknown;
}

/** How the phone at a number behaves when called (sandbox/README.md, "Callee scripts"); omitted fields take defaults. */
export interface CalleeScriptInput {
	answer?: CalleeAnswer;
	afterMs?: number | null;
	/** One entry per <Gather> reached (null: no key), or the same keys at every Gather. */
	press?: { digits: string; afterMs?: number } | Array<{ digits: string; afterMs?: number } | null> | null;
	hangUpAfterMs?: number | null;
	secondMs?: number;
	greetingMs?: number;
}

/** An inbound SMS sent later (admin `afterMs` or a recipient's reply), with the outcome once sent. */
export interface SandboxScheduledSms {
	id: string;
	state: 'scheduled' | 'sent' | 'error';
	source: { kind: 'admin' } | { kind: 'recipient'; inReplyTo: string };
	input: { from: string; to: string; body?: string };
	dueAt: string;
	sentAt: string | null;
	result: InboundSmsResult | null;
	error: { status: number; message: string } | null;
}

/** A phone number as Twilio renders it, with its webhook settings. */
export interface SandboxNumber {
	phone_number: string;
	sms_url: string;
	sms_method: string;
	voice_url: string;
	voice_method: string;
	[k: string]: unknown;
}

/** A Messaging Service as Twilio renders it, with who receives its numbers' inbound messages. */
export interface SandboxMessagingService {
	sid: string;
	inbound_request_url: string | null;
	inbound_method: string | null;
	use_inbound_webhook_on_number: boolean;
	status_callback: string | null;
	[k: string]: unknown;
}

export interface SandboxState {
	messages: SandboxMessage[];
	calls: SandboxCall[];
	emails: SandboxEmail[];
	numbers: SandboxNumber[];
	messagingServices: SandboxMessagingService[];
}

const TWILIO_AUTH = `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SandboxClient {
	constructor(readonly url: string) {}

	/** Any admin endpoint: `post('/__sandbox/inbound/sms', {...})`. */
	post<T>(path: string, body: unknown): Promise<{ status: number; data: T }> {
		return this.call<T>('POST', path, body);
	}

	private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
		const res = await fetch(`${this.url}${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		return { status: res.status, data: (await res.json()) as T };
	}

	/** Everything the sandbox holds, without its request log. */
	async state(): Promise<SandboxState> {
		return (await this.call<SandboxState>('GET', '/__sandbox/state?requests=0')).data;
	}

	async messages(filter: (m: SandboxMessage) => boolean = () => true): Promise<SandboxMessage[]> {
		return (await this.state()).messages.filter(filter);
	}

	async emails(filter: (e: SandboxEmail) => boolean = () => true): Promise<SandboxEmail[]> {
		return (await this.state()).emails.filter(filter);
	}

	/** What n8n sent the scripted chat model: each request's path and JSON body, in order. */
	async chatModelRequests(): Promise<Array<{ at: string; path: string; body: ChatRequestBody }>> {
		return (await this.call<{ requests: Array<{ at: string; path: string; body: ChatRequestBody }> }>('GET', '/__sandbox/chat-model/requests')).data.requests;
	}

	async number(phone: string): Promise<SandboxNumber> {
		const found = (await this.state()).numbers.find((n) => n.phone_number === phone);
		if (!found) throw new Error(`sandbox: no number ${phone}`);
		return found;
	}

	async messagingService(sid: string): Promise<SandboxMessagingService> {
		const found = (await this.state()).messagingServices.find((s) => s.sid === sid);
		if (!found) throw new Error(`sandbox: no Messaging Service ${sid}`);
		return found;
	}

	/** A Twilio API call as the full account, form-encoded: `twilio('/v1/Services/MG…', { InboundMethod: 'GET' })`. */
	async twilio(path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
		const res = await fetch(`${this.url}${path}`, {
			method: 'POST',
			headers: { authorization: TWILIO_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
			signal: AbortSignal.timeout(30_000),
		});
		if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
		return (await res.json()) as Record<string, unknown>;
	}

	/** Polls until `filter` matches `count` messages (and `done` holds for them), or fails with what it saw. */
	async waitForMessages(filter: (m: SandboxMessage) => boolean, opts: { count?: number; done?: (m: SandboxMessage) => boolean; timeoutMs?: number } = {}): Promise<SandboxMessage[]> {
		const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
		let seen: SandboxMessage[] = [];
		for (;;) {
			seen = await this.messages(filter);
			if (seen.length >= (opts.count ?? 1) && seen.every(opts.done ?? (() => true))) return seen;
			if (Date.now() > deadline) {
				throw new Error(`sandbox: expected ${opts.count ?? 1} matching message(s), saw ${seen.length}: ${JSON.stringify(seen.map((m) => ({ to: m.to, status: m.status, body: m.body })))}`);
			}
			await sleep(100);
		}
	}

	async inboundSms(input: { from: string; to: string; body: string }): Promise<{ status: number; data: InboundSmsAnswer }> {
		return this.post<InboundSmsAnswer>('/__sandbox/inbound/sms', input);
	}

	/** Scripts the phone at `number` for the calls placed to it from now on; answers the script with its defaults. */
	async callee(number: string, script: CalleeScriptInput): Promise<CalleeScriptInput> {
		return (await this.ok<{ script: CalleeScriptInput }>('POST', '/__sandbox/callee', { number, script })).script;
	}

	/** Forgets the script of `number`, or every callee script. */
	async clearCallee(number?: string): Promise<void> {
		await this.ok('DELETE', number ? `/__sandbox/callee/${encodeURIComponent(number)}` : '/__sandbox/callee');
	}

	/** The phone at `number` texts `reply` back to whoever's message reaches it, `afterMs` after delivery (`times`: how often, default 1). */
	async recipient(number: string, script: { reply: string; afterMs?: number; times?: number; mediaUrls?: string[] }): Promise<void> {
		await this.ok('POST', '/__sandbox/recipient', { number, script });
	}

	/** An inbound SMS from `from` to the sandbox number `to`, sent `afterMs` from now; poll its outcome with scheduledSms(). */
	async replySms(input: { from: string; to: string; body: string; afterMs: number; mediaUrls?: string[] }): Promise<SandboxScheduledSms> {
		return this.ok<SandboxScheduledSms>('POST', '/__sandbox/inbound/sms', input);
	}

	async scheduledSms(id?: string): Promise<SandboxScheduledSms[]> {
		if (id) return [await this.ok<SandboxScheduledSms>('GET', `/__sandbox/inbound/sms/scheduled/${encodeURIComponent(id)}`)];
		return (await this.ok<{ scheduled: SandboxScheduledSms[] }>('GET', '/__sandbox/inbound/sms/scheduled')).scheduled;
	}

	/** Polls until the scheduled SMS has been sent (or refused), then returns it. */
	async waitForScheduledSms(id: string, timeoutMs = 15_000): Promise<SandboxScheduledSms> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const [entry] = await this.scheduledSms(id);
			if (entry.state !== 'scheduled') return entry;
			if (Date.now() > deadline) throw new Error(`sandbox: scheduled SMS ${id} still not sent after ${timeoutMs} ms (due ${entry.dueAt})`);
			await sleep(100);
		}
	}

	async calls(filter: (c: SandboxCall) => boolean = () => true): Promise<SandboxCall[]> {
		return (await this.state()).calls.filter(filter);
	}

	/** Polls until the call has ended (completed, busy, no-answer, failed, canceled), then returns it. */
	async waitForCallEnd(sid: string, timeoutMs = 30_000): Promise<SandboxCall> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const [call] = await this.calls((c) => c.sid === sid);
			if (call && ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(call.status)) return call;
			if (Date.now() > deadline) throw new Error(`sandbox: call ${sid} has not ended after ${timeoutMs} ms (status ${call?.status ?? 'unknown'})`);
			await sleep(100);
		}
	}

	/** An admin call that must succeed: its JSON answer, or an error with what the sandbox said. */
	private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
		const { status, data } = await this.call<T>(method, path, body);
		if (status >= 300) throw new Error(`sandbox ${method} ${path}: ${status} ${JSON.stringify(data)}`);
		return data;
	}
}
