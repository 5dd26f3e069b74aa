/**
 * The script of the scripted chat model: what it answers to a Chat Completions request, decided
 * from the request alone (no state, no randomness). See "Scripted chat model" in sandbox/README.md.
 *
 * Tools and their argument names come from the JSON schemas in the request (`tools[].function`),
 * never from names hard-coded here, so a renamed `$fromAI()` key still works and a tool the script
 * cannot fill fails loudly (ScriptError → HTTP 400) instead of doing something else.
 */

export interface ChatToolCall {
	id?: string;
	type?: string;
	function?: { name?: string; arguments?: string };
}

export interface ChatMessage {
	role?: string;
	content?: unknown;
	tool_calls?: ChatToolCall[];
	tool_call_id?: string;
	name?: string;
}

interface JsonSchema {
	type?: string | string[];
	description?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
}

export interface FunctionTool {
	name: string;
	description: string;
	parameters: JsonSchema;
}

export type ScriptReply =
	| { kind: 'answer'; content: string }
	| { kind: 'tool_call'; name: string; arguments: Record<string, string> };

/** The request cannot be answered by the script: the message says what is missing and what was offered. */
export class ScriptError extends Error {
	constructor(message: string) {
		super(`scripted model: ${message}`);
	}
}

/** A message's text: a string, or the `text` of each part of an array of content parts. */
export function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content
		.map((part: unknown) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
		.filter((text) => text !== '')
		.join('\n');
}

