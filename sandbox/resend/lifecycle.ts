/**
 * last_event progression, one step every `statusStepMs`:
 *   queued → sent → delivered           (bounced@resend.dev: → bounced; suppressed@…: → suppressed;
 *                                         complained@…: → delivered → complained)
 * Scheduled emails stay `scheduled` until their time, then walk the same path. Cancel stops it.
 * Each step (and `scheduled`) is also reported to the team's webhooks (webhook-delivery.ts).
 */
import type { SandboxCore } from '../core';
import { RESEND_MAGIC_TO } from '../fixtures';
import type { EmailEvent, EmailRecord } from './types';
import { emitEmailEvent } from './webhook-delivery';

function plan(email: EmailRecord): EmailEvent[] {
	const to = email.to.map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase());
	if (to.includes(RESEND_MAGIC_TO.suppressed)) return ['suppressed'];
	if (to.includes(RESEND_MAGIC_TO.bounced)) return ['sent', 'bounced'];
	if (to.includes(RESEND_MAGIC_TO.complained)) return ['sent', 'delivered', 'complained'];
	return ['sent', 'delivered'];
}

export function startEmailDelivery(core: SandboxCore, email: EmailRecord): void {
	const steps: EmailEvent[] = email.scheduledAt ? ['queued', ...plan(email)] : plan(email);
	const generation = core.store.generation;
	if (email.scheduledAt) emitEmailEvent(core, email, 'scheduled', email.createdAt);
	let index = 0;
	const next = (): void => {
		if (core.store.generation !== generation || email.lastEvent === 'canceled') return;
		const event = steps[index++];
		const at = new Date();
		email.lastEvent = event;
		email.events.push({ event, at });
		emitEmailEvent(core, email, event, at);
		if (index < steps.length) core.lifecycle.after(core.statusStepMs, next);
	};
	const wait = email.scheduledAt ? Math.max(0, email.scheduledAt.getTime() - Date.now()) : core.statusStepMs;
	core.lifecycle.after(wait, next);
}
