/**
 * The scripted chat model: an OpenAI-compatible Chat Completions server that n8n's AI Agent (with
 * the "OpenAI Chat Model" node) can drive. Real HTTP against startSandbox(); the tools below are
 * shaped as n8n sends them (a DynamicStructuredTool from `$fromAI()` keys, converted by
 * @langchain/openai into an OpenAI function tool with a JSON schema).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '../../sandbox';
import { CHAT_MODEL_API_KEY, CHAT_MODEL_IDS } from '../../sandbox/fixtures';
import { request, useSandbox, type RawResponse } from './helpers';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 20 }, (s) => (sandbox = s));

const SID = 'SM0123456789abcdef0123456789abcdef';
const EMAIL_ID = '4ef9a417-02e9-4d39-ad75-9611e0fcc33c';

/** A tool as n8n's agent sends it: every `$fromAI()` key a required string property. */
function tool(name: string, description: string, properties: Record<string, string>, required = Object.keys(properties)) {
	return {
		type: 'function',
		function: {
			name,
			description,
			parameters: {
				type: 'object',
				properties: Object.fromEntries(Object.entries(properties).map(([key, desc]) => [key, { type: 'string', description: desc }])),
				required,
				additionalProperties: false,
				$schema: 'http://json-schema.org/draft-07/schema#',
			},
			strict: false,
		},
	};
}

const SMS_TOOL = tool('Send_SMS', 'Send an SMS, MMS or WhatsApp message through Twilio', {
	To: 'Recipient phone number in E.164 format, e.g. +14155550123',
	Message: 'The text message to send, at most 1,600 characters',
});
const VOICE_TOOL = tool('Voice_Message', 'Call a phone and read a message aloud (text-to-speech) through Twilio', {
	To: 'Phone number to call, in E.164 format, e.g. +14155550123',
	Message: 'What the call says, read aloud by text-to-speech',
});
const EMAIL_TOOL = tool('Send_Email', 'Send email through Resend, one by one or in batches of up to 100', {
	To: 'Recipient email address',
	Subject: 'The email subject line',
	Text: 'The plain-text body of the email',
});
const ALL_TOOLS = [SMS_TOOL, VOICE_TOOL, EMAIL_TOOL];

type Message = { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string };

