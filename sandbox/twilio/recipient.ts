/**
 * Inbound SMS that arrive later: an admin `afterMs`, or a recipient script that answers the
 * messages it receives. Each becomes a ScheduledSms whose outcome (the same answer the immediate
 * admin endpoint gives) a test can read once it has been sent, since nobody is waiting on it.
 */
import type { SandboxCore } from '../core';
import type { MessageRecord } from '../state';
import { formatAddress, parseAddress } from './addresses';
import { MAX_SCRIPT_MS } from './callee';
import { checkInboundSms, InboundError, simulateInboundSms, type InboundSmsInput, type InboundSmsResult } from './inbound';

/** How the phone at a number answers the messages it gets: `reply` sent back `afterMs` after delivery. */
export interface RecipientScript {
	reply: string;
	mediaUrls: string[];
	afterMs: number;
	/** Replies left; each delivered message uses one (so two scripted phones cannot text each other forever). */
	remaining: number;
}

export interface ScheduledSms {
	id: string;
	/** `scheduled` until sent; `sent` with the admin endpoint's answer in `result`; `error` if the send itself was refused. */
	state: 'scheduled' | 'sent' | 'error';
	source: { kind: 'admin' } | { kind: 'recipient'; inReplyTo: string };
	input: InboundSmsInput;
	createdAt: Date;
	dueAt: Date;
	sentAt: Date | null;
	result: InboundSmsResult | null;
	error: { status: number; message: string } | null;
}

export class RecipientScriptError extends Error {}

/** Kept as long as the inbound log keeps its records; the oldest finished ones go first. */
const SCHEDULED_LIMIT = 10_000;

function checkDelay(value: unknown, name: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SCRIPT_MS) {
		throw new InboundError(400, `\`${name}\` must be an integer number of milliseconds, 0..${MAX_SCRIPT_MS}`);
	}
	return value;
}

function prune(core: SandboxCore): void {
	const map = core.store.scheduledSms;
	for (const [id, s] of map) {
		if (map.size <= SCHEDULED_LIMIT) return;
		if (s.state !== 'scheduled') map.delete(id);
	}
}

/** Validates now (bad addresses and unknown numbers fail the admin call); routes when it is sent, as Twilio would. */
export function scheduleInboundSms(core: SandboxCore, input: InboundSmsInput, afterMs: unknown, source: ScheduledSms['source'] = { kind: 'admin' }): ScheduledSms {
	const delay = checkDelay(afterMs, 'afterMs');
	checkInboundSms(core.store, input);
	const now = new Date();
	const entry: ScheduledSms = {
		id: `SCH${core.store.newId()}`,
		state: 'scheduled',
		source,
		input,
		createdAt: now,
		dueAt: new Date(now.getTime() + delay),
		sentAt: null,
		result: null,
		error: null,
	};
	core.store.scheduledSms.set(entry.id, entry);
	prune(core);
	const generation = core.store.generation;
	core.lifecycle.after(delay, () => {
		if (core.store.generation !== generation) return;
		void simulateInboundSms(core, input).then(
			(result) => {
				if (core.store.generation !== generation) return;
				Object.assign(entry, { state: 'sent', result, sentAt: new Date() });
			},
			(err: unknown) => {
				if (core.store.generation !== generation) return;
				const status = err instanceof InboundError ? err.status : 500;
				Object.assign(entry, { state: 'error', sentAt: new Date(), error: { status, message: err instanceof Error ? err.message : String(err) } });
			},
		);
	});
	return entry;
}

export function parseRecipientScript(input: unknown): RecipientScript {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new RecipientScriptError('`script` must be an object');
	const raw = input as Record<string, unknown>;
	const unknown = Object.keys(raw).filter((k) => !['reply', 'mediaUrls', 'afterMs', 'times'].includes(k));
	if (unknown.length) throw new RecipientScriptError(`unknown script field(s): ${unknown.join(', ')}; known: reply, mediaUrls, afterMs, times`);
	if (typeof raw.reply !== 'string') throw new RecipientScriptError('`reply` must be a string (the text the recipient sends back)');
	const mediaUrls = raw.mediaUrls ?? [];
	if (!Array.isArray(mediaUrls) || mediaUrls.some((u) => typeof u !== 'string')) throw new RecipientScriptError('`mediaUrls` must be an array of URLs');
	const times = raw.times ?? 1;
	if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 100) throw new RecipientScriptError('`times` must be an integer 1..100');
	let afterMs: number;
	try {
		afterMs = checkDelay(raw.afterMs ?? 0, 'afterMs');
	} catch (err) {
		throw new RecipientScriptError((err as Error).message);
	}
	return { reply: raw.reply, mediaUrls: mediaUrls as string[], afterMs, remaining: times };
}

/**
 * A message reached the recipient's phone: if the phone has a script, it texts back from where the
 * message went to where it came from, on the same channel.
 */
export function onMessageDelivered(core: SandboxCore, message: MessageRecord): void {
	if (message.direction === 'inbound' || !message.from) return;
	const to = parseAddress(message.to);
	const from = parseAddress(message.from);
	if (!to || !from) return;
	const script = core.store.recipients.get(to.number);
	if (!script || script.remaining < 1) return;
	script.remaining--;
	const input: InboundSmsInput = { from: formatAddress(to), to: formatAddress(from), body: script.reply, mediaUrls: script.mediaUrls };
	try {
		scheduleInboundSms(core, input, script.afterMs, { kind: 'recipient', inReplyTo: message.sid });
	} catch (err) {
		// The sender is not one of the sandbox's numbers (nothing there to receive the reply).
		core.log(`recipient ${to.number}: no reply to ${message.sid}: ${err instanceof Error ? err.message : String(err)}`);
	}
}
