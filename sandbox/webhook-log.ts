/**
 * What happens after every webhook the sandbox sends (status callbacks, TwiML fetches, inbound SMS
 * and calls): the outcome counts in the stats and the attempt joins the webhook log, in one shape,
 * so tests read every kind of webhook the same way.
 */
import type { SandboxCore } from './core';
import type { WebhookAttempt } from './state';
import type { WebhookRequest, WebhookResult } from './webhooks';

/** Twilio treats any 2xx answer as delivered. */
export function isDelivered(result: WebhookResult): boolean {
	return result.status !== null && result.status >= 200 && result.status < 300;
}

/** Which event the webhook was about; the rest of the log entry comes from the request and its result. */
export type WebhookSubject = Pick<WebhookAttempt, 'kind'> & Partial<Pick<WebhookAttempt, 'messageSid' | 'messageStatus' | 'callSid' | 'callStatus' | 'recordingSid' | 'recordingStatus'>>;

export function logDelivery(
	core: SandboxCore,
	req: WebhookRequest,
	result: WebhookResult,
	subject: WebhookSubject,
	opts: { countInStats?: boolean } = {},
): void {
	if (opts.countInStats !== false) core.stats.webhook(isDelivered(result));
	core.store.recordWebhook({
		id: core.store.newId(),
		messageSid: null,
		messageStatus: null,
		...subject,
		url: result.url,
		method: req.method,
		params: req.params,
		signature: result.signature,
		idempotencyToken: result.idempotencyToken,
		at: new Date(),
		durationMs: result.durationMs,
		status: result.status,
		error: result.error,
	});
}
