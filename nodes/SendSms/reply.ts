/**
 * Send and Wait for Response, by reply SMS: the execution waits for the recipient's next SMS to the
 * number it texted from. The Twilio Comms Trigger that owns that number's SMS URL routes the reply
 * here (nodes/shared/twilio/replyRouting.ts); this node registers with it before it sends, so a
 * number nobody routes fails before anything is sent.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { loadTwilio, type TwilioContext } from '../shared/twilio/context';
import { inboundSmsUrl, twilioNumbersApi } from '../shared/twilio/numbers';
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

const fixFor = (label: string) =>
	`Activate a Twilio Comms Trigger for incoming SMS on ${label} (in any workflow): it routes each reply to the execution waiting for that sender, and every other SMS to its own workflow`;

/**
 * Who receives the reply, as Twilio routes inbound SMS: the sending number's own SMS URL, or the
 * inbound URL of its Messaging Service when the service owns inbound; for a service as the sender,
 * that service's inbound URL. `key` is what the reply will carry: its To, or its MessagingServiceSid.
 */
async function replyRoute(ctx: IExecuteFunctions, twilio: TwilioContext, params: { from?: string; messagingServiceSid?: string }, i: number): Promise<{ url: string; key: string; label: string }> {
	const api = twilioNumbersApi(twilio.client);
	const fail = (message: string, label: string) => new NodeOperationError(ctx.getNode(), message, { itemIndex: i, description: fixFor(label) });
	// Only Twilio's answers are wrapped here; the checks below throw their own errors.
	const call = async <T>(request: Promise<T>): Promise<T> => {
		try {
			return await request;
		} catch (error) {
			throw toNodeError(ctx.getNode(), error, i, twilio.secrets, 'Send SMS');
		}
	};
	if (params.messagingServiceSid) {
		const sid = params.messagingServiceSid;
		const s = await call(api.fetchService(sid));
		if (!s) throw fail(`The Messaging Service ${sid} is not on this Twilio account`, sid);
		const label = `the Messaging Service "${s.friendlyName}" (${sid})`;
		if (s.useInboundWebhookOnNumber) {
			throw new NodeOperationError(ctx.getNode(), `Replies to ${label} go to each sender number's own SMS URL, so they cannot be routed to this execution yet`, {
				itemIndex: i,
				description: 'Send from one of its numbers instead (Send From: Phone Number), or let the service own inbound messages with a Twilio Comms Trigger as its Inbound Request URL',
			});
		}
		if (!s.inboundRequestUrl) throw fail(`Replies to ${label} would go nowhere: the service has no Inbound Request URL`, label);
		return { url: s.inboundRequestUrl, key: sid, label };
	}
	const from = (params.from ?? '').replace(/^whatsapp:/, '');
	const n = from ? await call(api.find(from)) : undefined;
	if (!n) throw fail(`The sender ${from || '(none)'} is not a number on this Twilio account, so no reply can be routed to this execution`, from || 'your number');
	const { url, owner } = inboundSmsUrl(n, await call(api.serviceOf(n.sid)));
	if (!url) throw fail(`Replies to ${n.phoneNumber} would go nowhere: ${owner} has no URL for inbound SMS`, n.phoneNumber);
	return { url, key: params.from!, label: n.phoneNumber };
}

export async function sendAndWaitForReply(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const i = 0;
	refuseAsTool(ctx);
	const twilio = await loadTwilio(ctx);
	const waitMinutes = readWaitMinutes(ctx, i);
	const params = readSmsRequest(ctx, twilio.credentials, i);
	const route = await replyRoute(ctx, twilio, params, i);
	const token = signingToken(twilio.credentials);
	if (!token) throw new NodeOperationError(ctx.getNode(), 'The Twilio credential has no Auth Token to sign the wait with', { itemIndex: i, description: 'Set the Auth Token (or, for API-key credentials, the webhook Auth Token) in the credential' });
	const expiresAt = Date.now() + waitMinutes * 60_000;
	const registered = await registerWait(route.url, token, { number: route.key, recipient: params.to, resumeUrl: ctx.getSignedResumeUrl(), expiresAt });
	if (!registered.ok) {
		throw new NodeOperationError(ctx.getNode(), `Replies to ${route.label} go to ${route.url}, which did not take the wait (${registered.status || 'no answer'}); nothing was sent`, { itemIndex: i, description: fixFor(route.label) });
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
