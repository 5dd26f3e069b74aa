/**
 * webhook(): verify the Svix signature over the raw body, drop replays, start the workflow with one
 * flat item. Nothing in the request is trusted, parsed or remembered before its signature checks out.
 *
 * Answers: 401 for anything unsigned, forged, or outside the 5-minute window; 200 without an
 * execution for a replayed svix-id (so Resend, if it is the one retrying, stops) and for genuine
 * events this node does not listen to; 200 and one execution otherwise.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { readRegistration } from './hooks';
import { toOutput } from './output';
import { markChanged, replayKey, seenBefore } from './replays';
import { REJECTION_TEXT, verify, type RejectReason } from './svix';

interface RequestLike {
	headers: Record<string, string | string[] | undefined>;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

interface ResponseLike {
	headersSent?: boolean;
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body?: string): unknown;
}

function header(req: RequestLike, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

function answer(res: ResponseLike, status: number, body: IDataObject): IWebhookResponseData {
	if (!res.headersSent) {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
		res.end(text);
	}
	return { noWebhookResponse: true };
}

/**
 * n8n 2.x keeps the bytes it parsed the JSON body from in `rawBody` (its body parser reads them
 * before parsing). If a version has not read them yet, asking it to is the only way to the exact
 * bytes; re-serialising `body` would change spacing and break every signature.
 */
async function rawBody(req: RequestLike): Promise<Buffer | undefined> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
}

function secretFor(ctx: IWebhookFunctions, url: string): string | undefined {
	if (ctx.getNodeParameter('setupMode', 'automatic') === 'manual') return String(ctx.getNodeParameter('signingSecret', '') ?? '').trim() || undefined;
	return readRegistration(ctx.getWorkflowStaticData('node') as IDataObject, url)?.signingSecret;
}

export async function handleWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = ctx.getRequestObject() as unknown as RequestLike;
	const res = ctx.getResponseObject() as unknown as ResponseLike;
	const node = ctx.getNode();
	const url = (typeof ctx.getWebhookResourceUrl === 'function' ? ctx.getWebhookResourceUrl('default') : undefined) ?? ctx.getNodeWebhookUrl('default') ?? '';

	const refuse = (reason: RejectReason | 'no-secret' | 'no-body'): IWebhookResponseData => {
		const text =
			reason === 'no-secret'
				? 'this trigger has no signing secret (not activated in Automatic mode, or no secret entered in Manual mode)'
				: reason === 'no-body'
					? 'the raw request body is not available to check the signature'
					: REJECTION_TEXT[reason];
		// Logged without headers, secret or body: only what helps find a misconfiguration.
		ctx.logger.warn(`Email Events Trigger "${node.name}" rejected a request with 401: ${text}`, { workflowId: ctx.getWorkflow().id, node: node.name, reason });
		return answer(res, 401, { error: 'Unauthorized', reason: text });
	};

	const secret = secretFor(ctx, url);
	if (!secret) return refuse('no-secret');
	const body = await rawBody(req);
	if (!body) return refuse('no-body');
	const verdict = verify({
		secret,
		headers: { id: header(req, 'svix-id'), timestamp: header(req, 'svix-timestamp'), signature: header(req, 'svix-signature') },
		body,
	});
	if (!verdict.ok) return refuse(verdict.reason);

	let payload: IDataObject;
	try {
		payload = JSON.parse(body.toString('utf8')) as IDataObject;
	} catch {
		return answer(res, 400, { error: 'Bad Request', reason: 'the body is not JSON' });
	}
	if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return answer(res, 400, { error: 'Bad Request', reason: 'the body is not a JSON object' });

	const events = ctx.getNodeParameter('events', []) as string[];
	if (typeof payload.type !== 'string' || !events.includes(payload.type)) {
		// Genuine, but not chosen here (a manual webhook with more events): acknowledged so Resend does not retry.
		ctx.logger.debug(`Email Events Trigger "${node.name}" ignored a ${String(payload.type)} event`);
		return answer(res, 200, { received: true, ignored: true });
	}

	const staticData = ctx.getWorkflowStaticData('node') as IDataObject;
	if (seenBefore(staticData, replayKey(`${ctx.getWorkflow().id ?? ''}:${node.id}`, verdict.id), verdict.timestamp)) {
		ctx.logger.info(`Email Events Trigger "${node.name}" ignored a repeated delivery of an event it already accepted`, { workflowId: ctx.getWorkflow().id, node: node.name });
		return answer(res, 200, { received: true, duplicate: true });
	}
	// n8n saves static data just before it answers, after creating the execution; building the
	// execution's Workflow object can reset the changed mark. Marking again after this tick keeps the
	// remembered id in the save (the same guard as the Twilio trigger's, see its webhook.ts).
	setImmediate(() => markChanged(staticData));
	return { workflowData: [ctx.helpers.returnJsonArray([toOutput(payload, verdict.id)])] };
}
