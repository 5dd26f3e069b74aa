/**
 * The scripted chat model's HTTP server: an OpenAI-compatible API on its own port, so n8n's
 * "OpenAI Chat Model" node (Base URL = `chatModel.url`, Responses API off) talks to it like to
 * api.openai.com. It answers from the script (script.ts), records every request, and knows nothing
 * of Twilio, Resend or the sandbox's faults.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHAT_MODEL_IDS, FIXTURE_DATE } from '../fixtures';
import { BodyTooLarge, closeServer, JsonResponse, listen, origin, readBody, send } from '../http';
import { completion, streamChunks, usageOf } from './completion';
import type { ChatModelLog, ChatModelRequest } from './log';
import { runScript, ScriptError, type ChatMessage, type ScriptReply } from './script';

/** OpenAI's error body: `{error: {message, type, param, code}}`. */
function openAiError(status: number, message: string, code: string | null = null, param: string | null = null): JsonResponse {
	return { status, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

function unauthorized(header: string | undefined): JsonResponse {
	const key = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
	const message = key
		? `Incorrect API key provided: ${key.slice(0, 3)}${'*'.repeat(Math.max(0, key.length - 7))}${key.slice(-4)}. The sandbox's chat model takes only CHAT_MODEL_API_KEY.`
		: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
	return openAiError(401, message, 'invalid_api_key');
}

const MODELS = {
	object: 'list',
	data: CHAT_MODEL_IDS.map((id) => ({ id, object: 'model', created: Math.floor(FIXTURE_DATE.getTime() / 1000), owned_by: 'sandbox' })),
};

type Answer = JsonResponse | { status: 200; events: unknown[] };

function parseBody(raw: Buffer): unknown {
	if (raw.length === 0) return null;
	const text = raw.toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export class ChatModelServer {
	private readonly server: http.Server;

	constructor(
		private readonly state: ChatModelLog,
		private readonly log: (line: string) => void,
	) {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((err: unknown) => {
				this.log(`chat model error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
				if (!res.headersSent) send(res, { status: 500, body: { error: { message: 'The scripted chat model failed.', type: 'server_error', param: null, code: null } } });
				else res.destroy();
			});
		});
	}

	/** Listens, and sets the log's `url` (`http://127.0.0.1:PORT/v1`). */
	async listen(port: number, host: string): Promise<AddressInfo> {
		const address = await listen(this.server, port, host);
		this.state.url = `${origin(address)}/v1`;
		return address;
	}

	close(): Promise<void> {
		return closeServer(this.server);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = req.method ?? 'GET';
		const path = new URL(req.url ?? '/', 'http://chat-model.invalid').pathname;
		const entry: ChatModelRequest = { at: new Date().toISOString(), method, path, body: null, status: 0 };
		this.state.record(entry);
		let answer: Answer;
		try {
			const raw = await readBody(req);
			entry.body = parseBody(raw);
			answer = this.answer(method, path, req.headers.authorization, entry.body);
		} catch (err) {
			if (!(err instanceof BodyTooLarge)) throw err;
			answer = openAiError(413, 'The request body is too large.');
		}
		entry.status = answer.status;
		this.log(`chat model ${method} ${path} -> ${answer.status}`);
		if ('events' in answer) {
			res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
			for (const event of answer.events) res.write(`data: ${JSON.stringify(event)}\n\n`);
			res.end('data: [DONE]\n\n');
			return;
		}
		send(res, answer);
	}

	private answer(method: string, path: string, authorization: string | undefined, body: unknown): Answer {
		const route = `${method} ${path.replace(/\/+$/, '')}`;
		if (route !== 'GET /v1/models' && route !== 'POST /v1/chat/completions') {
			return openAiError(404, `Invalid URL (${method} ${path})`);
		}
		if (authorization !== `Bearer ${this.state.apiKey}`) return unauthorized(authorization);
		if (route === 'GET /v1/models') return { status: 200, body: MODELS };
		return this.chatCompletion(body);
	}

	private chatCompletion(body: unknown): Answer {
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			return openAiError(400, 'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)');
		}
		const request = body as { model?: unknown; messages?: unknown; tools?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
		if (typeof request.model !== 'string' || request.model === '') return openAiError(400, "Missing required parameter: 'model'.", 'missing_required_parameter', 'model');
		if (!Array.isArray(request.messages) || request.messages.length === 0) {
			return openAiError(400, "Missing required parameter: 'messages'.", 'missing_required_parameter', 'messages');
		}
		let reply: ScriptReply;
		try {
			reply = runScript(request.messages as ChatMessage[], request.tools);
		} catch (err) {
			if (err instanceof ScriptError) return openAiError(400, err.message);
			throw err;
		}
		const meta = {
			id: this.state.nextCompletionId(),
			created: Math.floor(Date.now() / 1000),
			model: request.model,
			toolCallId: reply.kind === 'tool_call' ? this.state.nextToolCallId() : '',
		};
		const usage = usageOf(request.messages, reply);
		if (request.stream === true) return { status: 200, events: streamChunks(reply, meta, usage, request.stream_options?.include_usage === true) };
		return { status: 200, body: completion(reply, meta, usage) };
	}
}