function isObject(x: unknown): x is Record<string, unknown> {
	return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// ---- Tool results -------------------------------------------------------------------------------

/** Twilio message and call SIDs; then Resend's ids (UUIDs). */
const SID = /\b(?:SM|MM|CA)[0-9a-f]{32}\b/;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;

/**
 * Text that reports an error at its start: `Error: …`, `NodeApiError: …`, `Error during node
 * execution: …`, `There was an error: …`, `HTTP 400 There was an error: …`, `Invalid …`, `Failed …`.
 */
const ERROR_START = /^\W*(?:HTTP \d{3}\s+)?(?:there was an\s+)?(?:\w*error|invalid|failed)/i;

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function errorText(error: unknown): string {
	if (typeof error === 'string') return error;
	if (isObject(error) && typeof error.message === 'string') return error.message;
	return JSON.stringify(error);
}

/**
 * The error a tool result reports, or null. n8n passes a failed tool back as `{"error": "…"}` (its
 * agent), as `[{"error": "…"}]` (a tool node that continues on fail), or as text (`There was an
 * error: …`, `Error: …`).
 */
export function toolError(content: string): string | null {
	const parsed = parseJson(content);
	if (typeof parsed === 'object' && parsed !== null) {
		const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
		return isObject(first) && first.error ? errorText(first.error).trim() : null;
	}
	const text = typeof parsed === 'string' ? parsed.trim() : content;
	return ERROR_START.test(text) ? text : null;
}

/** The name of the tool whose call `result` answers: the nearest earlier assistant tool call with its id. */
function toolNameOf(messages: ChatMessage[], result: ChatMessage): string {
	for (let i = messages.length - 2; i >= 0; i--) {
		const call = messages[i].tool_calls?.find((c) => c.id === result.tool_call_id);
		if (call?.function?.name) return call.function.name;
	}
	return result.name ?? 'the tool';
}

function answerToolResult(messages: ChatMessage[], result: ChatMessage): string {
	const content = textOf(result.content).trim();
	const error = toolError(content);
	if (error !== null) return `Sorry, that did not work: ${error.slice(0, 300)}`;
	const id = SID.exec(content)?.[0] ?? UUID.exec(content)?.[0] ?? 'no id';
	return `Done: ${toolNameOf(messages, result)} returned ${id}`;
}

// ---- Commands and tools -------------------------------------------------------------------------

type Role = 'subject' | 'recipient' | 'text';

/** How an argument is found in a tool's schema: by property name first, then by description. */
const ROLE_PATTERNS: Record<Role, RegExp> = {
	subject: /subject/i,
	recipient: /\bto\b|recipient|phone|number|address/i,
	text: /body|message|text|say|content/i,
};

const ROLE_LABELS: Record<Role, string> = { subject: 'the subject', recipient: 'the recipient', text: 'the message text' };

interface Command {
	label: string;
	pattern: RegExp;
	/** Which tool: its name or description matches this. */
	tool: RegExp;
	/** What the command fills: `required` must find a property, `optional` is passed if one exists. */
	values(m: RegExpExecArray): { required: Partial<Record<Role, string>>; optional: Partial<Record<Role, string>> };
}

const E164 = String.raw`(\+[1-9]\d{1,14})`;
const SMS_TOOL = /sms|text message/i;

const COMMANDS: Command[] = [
	{
		label: 'SMS',
		pattern: new RegExp(String.raw`^(?:text|sms)\s+${E164}\s+that\s+([\s\S]+)$`, 'i'),
		tool: SMS_TOOL,
		values: (m) => ({ required: { recipient: m[1], text: m[2].trim() }, optional: {} }),
	},
	{
		label: 'voice',
		pattern: new RegExp(String.raw`^call\s+${E164}\s+and\s+say\s+([\s\S]+)$`, 'i'),
		tool: /voice|call/i,
		values: (m) => ({ required: { recipient: m[1], text: m[2].trim() }, optional: {} }),
	},
	{
		label: 'email',
		pattern: /^e-?mail\s+([^\s@]+@[^\s@]+)\s+about\s+([\s\S]+)$/i,
		tool: /e-?mail/i,
		values: (m) => {
			const subject = m[2].trim();
			return { required: { recipient: m[1], subject }, optional: { text: `About: ${subject}` } };
		},
	},
];

/** `tools[].function` of the request, the OpenAI function-tool shape n8n's agent sends. */
export function functionTools(tools: unknown): FunctionTool[] {
	if (!Array.isArray(tools)) return [];
	return tools.flatMap((t: unknown) => {
		const fn = isObject(t) && isObject(t.function) ? t.function : null;
		if (!fn || typeof fn.name !== 'string') return [];
		return [{ name: fn.name, description: typeof fn.description === 'string' ? fn.description : '', parameters: isObject(fn.parameters) ? (fn.parameters as JsonSchema) : {} }];
	});
}

/** The tool best matching `pattern`: a match in the name beats one in the description only; ties go to the first. */
function pickTool(tools: FunctionTool[], pattern: RegExp, avoid?: FunctionTool): FunctionTool | undefined {
	const score = (t: FunctionTool): number => (pattern.test(t.name) ? 2 : 0) + (pattern.test(t.description) ? 1 : 0);
	const ranked = tools.filter((t) => score(t) > 0).sort((a, b) => score(b) - score(a));
	return ranked.find((t) => t !== avoid) ?? ranked[0];
}

const listNames = (names: string[]): string => (names.length > 0 ? names.join(', ') : '(none)');

/** Property name → value for `tool`, or a ScriptError naming what is missing. */
function fillArguments(command: Command, tool: FunctionTool, values: ReturnType<Command['values']>): Record<string, string> {
	const properties = tool.parameters.properties ?? {};
	const names = Object.keys(properties);
	const wanted = { ...values.optional, ...values.required };
	const roles = (Object.keys(ROLE_PATTERNS) as Role[]).filter((r) => wanted[r] !== undefined);
	const assigned = new Map<string, Role>();
	for (const byName of [true, false]) {
		for (const role of roles) {
			if ([...assigned.values()].includes(role)) continue;
			const prop = names.find((n) => !assigned.has(n) && ROLE_PATTERNS[role].test(byName ? n : (properties[n].description ?? '')));
			if (prop !== undefined) assigned.set(prop, role);
		}
	}
	const offered = `its properties: ${listNames(names)}`;
	const missing = (Object.keys(values.required) as Role[]).filter((r) => ![...assigned.values()].includes(r));
	if (missing.length > 0) {
		const what = missing.map((r) => `${ROLE_LABELS[r]} (a property whose name or description matches ${ROLE_PATTERNS[r]})`).join(' or ');
		throw new ScriptError(`the tool "${tool.name}" (for the ${command.label} command) has no property for ${what}; ${offered}`);
	}
	const unfilled = (tool.parameters.required ?? []).filter((n) => !assigned.has(n));
	if (unfilled.length > 0) {
		throw new ScriptError(`the tool "${tool.name}" (for the ${command.label} command) requires ${unfilled.map((n) => `"${n}"`).join(', ')}, which the script cannot fill; ${offered}`);
	}
	return Object.fromEntries(names.filter((n) => assigned.has(n)).map((n) => [n, wanted[assigned.get(n) as Role] as string]));
}

function runCommand(command: Command, m: RegExpExecArray, tools: FunctionTool[]): ScriptReply {
	const avoid = command.tool === SMS_TOOL ? undefined : pickTool(tools, SMS_TOOL);
	const tool = pickTool(tools, command.tool, avoid);
	if (!tool) {
		throw new ScriptError(`"${m[0].slice(0, 80)}" needs a tool for the ${command.label} command (one whose name or description matches ${command.tool}); the request offers: ${listNames(tools.map((t) => t.name))}`);
	}
	return { kind: 'tool_call', name: tool.name, arguments: fillArguments(command, tool, command.values(m)) };
}

function converse(users: string[]): string {
	const text = users[users.length - 1];
	const earlier = users.slice(0, -1);
	const history = earlier.length > 0 ? ` Earlier you said: ${earlier.map((t) => `"${t}"`).join('; ')}.` : ' This is your first message.';
	return `You said "${text}".${history}`;
}

/** The script: see sandbox/README.md, "Scripted chat model". Throws ScriptError when it cannot act. */
export function runScript(messages: ChatMessage[], tools: unknown): ScriptReply {
	const last = messages[messages.length - 1];
	if (last?.role === 'tool') return { kind: 'answer', content: answerToolResult(messages, last) };
	const users = messages.filter((m) => m.role === 'user').map((m) => textOf(m.content).trim());
	if (users.length === 0) throw new ScriptError(`the request has no user message (roles: ${listNames(messages.map((m) => String(m.role)))})`);
	const text = users[users.length - 1];
	for (const command of COMMANDS) {
		const m = command.pattern.exec(text);
		if (m) return runCommand(command, m, functionTools(tools));
	}
	return { kind: 'answer', content: converse(users) };
}
