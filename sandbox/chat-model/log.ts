/**
 * What the scripted chat model remembers: every request it got (for tests and the admin API), where
 * it listens, and the counters behind its deterministic ids. Lives in the sandbox's core, so
 * `reset()` clears the requests with everything else.
 */
import { CHAT_MODEL_API_KEY } from '../fixtures';

export interface ChatModelRequest {
	/** When it arrived, ISO 8601. */
	at: string;
	method: string;
	/** e.g. `/v1/chat/completions`. */
	path: string;
	/** The parsed JSON body; the raw text if it was not JSON; null when empty. */
	body: unknown;
	/** The HTTP status it was answered with (0 until answered). */
	status: number;
}

export class ChatModelLog {
	readonly requests: ChatModelRequest[] = [];
	readonly apiKey = CHAT_MODEL_API_KEY;
	/** Base URL ending in `/v1`; set once the chat model listens. */
	url = '';
	private completions = 0;
	private toolCalls = 0;

	constructor(private readonly limit: number) {}

	record(entry: ChatModelRequest): void {
		this.requests.push(entry);
		if (this.requests.length > this.limit) this.requests.splice(0, this.requests.length - this.limit);
	}

	/** `chatcmpl-1`, `chatcmpl-2`, … for the sandbox's lifetime (not reset, so ids in n8n's memory never repeat). */
	nextCompletionId(): string {
		return `chatcmpl-${++this.completions}`;
	}

	/** `call_1`, `call_2`, … likewise. */
	nextToolCallId(): string {
		return `call_${++this.toolCalls}`;
	}

	/** Forgets the recorded requests; the array stays the same object, so `sandbox.chatModel.requests` stays live. */
	reset(): void {
		this.requests.length = 0;
	}
}
