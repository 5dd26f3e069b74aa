/**
 * Send and Wait for Response, approval by link: the SMS carries this execution's signed resume
 * links, one per choice, and the execution waits until one is used. No reply routing is involved:
 * the link itself says which execution and which choice, and n8n checks its signature (operation
 * "sendAndWait"), so a link edited from Decline to Approve is refused.
 *
 * Opening a link only shows a page with one button; the button (a POST) records the answer. Phones
 * and chat apps fetch links to draw previews, and such a fetch must not approve anything.
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
import { loadTwilio } from '../shared/twilio/context';
import { toNodeError } from '../shared/twilio/errors';
import { messageOutput } from '../shared/twilio/output';
import { readSmsRequest } from './send';
import { readWaitMinutes, refuseAsTool } from './wait';

export const SEND_AND_WAIT = SEND_AND_WAIT_OPERATION;

export type ApprovalType = 'single' | 'double';

export interface ApprovalLinks {
	approve: string;
	decline?: string;
}

/** The SMS text: the message, then one line per choice with its link. */
export function approvalText(message: string, labels: { approve: string; decline: string }, links: ApprovalLinks): string {
	const lines = [message.trim(), '', `${labels.approve}: ${links.approve}`];
	if (links.decline) lines.push(`${labels.decline}: ${links.decline}`);
	return lines.join('\n');
}

export async function sendAndWaitForApproval(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// One execution waits once, so it sends for its first item, as n8n's own send-and-wait operations do.
	const i = 0;
	refuseAsTool(ctx);
	const twilio = await loadTwilio(ctx);
	const type = ctx.getNodeParameter('approvalType', i, 'double') as ApprovalType;
	const labels = {
		approve: String(ctx.getNodeParameter('approveLabel', i, 'Approve')).trim() || 'Approve',
		decline: String(ctx.getNodeParameter('declineLabel', i, 'Decline')).trim() || 'Decline',
	};
	const waitMinutes = readWaitMinutes(ctx, i);
	const links: ApprovalLinks = {
		approve: ctx.getSignedResumeUrl({ approved: 'true' }),
		decline: type === 'double' ? ctx.getSignedResumeUrl({ approved: 'false' }) : undefined,
	};
	const message = String(ctx.getNodeParameter('body', i, ''));
	if (message.trim() === '') {
		throw new NodeOperationError(ctx.getNode(), `Invalid Message "" in item ${i}: the text that asks for the approval is required`, { itemIndex: i });
	}
	const params = readSmsRequest(ctx, twilio.credentials, i, approvalText(message, labels, links));
	let sent;
	try {
		sent = await twilio.client.messages.create(params);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, i, twilio.secrets, 'Send SMS');
	}
	await ctx.putExecutionToWait(new Date(Date.now() + waitMinutes * 60_000));
	// Replaced by the answer when the execution resumes; shown in the editor while it waits.
	return [[{ json: { ...messageOutput(sent), waiting: true }, pairedItem: { item: 0 } }]];
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(title: string, body: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}button{font-size:1.1rem;padding:.7rem 1.6rem;border:0;border-radius:.4rem;background:#ff6d5a;color:#fff;cursor:pointer}</style></head><body>${body}</body></html>`;
}

function respond(ctx: IWebhookFunctions, html: string): void {
	const res = ctx.getResponseObject();
	if (res.headersSent) return;
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(html)) });
	res.end(html);
}

/** A link from the SMS (GET: the confirmation page) or its button (POST: the answer). n8n has checked the link's signature. */
export async function approvalWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = ctx.getRequestObject();
	const approved = (req.query as IDataObject).approved === 'true';
	const label = approved ? String(ctx.getNodeParameter('approveLabel', 'Approve')) || 'Approve' : String(ctx.getNodeParameter('declineLabel', 'Decline')) || 'Decline';
	if (req.method !== 'POST') {
		// An empty action posts back to this very URL, signature and choice included.
		respond(ctx, page(label, `<p>Record your answer: <strong>${escapeHtml(label)}</strong>?</p><form method="post" action=""><button type="submit">${escapeHtml(label)}</button></form>`));
		return { noWebhookResponse: true };
	}
	respond(ctx, page('Answer recorded', `<p>Your answer, <strong>${escapeHtml(label)}</strong>, was recorded. You can close this page.</p>`));
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: { approved, answer: label, respondedAt: new Date().toISOString() }, pairedItem: { item: 0 } }]],
	};
}
