/**
 * Call and Wait for Acknowledgement: place the call, then park the execution until Twilio reports
 * how it went. Both the <Gather> action (the key press) and the status callback point at this
 * execution's signed resume URL, so nothing is held in memory: the wait survives a restart of n8n
 * and resumes on whichever process (or queue-mode worker) picks it up.
 *
 * n8n checks its own signature on the resume URL (operation "sendAndWait"); every request is also
 * checked for X-Twilio-Signature before it may resume anything, because a forged "pressed 1" would
 * silence an alert.
 */
import {
	NodeOperationError,
	SEND_AND_WAIT_OPERATION,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { runsAsTool } from '../shared/runner/tool';
import { readCallOptions } from '../shared/twilio/callFields';
import { loadTwilio } from '../shared/twilio/context';
import { toNodeError } from '../shared/twilio/errors';
import { callOutput } from '../shared/twilio/output';
import { emptyTwiml, gatherAgainTwiml, voiceReplyTwiml } from '../shared/twilio/twiml';
import { REJECTION_TEXT, resumeRequestUrl, verifyWebhookCall, type TwilioParams } from '../shared/twilio/webhookRequest';
import { CALL_LABELS, voiceMessageSchema } from '../shared/validation/call';
import { parseInput } from '../shared/validation/errors';

export const CALL_AND_WAIT = SEND_AND_WAIT_OPERATION;

/** Twilio's final call statuses: one of these ends the wait; ringing or in-progress never does. */
const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export type NotAcknowledgedReason = 'no-answer' | 'busy' | 'failed' | 'voicemail' | 'hung-up';

const text = (p: TwilioParams, key: string): string => {
	const v = p[key];
	return Array.isArray(v) ? String(v[0] ?? '') : String(v ?? '');
};

/** Keys written as "1", "1, 9" or "1 9"; each is one of 0-9, * and #. */
export function parseKeys(raw: string, itemIndex: number, ctx: IExecuteFunctions): string[] {
	const keys = raw.split(/[\s,]+/).filter((k) => k !== '');
	const bad = keys.find((k) => !/^[0-9*#]$/.test(k));
	if (keys.length === 0 || bad !== undefined) {
		throw new NodeOperationError(ctx.getNode(), `Invalid Acknowledge Keys "${raw}" in item ${itemIndex}: ${bad === undefined ? 'no key given' : `"${bad}" is not a phone key`}`, {
			itemIndex,
			description: 'Use one or more of 0-9, * and #, separated by commas, e.g. "1" or "1, 9"',
		});
	}
	return [...new Set(keys)];
}

/** Why a call ended without the key, in the words an IF node would test. */
export function notAcknowledgedReason(callStatus: string, answeredBy: string): NotAcknowledgedReason {
	if (callStatus === 'busy' || callStatus === 'no-answer') return callStatus;
	if (callStatus === 'failed' || callStatus === 'canceled') return 'failed';
	return answeredBy.startsWith('machine') || answeredBy === 'fax' ? 'voicemail' : 'hung-up';
}

export async function callAndWait(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// One execution waits once, so it calls for its first item, as n8n's own send-and-wait operations do.
	const i = 0;
	if (runsAsTool(ctx.getNode())) {
		throw new NodeOperationError(ctx.getNode(), 'Call and Wait for Acknowledgement cannot run as an AI Agent tool: an agent cannot wait minutes for a key press', {
			description: 'Use the Call operation as a tool, or place Call and Wait in the workflow after the agent',
		});
	}
	const twilio = await loadTwilio(ctx);
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const keys = parseKeys(String(ctx.getNodeParameter('acknowledgeKeys', i, '1')), i, ctx);
	const waitMinutes = Number(ctx.getNodeParameter('waitTimeout', i, 10));
	if (!Number.isFinite(waitMinutes) || waitMinutes < 1 || waitMinutes > 1440) {
		throw new NodeOperationError(ctx.getNode(), `Invalid Wait Timeout (Minutes) "${String(ctx.getNodeParameter('waitTimeout', i, 10))}" in item ${i}: must be 1 to 1440`, { itemIndex: i });
	}
	// One URL for the key press and for the call's end: n8n signs it, and only this execution's node answers it.
	const resumeUrl = ctx.getSignedResumeUrl();
	const request = parseInput(
		voiceMessageSchema,
		{
			...readCallOptions(ctx, i, { ...options, statusCallback: resumeUrl, statusCallbackEvents: ['completed'] }, twilio.credentials.defaultFrom),
			message: ctx.getNodeParameter('message', i, ''),
			voice: ctx.getNodeParameter('voice', i, 'Polly.Joanna'),
			language: ctx.getNodeParameter('language', i, ''),
			acknowledge: true,
			acknowledgePrompt: ctx.getNodeParameter('acknowledgePrompt', i, ''),
			acknowledgeUrl: resumeUrl,
			acknowledgeTimeout: ctx.getNodeParameter('acknowledgeTimeout', i, 5),
			acknowledgeAttempts: ctx.getNodeParameter('acknowledgeAttempts', i, 3),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: CALL_LABELS },
	);
	let call;
	try {
		call = await twilio.client.calls.create(request.params);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, i, twilio.secrets, 'Voice Message');
	}
	ctx.logger.info(`Voice Message "${ctx.getNode().name}" called ${call.to} (${call.sid}) and waits up to ${waitMinutes} min for ${keys.join(' or ')}`);
	await ctx.putExecutionToWait(new Date(Date.now() + waitMinutes * 60_000));
	// Replaced by what resumes the execution; kept only while it waits (the editor shows it).
	return [[{ json: { ...callOutput(call), keys, waiting: true }, pairedItem: { item: 0 } }]];
}

function sendRaw(ctx: IWebhookFunctions, status: number, contentType: string, body: string): void {
	const res = ctx.getResponseObject();
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
	res.end(body);
}

/** Twilio's request to the resume URL: the key press (Digits) or a status callback (CallStatus). */
export async function resumeOnTwilio(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const served = resumeRequestUrl(ctx);
	const verdict = await verifyWebhookCall(ctx, served);
	if (!verdict.ok) {
		ctx.logger.warn(`Voice Message "${ctx.getNode().name}" refused a resume request with 403: ${REJECTION_TEXT[verdict.reason]}`, { reason: verdict.reason });
		sendRaw(ctx, 403, 'text/plain; charset=utf-8', `Forbidden: ${REJECTION_TEXT[verdict.reason]}`);
		return { noWebhookResponse: true };
	}
	const p = verdict.params;
	const keys = String(ctx.getNodeParameter('acknowledgeKeys', '1'))
		.split(/[\s,]+/)
		.filter((k) => k !== '');
	const call = {
		callSid: text(p, 'CallSid'),
		to: text(p, 'To'),
		from: text(p, 'From'),
		answeredBy: text(p, 'AnsweredBy') || null,
	};
	const voice = String(ctx.getNodeParameter('voice', 'Polly.Joanna'));
	if (p.Digits !== undefined) {
		const digit = text(p, 'Digits');
		if (keys.includes(digit)) {
			sendRaw(ctx, 200, 'text/xml; charset=utf-8', voiceReplyTwiml({ kind: 'say', text: 'Thank you. Your acknowledgement was recorded.', voice }));
			return {
				noWebhookResponse: true,
				workflowData: [[{ json: { acknowledged: true, digit, ...call, reason: null, callStatus: 'in-progress', duration: null }, pairedItem: { item: 0 } }]],
			};
		}
		// Another key: say so and ask once more; the execution keeps waiting, and silence ends the call.
		const again = gatherAgainTwiml({
			text: `You pressed ${digit}. To acknowledge, press ${keys.join(' or ')}.`,
			voice,
			action: served,
			timeoutSeconds: Number(ctx.getNodeParameter('acknowledgeTimeout', 5)) || 5,
		});
		sendRaw(ctx, 200, 'text/xml; charset=utf-8', again);
		return { noWebhookResponse: true };
	}
	const status = text(p, 'CallStatus');
	if (!FINAL.has(status)) {
		sendRaw(ctx, 200, 'text/xml; charset=utf-8', emptyTwiml());
		return { noWebhookResponse: true };
	}
	sendRaw(ctx, 200, 'text/xml; charset=utf-8', emptyTwiml());
	const answeredBy = text(p, 'AnsweredBy');
	return {
		noWebhookResponse: true,
		workflowData: [
			[
				{
					pairedItem: { item: 0 },
					json: {
						acknowledged: false,
						digit: null,
						...call,
						reason: notAcknowledgedReason(status, answeredBy),
						callStatus: status,
						duration: p.CallDuration === undefined ? null : Number(text(p, 'CallDuration')),
					},
				},
			],
		],
	};
}
