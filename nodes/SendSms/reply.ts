/**
 * Send and Wait for Response, by reply SMS: the execution waits for the recipient's next SMS to the
 * number it texted from. The Twilio Comms Trigger that owns that number's SMS URL routes the reply
 * here (nodes/shared/twilio/replyRouting.ts); this node registers with it before it sends, so a
 * number nobody routes fails before anything is sent.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { loadTwilio } from '../shared/twilio/context';
import { toNodeError } from '../shared/twilio/errors';
import { messageOutput } from '../shared/twilio/output';
import { registerWait } from '../shared/twilio/replyRouting';
import { emptyTwiml } from '../shared/twilio/twiml';
import { REJECTION_TEXT, resumeRequestUrl, signingToken, verifyWebhookCall } from '../shared/twilio/webhookRequest';
import { readSmsRequest } from './send';
import { refuseAsTool, readWaitMinutes } from './wait';

const normalize = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** The configured choice the reply is, ignoring case and spaces ("yes " = "YES"), or null. */
export function matchChoice(reply: string, choices: string[]): string | null {
	return choices.find((c) => normalize(c) === normalize(reply)) ?? null;
}

export function parseChoices(raw: unknown): string[] {
	return String(raw ?? '')
		.split(',')
		.map((c) => c.trim())
		.filter((c) => c !== '');
}

export async function sendAndWaitForReply(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const i = 0;
	refuseAsTool(ctx);
	const twilio = await loadTwilio(ctx);
	const waitMinutes = readWaitMinutes(ctx, i);
	const params = readSmsRequest(ctx, twilio.credentials, i);
	const from = params.from;
	if (!from) {
		throw new NodeOperationError(ctx.getNode(), `Invalid Send From in item ${i}: waiting for a reply needs a phone number as the sender`, {
			itemIndex: i,
			description: 'Pick the number the reply will come back to. Routing replies of a Messaging Service is not supported yet.',
		});
	}
	const bare = from.replace(/^whatsapp:/, '');
	let smsUrl: string | null | undefined;
	try {
		smsUrl = (await twilio.client.incomingPhoneNumbers.list({ phoneNumber: bare, limit: 1 }))[0]?.smsUrl;
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, i, twilio.secrets, 'Send SMS');
	}
	const fix = `Activate a Twilio Comms Trigger for incoming SMS on ${bare} (in any workflow): it routes each reply to the execution waiting for that sender, and every other SMS to its own workflow`;
	if (!smsUrl) throw new NodeOperationError(ctx.getNode(), `Replies to ${bare} would go nowhere: the number has no SMS URL`, { itemIndex: i, description: fix });
	const token = signingToken(twilio.credentials);
	if (!token) throw new NodeOperationError(ctx.getNode(), 'The Twilio credential has no Auth Token to sign the wait with', { itemIndex: i, description: 'Set the Auth Token (or, for API-key credentials, the webhook Auth Token) in the credential' });
	const expiresAt = Date.now() + waitMinutes * 60_000;
	const registered = await registerWait(smsUrl, token, { number: from, recipient: params.to, resumeUrl: ctx.getSignedResumeUrl(), expiresAt });
	if (!registered.ok) {
		throw new NodeOperationError(ctx.getNode(), `Replies to ${bare} go to ${smsUrl}, which did not take the wait (${registered.status || 'no answer'}); nothing was sent`, { itemIndex: i, description: fix });
	}
	let sent;
	try {
		sent = await twilio.client.messages.create(params);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, i, twilio.secrets, 'Send SMS');
	}
	await ctx.putExecutionToWait(new Date(expiresAt));
	return [[{ json: { ...messageOutput(sent), waiting: true }, pairedItem: { item: 0 } }]];
}

/** The reply, forwarded by the trigger and signed as Twilio signs it. */
export async function replyWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = ctx.getResponseObject();
	const verdict = await verifyWebhookCall(ctx, resumeRequestUrl(ctx));
	if (!verdict.ok) {
		ctx.logger.warn(`Send SMS "${ctx.getNode().name}" refused a reply with 403: ${REJECTION_TEXT[verdict.reason]}`, { reason: verdict.reason });
		res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
		res.end(`Forbidden: ${REJECTION_TEXT[verdict.reason]}`);
		return { noWebhookResponse: true };
	}
	const p = verdict.params;
	const text = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
	const twiml = emptyTwiml();
	res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': String(Buffer.byteLength(twiml)) });
	res.end(twiml);
	const reply = text('Body');
	const json: IDataObject = {
		reply,
		choice: matchChoice(reply, parseChoices(ctx.getNodeParameter('choices', ''))),
		from: text('From'),
		to: text('To'),
		messageSid: text('MessageSid') || text('SmsSid'),
		numMedia: Number(text('NumMedia') || 0),
		receivedAt: new Date().toISOString(),
	};
	return { noWebhookResponse: true, workflowData: [[{ json, pairedItem: { item: 0 } }]] };
}
