/**
 * The sandbox seen from an e2e test worker: its admin endpoints over HTTP (the sandbox itself lives
 * in jest's main process). Messages come back in Twilio's JSON shape.
 */
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
	url: string | null;
	status: number | null;
	contentType: string | null;
	twiml: string | null;
	twimlError: string | null;
	error: string | null;
	replies: Array<{ sid: string; to: string; from: string; body: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SandboxClient {
	constructor(readonly url: string) {}

	private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
		const res = await fetch(`${this.url}${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		return { status: res.status, data: (await res.json()) as T };
	}

	async messages(filter: (m: SandboxMessage) => boolean = () => true): Promise<SandboxMessage[]> {
		const { data } = await this.call<{ messages: SandboxMessage[] }>('GET', '/__sandbox/state?requests=0');
		return data.messages.filter(filter);
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
		return this.call<InboundSmsAnswer>('POST', '/__sandbox/inbound/sms', input);
	}
}
