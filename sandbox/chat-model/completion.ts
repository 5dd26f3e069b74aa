/**
 * The script's reply in OpenAI's Chat Completions shapes: one `chat.completion` object, or the
 * `chat.completion.chunk` events of a streamed answer (what the `openai` package and
 * @langchain/openai parse).
 */
import type { ScriptReply } from './script';

export interface Usage {
	prompt_tokens: number;
	completion_tokens: number;
	total_tokens: number;
}

export interface ReplyMeta {
	id: string;
	/** Unix seconds. */
	created: number;
	model: string;
	/** For a tool call: its id (`call_1`). */
	toolCallId: string;
}

/** Deterministic token counts: about four characters a token, as OpenAI's rule of thumb. */
export function usageOf(request: unknown, reply: ScriptReply): Usage {
	const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));
	const prompt = tokens(JSON.stringify(request) ?? '');
	const completion = tokens(reply.kind === 'answer' ? reply.content : reply.name + JSON.stringify(reply.arguments));
	return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const finishReason = (reply: ScriptReply): 'stop' | 'tool_calls' => (reply.kind === 'answer' ? 'stop' : 'tool_calls');

function toolCall(reply: ScriptReply & { kind: 'tool_call' }, meta: ReplyMeta) {
	return { id: meta.toolCallId, type: 'function' as const, function: { name: reply.name, arguments: JSON.stringify(reply.arguments) } };
}

export function completion(reply: ScriptReply, meta: ReplyMeta, usage: Usage) {
	const message =
		reply.kind === 'answer'
			? { role: 'assistant', content: reply.content, refusal: null }
			: { role: 'assistant', content: null, refusal: null, tool_calls: [toolCall(reply, meta)] };
	return {
		id: meta.id,
		object: 'chat.completion',
		created: meta.created,
		model: meta.model,
		choices: [{ index: 0, message, finish_reason: finishReason(reply), logprobs: null }],
		usage,
		system_fingerprint: null,
	};
}

/** Splits text into a few pieces (at word boundaries, or every 16 characters), so clients must join deltas. */
function pieces(text: string): string[] {
	const parts = text.match(/\S+\s*|\s+/g) ?? [];
	return parts.length > 1 ? parts : (text.match(/[\s\S]{1,16}/g) ?? []);
}

/**
 * The events of a streamed reply, in order: the role, the content or the tool call (id and name
 * first, then the arguments in pieces), the finish reason, and with `includeUsage` a last chunk with
 * no choices and the usage (every earlier chunk then carries `usage: null`, as OpenAI sends it).
 */
export function streamChunks(reply: ScriptReply, meta: ReplyMeta, usage: Usage, includeUsage: boolean): unknown[] {
	const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
		id: meta.id,
		object: 'chat.completion.chunk',
		created: meta.created,
		model: meta.model,
		system_fingerprint: null,
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		...(includeUsage ? { usage: null } : {}),
	});
	const chunks: unknown[] = [];
	if (reply.kind === 'answer') {
		chunks.push(chunk({ role: 'assistant', content: '', refusal: null }));
		for (const piece of pieces(reply.content)) chunks.push(chunk({ content: piece }));
	} else {
		const call = toolCall(reply, meta);
		chunks.push(chunk({ role: 'assistant', content: null, refusal: null }));
		chunks.push(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
		for (const piece of pieces(call.function.arguments)) chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
	}
	chunks.push(chunk({}, finishReason(reply)));
	if (includeUsage) {
		chunks.push({ id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, system_fingerprint: null, choices: [], usage });
	}
	return chunks;
}
