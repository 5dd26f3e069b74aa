/**
 * webhook(): verify, classify, drop retries, answer, and start the workflow. Order matters:
 * nothing about the request is trusted (or stored) before its signature is checked.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { emptyTwiml, messagingReplyTwiml, voiceReplyTwiml } from '../shared/twilio/twiml';
import { describeCodePoint, findNonXmlChar } from '../shared/validation/xml';
import { markChanged, seenBefore } from './dedupe';
import { workflowReplyMode } from './description';
import { classify, dedupeKey, EVENT_LABELS, param, toOutput, type TriggerEvent } from './events';
import { forwardReply, readRegistration, rememberWait, takeWait } from '../shared/twilio/replyRouting';
import type { FormParams } from '../shared/twilio/signature';
import { authTokenOf, header, REJECTION_TEXT, verifyWebhookCall, type RequestLike, type TwilioParams } from '../shared/twilio/webhookRequest';

export interface TriggerOptions {
	ignoreRetries?: boolean;
	publicUrl?: string;
	workflowReplyFrom?: 'lastNode' | 'respondNode';
}

type Answer = { kind: 'twiml'; twiml: string } | { kind: 'workflow' };


type ResponseLike = {
	headersSent?: boolean;
	writableFinished?: boolean;
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body?: string): unknown;
	once?(event: 'finish' | 'close', listener: () => void): unknown;
	setHeader?(name: string, value: string): unknown;
	send?(body?: unknown): unknown;
};

function send(res: ResponseLike, status: number, contentType: string, body: string): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
	res.end(body);
}


/**
 * Replies often echo what came in ("You said: {{ $json.body }}"), and a character XML cannot carry
 * would make the TwiML builder throw with the whole text. Twilio is waiting on this request, so the
 * trigger answers anyway, with a space in its place, and says so in the log (without the text).
 */
function xmlSafe(ctx: IWebhookFunctions, field: string, value: unknown): string {
	let rest = String(value ?? '');
	let out = '';
	let first: string | undefined;
	for (let bad = findNonXmlChar(rest); bad; bad = findNonXmlChar(rest)) {
		first ??= describeCodePoint(bad.code);
		out += `${rest.slice(0, bad.index)} `;
		rest = rest.slice(bad.index + String.fromCodePoint(bad.code).length);
	}
	if (first) ctx.logger.warn(`Twilio Trigger "${ctx.getNode().name}": ${field} contained ${first}, which TwiML (XML) cannot carry; it was replaced by a space`);
	return out + rest;
}

/**
 * n8n 2.x shows webhook-time expressions (Reply Text, Text to Say, Forward To) the request as
 * $json = { body, headers, params, query }. n8n 1.x gives them no input item, so
 * `{{ $json.body.Body }}` fails there with "Node … hasn't been executed" and Twilio gets a 500.
 * Handing 1.x the same item keeps one workflow answering alike on both; on 2.x the item is
 * already there and this does nothing.
 */
function showRequestToExpressions(ctx: IWebhookFunctions): void {
	const inputs = (ctx as unknown as { connectionInputData?: unknown }).connectionInputData;
	if (!Array.isArray(inputs) || inputs.length > 0) return;
	const req = ctx.getRequestObject();
	inputs.push({ json: { body: (req.body ?? {}) as IDataObject, headers: req.headers, params: req.params, query: req.query } });
}

/** What the trigger itself answers for this event, or that the workflow will. */
function answerFor(ctx: IWebhookFunctions, event: TriggerEvent): Answer {
	if (event === 'incomingSms') {
		const mode = ctx.getNodeParameter('smsReply', 'none') as string;
		if (mode === 'workflow') return { kind: 'workflow' };
		if (mode === 'text') return { kind: 'twiml', twiml: messagingReplyTwiml(xmlSafe(ctx, 'Reply Text', ctx.getNodeParameter('replyText', ''))) };
		return { kind: 'twiml', twiml: emptyTwiml() };
	}
	if (event === 'incomingCall') {
		const mode = ctx.getNodeParameter('voiceReply', 'say') as string;
		if (mode === 'workflow') return { kind: 'workflow' };
		if (mode === 'dial') return { kind: 'twiml', twiml: voiceReplyTwiml({ kind: 'dial', number: xmlSafe(ctx, 'Forward To', ctx.getNodeParameter('forwardTo', '')).trim() }) };
		if (mode === 'reject') {
			const reason = ctx.getNodeParameter('rejectReason', 'rejected') === 'busy' ? 'busy' : 'rejected';
			return { kind: 'twiml', twiml: voiceReplyTwiml({ kind: 'reject', reason }) };
		}
		return {
			kind: 'twiml',
			twiml: voiceReplyTwiml({
				kind: 'say',
				text: xmlSafe(ctx, 'Say Text', ctx.getNodeParameter('sayText', '')),
				voice: String(ctx.getNodeParameter('voice', 'Polly.Joanna')),
				language: String(ctx.getNodeParameter('language', '') ?? '') || undefined,
			}),
		};
	}
	// Status callbacks: Twilio only needs a 2xx. For a <Gather> action an empty document ends the call.
	return { kind: 'twiml', twiml: emptyTwiml() };
}


