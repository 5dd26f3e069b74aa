/**
 * webhook(): verify, classify, drop retries, answer, and start the workflow. Order matters:
 * nothing about the request is trusted (or stored) before its signature is checked.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { readTwilioCredentials, TWILIO_CREDENTIAL } from '../shared/twilio/client';
import { emptyTwiml, messagingReplyTwiml, voiceReplyTwiml } from '../shared/twilio/twiml';
import { seenBefore } from './dedupe';
import { classify, dedupeKey, EVENT_LABELS, toOutput, type TriggerEvent } from './events';
import { signingToken } from './hooks';
import { expectedUrl, verifyRequest, type Rejection } from './verify';

export interface TriggerOptions {
	ignoreRetries?: boolean;
	publicUrl?: string;
	workflowReplyFrom?: 'lastNode' | 'respondNode';
}

type Answer = { kind: 'twiml'; twiml: string } | { kind: 'workflow' };

const REJECTION_TEXT: Record<Rejection, string> = {
	method: 'only POST requests are accepted',
	'too-large': 'the body is too large for a Twilio webhook',
	'not-form-or-json': 'the body is neither form-encoded nor JSON',
	'missing-signature': 'no X-Twilio-Signature header',
	mismatch: 'X-Twilio-Signature does not match this URL and body',
	'body-hash-mismatch': 'bodySHA256 does not match the body',
	'no-auth-token': 'the credential has no Auth Token to check signatures with',
};

type ResponseLike = {
	headersSent?: boolean;
	writableFinished?: boolean;
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body?: string): unknown;
	once?(event: 'finish' | 'close', listener: () => void): unknown;
};

function send(res: ResponseLike, status: number, contentType: string, body: string): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
	res.end(body);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const v = headers[name];
	return Array.isArray(v) ? v[0] : v;
}

/** What the trigger itself answers for this event, or that the workflow will. */
function answerFor(ctx: IWebhookFunctions, event: TriggerEvent): Answer {
	if (event === 'incomingSms') {
		const mode = ctx.getNodeParameter('smsReply', 'none') as string;
		if (mode === 'workflow') return { kind: 'workflow' };
		if (mode === 'text') return { kind: 'twiml', twiml: messagingReplyTwiml(String(ctx.getNodeParameter('replyText', '') ?? '')) };
		return { kind: 'twiml', twiml: emptyTwiml() };
	}
	if (event === 'incomingCall') {
		const mode = ctx.getNodeParameter('voiceReply', 'say') as string;
		if (mode === 'workflow') return { kind: 'workflow' };
		if (mode === 'dial') return { kind: 'twiml', twiml: voiceReplyTwiml({ kind: 'dial', number: String(ctx.getNodeParameter('forwardTo', '')).trim() }) };
		if (mode === 'reject') {
			const reason = ctx.getNodeParameter('rejectReason', 'rejected') === 'busy' ? 'busy' : 'rejected';
			return { kind: 'twiml', twiml: voiceReplyTwiml({ kind: 'reject', reason }) };
		}
		return {
			kind: 'twiml',
			twiml: voiceReplyTwiml({
				kind: 'say',
				text: String(ctx.getNodeParameter('sayText', '') ?? ''),
				voice: String(ctx.getNodeParameter('voice', 'Polly.Joanna')),
				language: String(ctx.getNodeParameter('language', '') ?? '') || undefined,
			}),
		};
	}
	// Status callbacks: Twilio only needs a 2xx. For a <Gather> action an empty document ends the call.
	return { kind: 'twiml', twiml: emptyTwiml() };
}

async function authTokenOf(ctx: IWebhookFunctions): Promise<string | undefined> {
	try {
		return signingToken(readTwilioCredentials(await ctx.getCredentials(TWILIO_CREDENTIAL)));
	} catch {
		return undefined;
	}
}

