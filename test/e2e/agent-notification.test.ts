/**
 * examples/agent-notification.json as shipped: n8n's real AI Agent and OpenAI Chat Model (from
 * @n8n/n8n-nodes-langchain, bundled in n8n), the model being the sandbox's scripted chat model, call
 * our Send SMS, Voice Message and Send Email nodes as tools. The script reads the tools and argument
 * names from the schema n8n sends, so these tests also pin what n8n offers the model.
 */
import { parse } from 'flatted';
import { MAGIC_TO, RESEND_FROM, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { ChatRequestBody } from '../support/n8n/sandboxClient';
import { useN8n } from './harness';

const n8n = useN8n();

interface Answer {
	output: string;
}

interface NodeRun {
	data?: { ai_tool?: Array<Array<{ json: Record<string, unknown> }>> };
	error?: { message: string };
}

const workflow = () => {
	const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('agent-notification.json'));
	if (!wf) throw new Error('agent-notification.json was not imported');
	return wf;
};

/** The model requests of this test: those whose conversation carries its unique marker. */
async function modelRequests(marker: string): Promise<ChatRequestBody[]> {
	return (await n8n.sandbox.chatModelRequests()).map((r) => r.body).filter((b) => JSON.stringify(b.messages).includes(marker));
}

const toolNamed = (body: ChatRequestBody, pattern: RegExp) => body.tools?.find((t) => pattern.test(t.function.name));

/** The newest execution's run data of a node, read back as the editor shows it. */
async function runsOf(nodeName: string): Promise<NodeRun[]> {
	const [latest] = await n8n.executions(workflow().id);
	const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${latest.id}`);
	const parsed = parse(data.data) as { resultData: { runData: Record<string, NodeRun[]> } };
	return parsed.resultData.runData[nodeName] ?? [];
}

describe('example: Agent → notification (n8n AI Agent, our nodes as tools)', () => {
	it('is imported from examples/ and active', () => {
		expect(workflow().active).toBe(true);
	});

	it('n8n offers the three tools with the $fromAI() arguments as a JSON schema', async () => {
		const marker = n8n.tag('schema');
		const res = await n8n.webhook<Answer>('notify', { request: `what can you do? ${marker}` });
		expect(res.status).toBe(200);
		const [first] = await modelRequests(marker);
		const offered = Object.fromEntries((first.tools ?? []).map((t) => [t.function.name, Object.keys(t.function.parameters.properties ?? {}).sort()]));
		expect(offered).toEqual({ Send_SMS: ['Message', 'To'], Voice_Message: ['Message', 'To'], Send_Email: ['Subject', 'Text', 'To'] });
		const sms = toolNamed(first, /sms/i)!;
		expect(sms.function.parameters.properties!.To).toMatchObject({ type: 'string', description: expect.stringMatching(/E\.164/) });
		expect(sms.function.parameters.required?.sort()).toEqual(['Message', 'To']);
		expect(sms.function.description).toMatch(/SMS/);
	});

	it('Send SMS as a tool: exactly one SMS with the To and text the model chose; the answer quotes its SID; the execution shows the tool run', async () => {
		const text = n8n.tag('build-green');
		const res = await n8n.webhook<Answer>('notify', { request: `text ${SAMPLE_RECIPIENT} that ${text}` });
		expect(res.status).toBe(200);
		const sent = await n8n.sandbox.messages((m) => m.body.includes(text));
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ to: SAMPLE_RECIPIENT, body: text, direction: 'outbound-api' });
		expect(res.json.output).toContain(sent[0].sid);

		// Two model requests: the question (answered with a tool call), then the tool's result.
		const requests = await modelRequests(text);
		expect(requests).toHaveLength(2);
		const call = requests[1].messages.find((m) => m.tool_calls)?.tool_calls?.[0];
		expect(call?.function.name).toBe('Send_SMS');
		// As n8n replays the call in the history (it adds the call's id to the arguments).
		expect(JSON.parse(call!.function.arguments)).toMatchObject({ To: SAMPLE_RECIPIENT, Message: text });
		const toolResult = requests[1].messages.find((m) => m.role === 'tool');
		expect(String(toolResult?.content)).toContain(sent[0].sid);

		const runs = await runsOf('Send SMS');
		expect(runs).toHaveLength(1);
		expect(JSON.stringify(runs[0].data)).toContain(sent[0].sid);
	});

	it('Voice Message as a tool: one call to the number, saying what the model chose', async () => {
		const words = n8n.tag('wake-up');
		const res = await n8n.webhook<Answer>('notify', { request: `call ${SAMPLE_RECIPIENT} and say ${words}` });
		expect(res.status).toBe(200);
		const { calls } = await n8n.sandbox.state();
		const mine = calls.filter((c) => String(c.sandbox.twiml ?? '').includes(words));
		expect(mine).toHaveLength(1);
		expect(mine[0].to).toBe(SAMPLE_RECIPIENT);
		expect(res.json.output).toContain(mine[0].sid);
	});

	it('Send Email as a tool: one email to the address, with the subject the model chose', async () => {
		const subject = n8n.tag('weekly-report');
		const res = await n8n.webhook<Answer>('notify', { request: `email ada@example.com about ${subject}` });
		expect(res.status).toBe(200);
		const emails = await n8n.sandbox.emails((e) => e.subject === subject);
		expect(emails).toEqual([expect.objectContaining({ to: ['ada@example.com'], from: RESEND_FROM, text: `About: ${subject}` })]);
		expect(res.json.output).toContain(emails[0].id);
	});

	it('an invalid number reaches the agent as a tool error naming the field; the execution succeeds and nothing is sent', async () => {
		const text = n8n.tag('bad-number');
		const res = await n8n.webhook<Answer>('notify', { request: `text ${MAGIC_TO.invalid.slice(0, 5)} that ${text}` });
		expect(res.status).toBe(200);
		expect(res.json.output).toMatch(/^Sorry, that did not work: .*To/);
		expect(await n8n.sandbox.messages((m) => m.body.includes(text))).toHaveLength(0);
		const requests = await modelRequests(text);
		const toolResult = requests[requests.length - 1].messages.find((m) => m.role === 'tool');
		expect(String(toolResult?.content)).toMatch(/Invalid To/);
		expect((await n8n.executions(workflow().id))[0].status).toBe('success');
	});
});
