/**
 * Simulated inbound call: what Twilio does when a phone calls one of the account's numbers. It asks
 * the number's VoiceUrl for TwiML with a signed webhook (CallStatus=ringing, Direction=inbound),
 * records the answer and reads it into what the caller would hear. The call itself is not placed
 * in the call list: only the webhook exchange is modelled.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxCore } from '../core';
import { toFormParams } from '../form';
import { newSid } from '../ids';
import type { HttpCallbackMethod } from '../state';
import { isDelivered, logDelivery } from '../webhook-log';
import type { WebhookResult } from '../webhooks';
import { formatAddress, parseAddress } from './addresses';
import type { HeardVerb } from './calls-state';
import { readCallTwiml } from './calls-twiml';
import { deliveryCount, InboundError, inboundRequest, redeliveryPause } from './inbound';

export interface InboundCallInput {
	from: string;
	to: string;
	/** Same webhook this many times with one idempotency token, as Twilio's retries. */
	deliveries?: number;
	tamper?: boolean;
	json?: boolean;
}

export interface InboundCallResult {
	callSid: string;
	url: string | null;
	method: HttpCallbackMethod;
	status: number | null;
	contentType: string | null;
	twiml: string | null;
	twimlError: string | null;
	heard: HeardVerb[];
	error: string | null;
	/** HTTP status of every delivery, first to last. */
	deliveries: Array<number | null>;
}

export async function simulateInboundCall(core: SandboxCore, input: InboundCallInput): Promise<InboundCallResult> {
	if (typeof input.from !== 'string' || typeof input.to !== 'string') throw new InboundError(400, '`from` and `to` are required strings');
	const from = parseAddress(input.from);
	const to = parseAddress(input.to);
	if (!from || !to || from.channel !== 'sms' || to.channel !== 'sms') throw new InboundError(400, '`from` and `to` must be E.164 numbers');
	const number = core.store.numberByPhone(to.number);
	const account = number && core.store.accounts.get(number.accountSid);
	if (!number || !account) throw new InboundError(404, `no incoming phone number ${to.number} in the sandbox`);
	const deliveries = deliveryCount(input.deliveries);

	const callSid = newSid('CA');
	const caller = formatAddress(from);
	const called = formatAddress(to);
	const params = toFormParams({
		AccountSid: account.sid,
		ApiVersion: '2010-04-01',
		CallSid: callSid,
		CallStatus: 'ringing',
		Called: called,
		CalledCountry: 'US',
		Caller: caller,
		CallerCountry: 'US',
		Direction: 'inbound',
		From: caller,
		FromCity: '',
		FromCountry: 'US',
		FromState: '',
		To: called,
		ToCountry: 'US',
	});
	const result: InboundCallResult = {
		callSid,
		url: number.voiceUrl || null,
		method: number.voiceMethod,
		status: null,
		contentType: null,
		twiml: null,
		twimlError: null,
		heard: [],
		error: number.voiceUrl ? null : `${number.phoneNumber} has no VoiceUrl configured`,
		deliveries: [],
	};
	if (!number.voiceUrl) return result;

	const token = randomUUID();
	let answer: WebhookResult | undefined;
	for (let i = 0; i < deliveries; i++) {
		if (i > 0) await redeliveryPause();
		const req = inboundRequest({ url: number.voiceUrl, method: number.voiceMethod }, params, account.authToken, token, input);
		const r = await core.webhooks.deliver(req);
		logDelivery(core, req, r, { kind: 'call-twiml', callSid, callStatus: 'ringing' });
		result.deliveries.push(r.status);
		answer ??= r;
	}
	// The first answer is the one Twilio acts on; later deliveries are retries.
	const first = answer!;
	result.status = first.status;
	result.contentType = first.contentType;
	result.error = first.error;
	if (first.status !== null) result.twiml = first.body;
	if (isDelivered(first)) {
		const read = readCallTwiml(first.body);
		if (read.ok) result.heard = read.heard;
		else result.twimlError = read.error;
	} else if (first.status !== null) {
		result.twimlError = `11200 HTTP retrieval failure: the VoiceUrl answered ${first.status}`;
	}
	return result;
}
