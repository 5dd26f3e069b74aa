/**
 * A webhook delivery as Twilio makes it: form-encoded, signed with the account's Auth Token over the
 * URL Twilio was given (the twilio SDK's own signing, not ours), carrying I-Twilio-Idempotency-Token.
 * It can be posted to another address than the signed one (a second webhook process behind the same
 * public URL), and given up after a read timeout, as Twilio gives up on a slow answer.
 */
import { randomUUID } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { harnessFetch } from '../../../scripts/n8n/http';
import type { WorkflowJson } from '../../../scripts/n8n/instance';
import { newSid } from '../../../sandbox/ids';

export interface Delivery {
	/** The URL Twilio was configured with: what the signature covers. */
	url: string;
	params: Record<string, string>;
	authToken: string;
	idempotencyToken: string;
	/** Where the request actually goes; default `url`. */
	postTo?: string;
	/** Twilio's read timeout; default 30 s. */
	readTimeoutMs?: number;
}

export type DeliveryAnswer = { timedOut: false; status: number; contentType: string; body: string } | { timedOut: true };

export async function deliver(d: Delivery): Promise<DeliveryAnswer> {
	try {
		const res = await harnessFetch(d.postTo ?? d.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': getExpectedTwilioSignature(d.authToken, d.url, d.params),
				'i-twilio-idempotency-token': d.idempotencyToken,
			},
			body: new URLSearchParams(d.params).toString(),
			signal: AbortSignal.timeout(d.readTimeoutMs ?? 30_000),
		});
		return { timedOut: false, status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
	} catch (e) {
		if ((e as Error).name === 'TimeoutError') return { timedOut: true };
		throw e;
	}
}

/** An inbound SMS's parameters, as Twilio posts them. */
export function inboundSms(to: string, from: string, body: string, accountSid: string): Record<string, string> {
	const sid = newSid('SM');
	return { AccountSid: accountSid, ApiVersion: '2010-04-01', Body: body, From: from, MessageSid: sid, SmsSid: sid, SmsStatus: 'received', NumMedia: '0', To: to };
}

/** An inbound call's first request, as Twilio posts it while the call rings. */
export function inboundCall(to: string, from: string, accountSid: string): Record<string, string> {
	const sid = newSid('CA');
	return { AccountSid: accountSid, ApiVersion: '2010-04-01', CallSid: sid, CallStatus: 'ringing', Direction: 'inbound', From: from, To: to };
}

/** Twilio Comms Trigger (manual set-up, so no number is shared) → Wait → Set `reply`. */
export function slowTriggerWorkflow(name: string, trigger: Record<string, unknown>, reply: string, waitSeconds: number): { json: WorkflowJson; webhookId: string } {
	const webhookId = randomUUID();
	const json = {
		name,
		nodes: [
			{ name: 'Twilio Trigger', type: 'n8n-nodes-comms.twilioCommsTrigger', typeVersion: 1, position: [0, 0], webhookId, parameters: { setupMode: 'manual', options: {}, ...trigger }, credentials: { twilioCommsApi: { id: '', name: 'bound by the harness' } } },
			{ name: 'Slow work', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [220, 0], webhookId: randomUUID(), parameters: { amount: waitSeconds, unit: 'seconds' } },
			{
				name: 'Reply',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [440, 0],
				parameters: { mode: 'manual', assignments: { assignments: [{ id: randomUUID(), name: 'reply', type: 'string', value: reply }] }, includeOtherFields: false, options: {} },
			},
		],
		connections: {
			'Twilio Trigger': { main: [[{ node: 'Slow work', type: 'main', index: 0 }]] },
			'Slow work': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	} as unknown as WorkflowJson;
	return { json, webhookId };
}