export async function handleWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = ctx.getRequestObject() as unknown as RequestLike;
	const res = ctx.getResponseObject() as unknown as ResponseLike;
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const served = (typeof ctx.getWebhookResourceUrl === 'function' ? ctx.getWebhookResourceUrl('default') : undefined) ?? ctx.getNodeWebhookUrl('default') ?? '';
	const verdict = await verifyWebhookCall(ctx, served, options.publicUrl?.trim() || undefined);
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
	// A Send and Wait node registering the reply it waits for (see nodes/shared/twilio/replyRouting.ts).
	const registration = readRegistration(params);
	if (registration) {
		rememberWait(ctx.getWorkflowStaticData('node') as IDataObject, registration);
		send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ registered: true }));
		return { noWebhookResponse: true };
	}
	const events = ctx.getNodeParameter('events', []) as TriggerEvent[];
	const event = classify(params);
	if (event === 'incomingSms' && (await routeReply(ctx, res, params, header(req.headers, 'i-twilio-idempotency-token')))) return { noWebhookResponse: true };
	if (!event || !events.includes(event)) {
		// Genuine, but not something this trigger listens to: acknowledge so Twilio does not retry or log an error.
		ctx.logger.debug(`Twilio Trigger "${node.name}" ignored a ${event ? EVENT_LABELS[event] : 'request of unknown kind'}`);
		send(res, 200, 'text/xml; charset=utf-8', emptyTwiml());
		return { noWebhookResponse: true };
	}

	showRequestToExpressions(ctx);
	const answer = answerFor(ctx, event);
	const staticData = ctx.getWorkflowStaticData('node') as IDataObject;
	const token = header(req.headers, 'i-twilio-idempotency-token');
	const key = dedupeKey(event, params, token);
	// isPending first: seenBefore also remembers the key, which must happen once per delivery.
	if (options.ignoreRetries !== false && (isPending(key) || seenBefore(staticData, key))) {
		// The first delivery's workflow owns the answer; a retried one gets the same fixed answer or none.
		send(res, 200, 'text/xml; charset=utf-8', answer.kind === 'twiml' ? answer.twiml : emptyTwiml());
		return { noWebhookResponse: true };
	}

	const workflowData = [ctx.helpers.returnJsonArray([toOutput(event, params)])];
	// n8n saves static data (if marked changed) as soon as webhook() says the node has answered
	// (noWebhookResponse), or else just before sending the answer, after creating the execution;
	// creating it may reset the mark (see remarkAfterThisTick).
	remarkAfterThisTick(staticData);
	// How n8n answers requests to this node: the same decision as its webhook description's responseMode.
	const nodeMode = workflowReplyMode({
		events,
		smsReply: ctx.getNodeParameter('smsReply', 'none') as string,
		voiceReply: ctx.getNodeParameter('voiceReply', 'say') as string,
		workflowReplyFrom: options.workflowReplyFrom,
	});
	if (answer.kind === 'workflow') {
		awaitWorkflowAnswer(res, key, event, nodeMode === 'responseNode');
		return { workflowData };
	}
	// Queue mode: a retry may reach another webhook process, which knows the delivery only from the
	// database. Handed to n8n as webhookResponse, the answer goes out after n8n has saved the memory
	// (and after it has created the execution).
	if (nodeMode === 'onReceived' && !oneWebhookProcess()) return { workflowData, webhookResponse: answer.twiml };
	// Otherwise the trigger answers itself, now, and n8n saves the memory just after; until then any
	// retry comes to this process, which remembers the delivery. In regular mode this saves Twilio the
	// wait for the execution to be created (`npm run bench`: 1.22× → 0.82× n8n's Twilio Trigger's p50).
	// With the workflow answering other events, n8n would wait for the workflow.
	rememberPending(key);
	send(res, 200, 'text/xml; charset=utf-8', answer.twiml);
	return { workflowData, noWebhookResponse: true };
}

/**
 * Whether every webhook of this n8n comes to this process: regular mode, n8n's default. Queue mode
 * (EXECUTIONS_MODE=queue, which multi-main and webhook processes require) may spread them.
 */
function oneWebhookProcess(): boolean {
	const mode = (process.env.EXECUTIONS_MODE ?? '').trim();
	return mode === '' || mode === 'regular';
}

/**
 * An SMS from a recipient that an execution is waiting on goes to that execution, not to this
 * trigger's workflow. If the execution no longer waits (answered, timed out, deleted), the SMS is
 * handled as any other. n8n saves the registry (static data) when this request is answered.
 */