function post(path: string, body: unknown, key: string | null = CHAT_MODEL_API_KEY): Promise<RawResponse> {
	return request(`${sandbox.chatModel.url}${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...(key === null ? {} : { Authorization: `Bearer ${key}` }) },
		body: JSON.stringify(body),
	});
}

const complete = (messages: Message[], tools: unknown[] = ALL_TOOLS, extra: Record<string, unknown> = {}) =>
	post('/chat/completions', { model: 'gpt-4.1-mini', messages, tools, ...extra });

const user = (content: unknown): Message => ({ role: 'user', content });
const SYSTEM: Message = { role: 'system', content: 'You notify people for the team.' };

/** The one tool call of a 200 answer, with its arguments parsed. */
function toolCallOf(res: RawResponse): { id: string; name: string; args: Record<string, string> } {
	expect(res.status).toBe(200);
	const call = res.json.choices[0].message.tool_calls[0];
	return { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) };
}

const answerOf = (res: RawResponse): string => {
	expect(res.status).toBe(200);
	expect(res.json.choices[0].finish_reason).toBe('stop');
	return res.json.choices[0].message.content;
};

/** What n8n sends after running a tool: the assistant's call, then the tool's result. */
function afterTool(name: string, result: string, history: Message[] = [user('text +15555550123 that Hi')]): Message[] {
	return [
		SYSTEM,
		...history,
		{ role: 'assistant', content: '', tool_calls: [{ id: 'call_7', type: 'function', function: { name, arguments: '{}' } }] },
		{ role: 'tool', content: result, tool_call_id: 'call_7' },
	];
}

/** Server-Sent Events, read as the `openai` package reads them: `data:` lines, `[DONE]` last. */
function sseEvents(text: string): { events: any[]; done: boolean } { // eslint-disable-line @typescript-eslint/no-explicit-any
	const data = text
		.split('\n\n')
		.filter((block) => block.trim() !== '')
		.map((block) => {
			expect(block).toMatch(/^data: /);
			return block.slice('data: '.length);
		});
	const done = data[data.length - 1] === '[DONE]';
	return { events: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)), done };
}

describe('scripted chat model: the API', () => {
	it('listens on its own 127.0.0.1 port, with a base URL ending in /v1 and the fixture key', () => {
		expect(sandbox.chatModel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
		expect(new URL(sandbox.chatModel.url).port).not.toBe(String(sandbox.port));
		expect(sandbox.chatModel.apiKey).toBe(CHAT_MODEL_API_KEY);
		expect(CHAT_MODEL_API_KEY.startsWith('sk-5a4db0c5')).toBe(true);
	});

	it.each([
		['no key', null, "You didn't provide an API key"],
		['a wrong key', 'sk-not-the-sandbox-key', 'Incorrect API key provided'],
	])('answers %s with 401 invalid_api_key in OpenAI’s shape', async (_what, key, message) => {
		for (const res of [await post('/chat/completions', { model: 'gpt-4o-mini', messages: [user('hi')] }, key), await request(`${sandbox.chatModel.url}/models`, { headers: key ? { Authorization: `Bearer ${key}` } : {} })]) {
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ error: { message: expect.stringContaining(message), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
		}
	});

	it('lists gpt-4o-mini and gpt-4.1-mini as OpenAI models', async () => {
		const res = await request(`${sandbox.chatModel.url}/models`, { headers: { Authorization: `Bearer ${CHAT_MODEL_API_KEY}` } });
		expect(res.status).toBe(200);
		expect(res.json.object).toBe('list');
		expect(res.json.data.map((m: { id: string }) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4.1-mini']);
		expect(CHAT_MODEL_IDS).toEqual(['gpt-4o-mini', 'gpt-4.1-mini']);
		for (const m of res.json.data) expect(m).toEqual({ id: expect.any(String), object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
	});

	it('answers unknown paths (the Responses API too) with an OpenAI-style 404', async () => {
		for (const [method, path] of [['POST', '/v1/responses'], ['GET', '/v1/chat/completions'], ['GET', '/nothing']]) {
			const res = await request(`${new URL(sandbox.chatModel.url).origin}${path}`, { method, headers: { Authorization: `Bearer ${CHAT_MODEL_API_KEY}` } });
			expect(res.status).toBe(404);
			expect(res.json.error).toEqual({ message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null });
		}
	});

	it('refuses a request without messages or model, as OpenAI does', async () => {
		const noMessages = await post('/chat/completions', { model: 'gpt-4o-mini' });
		expect(noMessages.status).toBe(400);
		expect(noMessages.json.error).toMatchObject({ param: 'messages', type: 'invalid_request_error' });
		const noModel = await post('/chat/completions', { messages: [user('hi')] });
		expect(noModel.status).toBe(400);
		expect(noModel.json.error).toMatchObject({ param: 'model' });
	});

	it('answers in the chat.completion shape, echoing the requested model', async () => {
		const res = await complete([SYSTEM, user('Hello')], [], { model: 'gpt-5-mini' });
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			id: expect.stringMatching(/^chatcmpl-/),
			object: 'chat.completion',
			created: expect.any(Number),
			model: 'gpt-5-mini',
			choices: [{ index: 0, message: { role: 'assistant', content: 'You said "Hello". This is your first message.', refusal: null }, finish_reason: 'stop', logprobs: null }],
			usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
			system_fingerprint: null,
		});
		const { usage } = res.json;
		expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
	});
});

describe('scripted chat model: commands become tool calls', () => {
	it('"text <number> that <body>" calls the SMS tool with the recipient and the body', async () => {
		const res = await complete([SYSTEM, user('text +15555550123 that The server is back up.')]);
		expect(res.json.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { role: 'assistant', content: null } });
		const call = toolCallOf(res);
		expect(call.id).toMatch(/^call_\d+$/);
		expect(res.json.choices[0].message.tool_calls[0].type).toBe('function');
		expect(call).toMatchObject({ name: 'Send_SMS', args: { To: '+15555550123', Message: 'The server is back up.' } });
	});

	it('"sms …" works too, and ids count up', async () => {
		const first = toolCallOf(await complete([user('SMS +15005550010 that first')]));
		const second = toolCallOf(await complete([user('sms +15005550010 that second')]));
		expect(second.args).toEqual({ To: '+15005550010', Message: 'second' });
		expect(Number(second.id.slice('call_'.length))).toBeGreaterThan(Number(first.id.slice('call_'.length)));
	});

	it('"call <number> and say <text>" calls the voice tool, not the SMS tool', async () => {
		const call = toolCallOf(await complete([user('call +15555550123 and say The backup failed twice.')]));
		expect(call).toMatchObject({ name: 'Voice_Message', args: { To: '+15555550123', Message: 'The backup failed twice.' } });
	});

	it('"email <address> about <subject>" calls the email tool with the subject and an "About:" text', async () => {
		const call = toolCallOf(await complete([user('email ops@example.com about Disk almost full')]));
		expect(call).toMatchObject({ name: 'Send_Email', args: { To: 'ops@example.com', Subject: 'Disk almost full', Text: 'About: Disk almost full' } });
		const noText = tool('Send_Email', 'Send an email', { To: 'Recipient email address', Subject: 'Subject line' });
		expect(toolCallOf(await complete([user('e-mail ops@example.com about Hi')], [noText])).args).toEqual({ To: 'ops@example.com', Subject: 'Hi' });
	});

	it('finds tools and arguments from the schema, whatever the keys are called', async () => {
		const notify = tool('Notify_Customer', 'Sends a text message to a customer', {
			sms_body: 'What to write',
			who: 'The customer’s phone number',
		});
		const call = toolCallOf(await complete([user('text +15555550123 that Your order shipped')], [EMAIL_TOOL, notify]));
		expect(call).toEqual({ id: expect.any(String), name: 'Notify_Customer', args: { sms_body: 'Your order shipped', who: '+15555550123' } });
	});

	it('leaves out optional properties it has nothing for', async () => {
		const withOptional = tool('Send_SMS', 'Send an SMS', { To: 'Recipient', Message: 'Body', MediaUrl: 'An image to attach' }, ['To', 'Message']);
		expect(toolCallOf(await complete([user('text +15555550123 that hi')], [withOptional])).args).toEqual({ To: '+15555550123', Message: 'hi' });
	});
});

describe('scripted chat model: tool results become the final answer', () => {
	it('names the tool and the SID it returned', async () => {
		const result = JSON.stringify([{ sid: SID, status: 'queued', to: '+15555550123', accountSid: 'AC5a4db0c5ac0000000000000000000001' }]);
		expect(answerOf(await complete(afterTool('Send_SMS', result)))).toBe(`Done: Send_SMS returned ${SID}`);
	});

	it('takes a call SID or an email id (UUID), else says there was none', async () => {
		const callSid = 'CA0123456789abcdef0123456789abcdef';
		expect(answerOf(await complete(afterTool('Voice_Message', JSON.stringify([{ sid: callSid }]))))).toBe(`Done: Voice_Message returned ${callSid}`);
		expect(answerOf(await complete(afterTool('Send_Email', JSON.stringify([{ id: EMAIL_ID }]))))).toBe(`Done: Send_Email returned ${EMAIL_ID}`);
		expect(answerOf(await complete(afterTool('Send_SMS', '[{"ok":true}]')))).toBe('Done: Send_SMS returned no id');
	});

	it.each([
		['n8n’s agent ({"error": …})', JSON.stringify({ error: 'The To number +15005550001 is not a valid phone number. [21211]', errorType: 'NodeApiError' })],
		['a tool that continues on fail ([{"error": …}])', JSON.stringify([{ error: 'The To number +15005550001 is not a valid phone number. [21211]' }])],
		['text', 'There was an error: "The To number +15005550001 is not a valid phone number. [21211]"'],
	])('apologises with the error of %s', async (_what, result) => {
		const answer = answerOf(await complete(afterTool('Send_SMS', result)));
		expect(answer).toMatch(/^Sorry, that did not work: .*The To number \+15005550001 is not a valid phone number\. \[21211\]/);
	});

	it('treats text starting with Error, Invalid or Failed as an error, and trims it to 300 characters', async () => {
		for (const text of ['Error during node execution: boom', 'Invalid parameter: To', 'Failed to send']) {
			expect(answerOf(await complete(afterTool('Send_SMS', text)))).toBe(`Sorry, that did not work: ${text}`);
		}
		const long = `Error: ${'x'.repeat(400)}`;
		expect(answerOf(await complete(afterTool('Send_SMS', long)))).toBe(`Sorry, that did not work: ${long.slice(0, 300)}`);
	});
});

describe('scripted chat model: conversation', () => {
	it('repeats the message and lists the earlier user messages (memory)', async () => {
		const messages: Message[] = [
			SYSTEM,
			user('Hi, this is Ana'),
			{ role: 'assistant', content: 'You said "Hi, this is Ana". This is your first message.' },
			user([{ type: 'text', text: 'Is my order late?' }]),
			{ role: 'assistant', content: 'You said …' },
			user('Thanks'),
		];
		expect(answerOf(await complete(messages))).toBe('You said "Thanks". Earlier you said: "Hi, this is Ana"; "Is my order late?".');
		expect(answerOf(await complete([SYSTEM, user([{ type: 'text', text: 'Hello there' }])]))).toBe('You said "Hello there". This is your first message.');
	});
});

describe('scripted chat model: fails loudly when it cannot act', () => {
	const failure = async (messages: Message[], tools: unknown[]): Promise<string> => {
		const res = await complete(messages, tools);
		expect(res.status).toBe(400);
		expect(res.json.error.type).toBe('invalid_request_error');
		expect(res.json.error.message).toMatch(/^scripted model: /);
		return res.json.error.message;
	};

	it('names the missing tool and the tools offered', async () => {
		const message = await failure([user('text +15555550123 that hi')], [EMAIL_TOOL, VOICE_TOOL]);
		expect(message).toContain('SMS');
		expect(message).toContain('Send_Email, Voice_Message');
		expect(await failure([user('email a@example.com about x')], [])).toContain('offers: (none)');
	});

	it('names the missing argument and the properties offered', async () => {
		const noBody = tool('Send_SMS', 'Send an SMS', { To: 'Recipient', MediaUrl: 'An image' });
		const message = await failure([user('text +15555550123 that hi')], [noBody]);
		expect(message).toContain('Send_SMS');
		expect(message).toContain('the message text');
		expect(message).toContain('its properties: To, MediaUrl');
	});

	it('refuses a tool with a required property it cannot fill', async () => {
		const withFrom = tool('Send_SMS', 'Send an SMS', { To: 'Recipient', Message: 'Body', From: 'The sender' });
		const message = await failure([user('text +15555550123 that hi')], [withFrom]);
		expect(message).toContain('requires "From"');
		expect(message).toContain('its properties: To, Message, From');
	});
});

describe('scripted chat model: streaming', () => {
	it('streams an answer as chat.completion.chunk events, then a usage chunk and [DONE]', async () => {
		const res = await complete([user('How are you doing today?')], [], { stream: true, stream_options: { include_usage: true } });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
		const { events, done } = sseEvents(res.text);
		expect(done).toBe(true);
		for (const e of events) expect(e).toMatchObject({ id: expect.stringMatching(/^chatcmpl-/), object: 'chat.completion.chunk', model: 'gpt-4.1-mini' });
		const withChoice = events.filter((e) => e.choices.length > 0);
		expect(withChoice[0].choices[0].delta.role).toBe('assistant');
		expect(withChoice.length).toBeGreaterThan(3);
		expect(withChoice.map((e) => e.choices[0].delta.content ?? '').join('')).toBe('You said "How are you doing today?". This is your first message.');
		expect(withChoice.map((e) => e.choices[0].finish_reason)).toEqual([...Array(withChoice.length - 1).fill(null), 'stop']);
		const last = events[events.length - 1];
		expect(last.choices).toEqual([]);
		expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
	});

	it('streams a tool call: id and name first, then the arguments in pieces with their index', async () => {
		const res = await complete([user('text +15555550123 that The server is back up.')], ALL_TOOLS, { stream: true });
		const { events, done } = sseEvents(res.text);
		expect(done).toBe(true);
		expect(events.every((e) => e.choices.length === 1 && !('usage' in e))).toBe(true);
		const calls = events.flatMap((e) => e.choices[0].delta.tool_calls ?? []);
		expect(calls.every((c: { index: number }) => c.index === 0)).toBe(true);
		expect(calls[0]).toMatchObject({ id: expect.stringMatching(/^call_\d+$/), type: 'function', function: { name: 'Send_SMS' } });
		expect(calls.length).toBeGreaterThan(2);
		const args = calls.map((c: { function: { arguments?: string } }) => c.function.arguments ?? '').join('');
		expect(JSON.parse(args)).toEqual({ To: '+15555550123', Message: 'The server is back up.' });
		expect(events[events.length - 1].choices[0].finish_reason).toBe('tool_calls');
	});

	it('answers a loud failure before streaming, as JSON', async () => {
		const res = await complete([user('text +15555550123 that hi')], [], { stream: true });
		expect(res.status).toBe(400);
		expect(res.json.error.message).toMatch(/^scripted model: /);
	});
});

describe('scripted chat model: recorded requests', () => {
	it('records every request in order, shows them and its address over the admin API, and forgets them on reset()', async () => {
		await complete([user('one')]);
		await request(`${sandbox.chatModel.url}/models`);
		expect(sandbox.chatModel.requests.map((r) => [r.path, r.status])).toEqual([
			['/v1/chat/completions', 200],
			['/v1/models', 401],
		]);
		const [first] = sandbox.chatModel.requests;
		expect(new Date(first.at).toISOString()).toBe(first.at);
		expect(first.body).toMatchObject({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'one' }] });

		const admin = await request(`${sandbox.url}/__sandbox/chat-model/requests`);
		expect(admin.json.requests).toEqual(JSON.parse(JSON.stringify(sandbox.chatModel.requests)));
		expect((await request(`${sandbox.url}/__sandbox/chat-model`)).json).toEqual({ url: sandbox.chatModel.url, apiKey: CHAT_MODEL_API_KEY });
		expect((await request(`${sandbox.url}/__sandbox/fixtures`)).json.chatModelApiKey).toBe(CHAT_MODEL_API_KEY);

		sandbox.reset();
		expect(sandbox.chatModel.requests).toEqual([]);
		await complete([user('two')]);
		await request(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
		expect((await request(`${sandbox.url}/__sandbox/chat-model/requests`)).json).toEqual({ requests: [] });
	});

	it('is not counted among the Twilio and Resend requests', async () => {
		await complete([user('hi')]);
		expect(sandbox.stats().requestsTotal).toBe(0);
		expect(sandbox.state.requests).toEqual([]);
	});
});

describe('scripted chat model: port option and close()', () => {
	const freePort = async (): Promise<number> => {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise((resolve) => server.close(resolve));
		return port;
	};

	it('listens on chatModelPort, and stops with close()', async () => {
		const port = await freePort();
		const other = await startSandbox({ chatModelPort: port });
		try {
			expect(other.chatModel.url).toBe(`http://127.0.0.1:${port}/v1`);
			expect((await request(`${other.chatModel.url}/models`, { headers: { Authorization: `Bearer ${CHAT_MODEL_API_KEY}` } })).status).toBe(200);
		} finally {
			await other.close();
		}
		await expect(request(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow(/ECONNREFUSED/);
	});
});
