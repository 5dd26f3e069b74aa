/**
 * Status progression of outbound messages, one step every `statusStepMs`:
 *   accepted → queued (Messaging Service picks the sender) → sending → sent → delivered
 * with the magic recipients ending in `undelivered` (30003-30007) or `failed` (30008) instead.
 * Scheduled messages start the same walk at their SendAt.
 */
import type { SandboxCore } from '../core';
import { createHash } from 'node:crypto';
import type { MessageRecord, MessageStatus, MessagingServiceRecord } from '../state';
import { MAGIC_DELIVERY_FAILURES } from '../fixtures';
import { DELIVERY_ERRORS } from './errors';
import type { DeliveryOutcome } from './message-create';
import { onMessageDelivered } from './recipient';

interface Step {
	status: MessageStatus;
	errorCode?: number;
	/** Defaults to the DELIVERY_ERRORS text of errorCode. */
	errorMessage?: string;
}

/** US long-code price per segment, written the way Twilio writes prices (negative = charged). */
const PRICE_PER_SEGMENT = 0.0079;

function planSteps(message: MessageRecord, outcome: DeliveryOutcome): Step[] {
	const steps: Step[] = [];
	if (message.status === 'accepted' || message.status === 'scheduled') steps.push({ status: 'queued' });
	steps.push({ status: 'sending' });
	if (outcome === 'failed') {
		steps.push({ status: 'failed', errorCode: 30008 });
		return steps;
	}
	steps.push({ status: 'sent' });
	const carrier = MAGIC_DELIVERY_FAILURES[message.to];
	if (outcome === 'delivered' && carrier) {
		steps.push({ status: carrier.status, errorCode: carrier.errorCode, errorMessage: carrier.errorMessage });
		return steps;
	}
	steps.push(outcome === 'delivered' ? { status: 'delivered' } : { status: 'undelivered', errorCode: 30003 });
	return steps;
}

/** Sticky sender: the same recipient always gets the same pool number. */
export function pickPoolSender(service: MessagingServiceRecord, to: string): string | null {
	if (service.senderPool.length === 0) return null;
	const digest = createHash('sha1').update(to).digest();
	const number = service.senderPool[digest.readUInt32BE(0) % service.senderPool.length];
	return to.startsWith('whatsapp:') ? `whatsapp:${number}` : number;
}

function applyStep(core: SandboxCore, message: MessageRecord, step: Step): void {
	const now = new Date();
	if (step.status === 'queued' && message.from === null && message.messagingServiceSid) {
		const service = core.store.messagingServices.get(message.messagingServiceSid);
		message.from = service ? pickPoolSender(service, message.to) : null;
	}
	if (step.status === 'sent') {
		message.dateSent = now;
		message.price = (-PRICE_PER_SEGMENT * message.numSegments).toFixed(5);
	}
	if (step.errorCode !== undefined) {
		message.errorCode = step.errorCode;
		message.errorMessage = step.errorMessage ?? DELIVERY_ERRORS[step.errorCode as keyof typeof DELIVERY_ERRORS] ?? null;
		if (message.dateSent === null && step.status === 'undelivered') message.dateSent = now;
	}
	message.status = step.status;
	message.dateUpdated = now;
	message.statusHistory.push({ status: step.status, at: now });
}

export function startDelivery(core: SandboxCore, message: MessageRecord, outcome: DeliveryOutcome, delayMs = core.statusStepMs): void {
	const steps = planSteps(message, outcome);
	const generation = core.store.generation;
	let index = 0;
	const next = (): void => {
		// A reset replaced the store; this message no longer exists for anyone.
		if (core.store.generation !== generation || message.status === 'canceled') return;
		const step = steps[index++];
		applyStep(core, message, step);
		core.statusCallbacks.notify(message);
		if (step.status === 'delivered') onMessageDelivered(core, message);
		if (index < steps.length) core.lifecycle.after(core.statusStepMs, next);
	};
	core.lifecycle.after(delayMs, next);
}

export function scheduleDelivery(core: SandboxCore, message: MessageRecord, outcome: DeliveryOutcome): void {
	const wait = message.sendAt ? message.sendAt.getTime() - Date.now() : 0;
	startDelivery(core, message, outcome, Math.max(0, wait));
}