async function routeReply(ctx: IWebhookFunctions, res: ResponseLike, params: TwilioParams, token: string | undefined): Promise<boolean> {
	const staticData = ctx.getWorkflowStaticData('node') as IDataObject;
	// A wait registered for a Messaging Service as the sender is keyed by the service, which Twilio names in the SMS.
	const service = param(params, 'MessagingServiceSid');
	const resumeUrl = takeWait(staticData, param(params, 'To'), param(params, 'From')) ?? (service ? takeWait(staticData, service, param(params, 'From')) : undefined);
	if (!resumeUrl) return false;
	const answer = await forwardReply(resumeUrl, (await authTokenOf(ctx)) ?? '', params as FormParams);
	if (answer.unanswered) {
		ctx.logger.warn(`Twilio Trigger "${ctx.getNode().name}": the execution waiting for a reply from ${param(params, 'From')} did not answer in time; the reply was handed to it, so this workflow does not run for it`);
	} else if (answer.status < 200 || answer.status >= 300) {
		ctx.logger.info(`Twilio Trigger "${ctx.getNode().name}": the execution waiting for a reply from ${param(params, 'From')} did not take it (${answer.status || 'no answer'}); handling it as usual`);
		return false;
	}
	// A retry of this delivery must not start the trigger's workflow either.
	seenBefore(staticData, dedupeKey('incomingSms', params, token));
	const twiml = /xml/.test(answer.contentType) && answer.body.trim().startsWith('<') ? answer.body : emptyTwiml();
	send(res, 200, 'text/xml; charset=utf-8', twiml);
	return true;
}

/**
 * n8n saves a webhook's static data only if it is marked changed, and building a Workflow over the
 * same object resets that mark (n8n-workflow's ObservableObject). n8n 2.x builds one for the
 * execution (WorkflowRunner.establishContextForPersistence) in the same tick as webhook() returns,
 * before any I/O, and the save comes only after the execution is created. On n8n 2.40.7 the tests
 * pass without this re-mark (tried), so the object n8n builds it over is not ours there; the re-mark
 * after this tick (setImmediate) is a guard that costs nothing and leaves no timer running.
 * test/e2e/trigger-retry-memory.test.ts and the queue test check the outcome either way.
 */
function remarkAfterThisTick(staticData: IDataObject): void {
	setImmediate(() => markChanged(staticData));
}

/**
 * How long this process remembers a delivery. Twilio gives up on a request after 15 s at most, but
 * the workflow may run on much longer; its answer, when it comes, also saves the memory in static data.
 */
const PENDING_MS = 10 * 60_000;
const PENDING_MAX = 1_000;

/**
 * Deliveries whose memory n8n may not have saved in static data yet, in this process: the workflow
 * is still working on the answer (n8n saves the memory when that answer goes out, so a retry arriving
 * meanwhile, after Twilio read-timed out on a slow workflow, would not find it there), or the trigger
 * answered just now and n8n saves right after. Entries leave when a workflow's answer is sent, or
 * expire; nothing runs on a timer.
 */
const pending = new Map<string, number>();

function isPending(key: string, now = Date.now()): boolean {
	for (const [k, deadline] of pending) {
		// Insertion order is deadline order, so expired entries are all at the front.
		if (deadline > now) break;
		pending.delete(k);
	}
	return pending.has(key);
}

function rememberPending(key: string): void {
	pending.set(key, Date.now() + PENDING_MS);
	if (pending.size > PENDING_MAX) pending.delete(pending.keys().next().value as string);
}

/** Remembers the delivery in this process until its workflow has answered. */
function awaitWorkflowAnswer(res: ResponseLike, key: string, event: TriggerEvent, fromRespondNode: boolean): void {
	rememberPending(key);
	// 'finish', not 'close': when Twilio times out it closes the connection, and its retry must
	// still find the delivery pending until the workflow's answer (and the saved memory) exists.
	res.once?.('finish', () => pending.delete(key));
	if (!fromRespondNode) answerWithEventContentType(res, event);
}

/**
 * n8n gives one content type per node, but a trigger that answers both SMS and calls from the
 * workflow needs one per event: a call's answer must be TwiML, and Twilio sends a plain-text answer
 * to a message as the reply itself (TwiML, if the workflow wrote TwiML). With a Respond to Webhook
 * node the workflow sets its own headers and this stays out of the way.
 */
function answerWithEventContentType(res: ResponseLike, event: TriggerEvent): void {
	const original = res.send;
	if (typeof original !== 'function') return;
	res.send = function (this: ResponseLike, body?: unknown) {
		const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
		if (text !== undefined && !res.headersSent) {
			const twiml = event === 'incomingCall' || /^\s*</.test(text);
			res.setHeader?.('content-type', twiml ? 'text/xml; charset=utf-8' : 'text/plain; charset=utf-8');
		}
		return original.call(this, body);
	};
}