export async function handleWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = ctx.getRequestObject() as unknown as {
		method: string;
		originalUrl?: string;
		url: string;
		headers: Record<string, string | string[] | undefined>;
		rawBody?: Buffer;
		body: unknown;
	};
	const res = ctx.getResponseObject() as unknown as ResponseLike;
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const served = (typeof ctx.getWebhookResourceUrl === 'function' ? ctx.getWebhookResourceUrl('default') : undefined) ?? ctx.getNodeWebhookUrl('default') ?? '';
	const verdict = verifyRequest(
		{
			method: req.method,
			contentType: (header(req.headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase(),
			rawBody: req.rawBody,
			body: req.body,
			signature: header(req.headers, 'x-twilio-signature'),
			url: expectedUrl(served, req.originalUrl ?? req.url, options.publicUrl?.trim() || undefined),
		},
		await authTokenOf(ctx),
	);
	if (!verdict.ok) {
		// Logged without the signature, token or body: only what helps find the misconfiguration.
		ctx.logger.warn(`Twilio Trigger "${node.name}" rejected a request with 403: ${REJECTION_TEXT[verdict.reason]}`, {
			workflowId: ctx.getWorkflow().id,
			node: node.name,
			reason: verdict.reason,
		});
		send(res, 403, 'text/plain; charset=utf-8', `Forbidden: ${REJECTION_TEXT[verdict.reason]}`);
		return { noWebhookResponse: true };
	}

	const params = verdict.params;
	const events = ctx.getNodeParameter('events', []) as TriggerEvent[];
	const event = classify(params);
	if (!event || !events.includes(event)) {
		// Genuine, but not something this trigger listens to: acknowledge so Twilio does not retry or log an error.
		ctx.logger.debug(`Twilio Trigger "${node.name}" ignored a ${event ? EVENT_LABELS[event] : 'request of unknown kind'}`);
		send(res, 200, 'text/xml; charset=utf-8', emptyTwiml());
		return { noWebhookResponse: true };
	}

	const answer = answerFor(ctx, event);
	const staticData = ctx.getWorkflowStaticData('node') as IDataObject;
	const token = header(req.headers, 'i-twilio-idempotency-token');
	if (options.ignoreRetries !== false && seenBefore(staticData, dedupeKey(event, params, token))) {
		// The first delivery's workflow owns the answer; a retried one gets the same fixed answer or none.
		send(res, 200, 'text/xml; charset=utf-8', answer.kind === 'twiml' ? answer.twiml : emptyTwiml());
		return { noWebhookResponse: true };
	}

	const workflowData = [ctx.helpers.returnJsonArray([toOutput(event, params)])];
	if (answer.kind === 'workflow') {
		keepDirtyUntilAnswered(res, staticData);
		return { workflowData };
	}
	// Answered here, with noWebhookResponse: n8n then saves static data (the retry memory) before it
	// starts the execution. Returning webhookResponse instead would lose it: n8n 2.40 builds the
	// execution's Workflow over the same static data first, which clears its "changed" flag.
	send(res, 200, 'text/xml; charset=utf-8', answer.twiml);
	return { workflowData, noWebhookResponse: true };
}

/** Twilio's own timeout; nothing is kept dirty longer than that. */
const ANSWER_WAIT_MS = 15_000;

/**
 * Every millisecond: the mark must land between the moment n8n builds the execution (which clears
 * it) and the moment the execution ends, and for a workflow of one Set node that window can be
 * shorter than 25 ms (at a 25 ms period a retried delivery started a second execution about once in
 * a dozen e2e runs; at 1 s, every time).
 */
const TOUCH_EVERY_MS = 1;

/** Static data of requests still waiting for their workflow's answer, re-marked by one shared timer. */
const waiting = new Map<IDataObject, { res: ResponseLike; deadline: number }>();
let toucher: ReturnType<typeof setInterval> | undefined;

function touchWaiting(): void {
	const now = Date.now();
	for (const [staticData, { res, deadline }] of waiting) {
		if (res.writableFinished === true || now > deadline) waiting.delete(staticData);
		else staticData.touched = now;
	}
	if (waiting.size === 0) {
		clearInterval(toucher);
		toucher = undefined;
	}
}

/**
 * When the workflow answers, n8n saves static data only if it is marked changed when the execution
 * ends, but creating the execution clears the mark. Re-marking it (a timestamp) until the answer
 * has gone out makes n8n save the retry memory with the execution. Bounded by Twilio's timeout.
 */
function keepDirtyUntilAnswered(res: ResponseLike, staticData: IDataObject): void {
	waiting.set(staticData, { res, deadline: Date.now() + ANSWER_WAIT_MS });
	if (!toucher) {
		toucher = setInterval(touchWaiting, TOUCH_EVERY_MS);
		toucher.unref?.();
	}
	const done = () => waiting.delete(staticData);
	res.once?.('finish', done);
	res.once?.('close', done);
}
