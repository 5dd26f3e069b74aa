/**
 * Message status callbacks: one signed POST per status change, to the message's StatusCallback.
 * Callbacks of one message are sent one after another so a receiver sees them in order (real
 * Twilio does not promise order; tests are easier to read when the sandbox keeps it).
 */
import type { SandboxCore } from './core';
import { FormParams, toFormParams } from './form';
import type { MessageRecord } from './state';
import { logDelivery } from './webhook-log';

/** Twilio's "RawDlrDoneDate": YYMMDDhhmm of the carrier's delivery receipt. */
function dlrDate(d: Date): string {
	const p = (n: number): string => String(n).padStart(2, '0');
	return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export function messageStatusParams(m: MessageRecord): FormParams {
	return toFormParams({
		AccountSid: m.accountSid,
		ApiVersion: '2010-04-01',
		ErrorCode: m.errorCode !== null ? String(m.errorCode) : undefined,
		From: m.from ?? undefined,
		MessageSid: m.sid,
		MessageStatus: m.status,
		MessagingServiceSid: m.messagingServiceSid ?? undefined,
		RawDlrDoneDate: m.status === 'delivered' ? dlrDate(m.dateUpdated) : undefined,
		SmsSid: m.sid,
		SmsStatus: m.status,
		To: m.to,
	});
}

export class StatusCallbacks {
	private chains = new Map<string, Promise<void>>();

	constructor(private readonly core: SandboxCore) {}

	/** Snapshot the message now (the status may move on before the POST is sent) and queue the POST. */
	notify(message: MessageRecord): void {
		const url = message.statusCallback;
		if (!url) return;
		const account = this.core.store.accounts.get(message.accountSid);
		if (!account) return;
		const params = messageStatusParams(message);
		const status = message.status;
		const generation = this.core.store.generation;
		const previous = this.chains.get(message.sid) ?? Promise.resolve();
		const next = previous
			.then(async () => {
				const req = { url, method: 'POST' as const, params, authToken: account.authToken };
				const result = await this.core.webhooks.deliver(req);
				if (this.core.store.generation !== generation) return;
				logDelivery(this.core, req, result, { kind: 'message-status', messageSid: message.sid, messageStatus: status });
				this.core.log(`callback ${message.sid} ${status} -> ${url} ${result.status ?? result.error}`);
			})
			.catch((err: unknown) => this.core.log(`callback error: ${err instanceof Error ? err.message : String(err)}`));
		this.chains.set(message.sid, next);
		void next.then(() => {
			if (this.chains.get(message.sid) === next) this.chains.delete(message.sid);
		});
	}

	/** Resolves when every queued callback has been attempted (tests use it instead of sleeping). */
	async idle(): Promise<void> {
		while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
	}

	reset(): void {
		this.chains.clear();
	}
}
