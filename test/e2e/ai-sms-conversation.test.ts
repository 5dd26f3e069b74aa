/**
 * examples/ai-sms-conversation.json as shipped: inbound SMS reach n8n's AI Agent through the real
 * Twilio Comms Trigger (signed by the sandbox as Twilio signs them), and n8n's Simple Memory, keyed
 * by the sender's number, gives the model each sender's own history and nobody else's.
 */
import { NUMBER_ASSISTANT } from '../../sandbox/fixtures';
import { useN8n } from './harness';

const n8n = useN8n();

// Senders no other test uses: the example's memory lives as long as the n8n does.
const A = '+15555550141';
const B = '+15555550142';

const example = () => {
	const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('ai-sms-conversation.json'));
	if (!wf) throw new Error('ai-sms-conversation.json was not imported');
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-comms.twilioCommsTrigger') as unknown as { webhookId: string };
	return { wf, url: `${n8n.ctx.n8nUrl}/webhook/${trigger.webhookId}/webhook` };
};

async function text(from: string, body: string): Promise<string[]> {
	const { status, data } = await n8n.sandbox.inboundSms({ from, to: NUMBER_ASSISTANT.phoneNumber, body });
	expect({ status, deliveredTo: data.url, answered: data.status, twimlError: data.twimlError }).toEqual({ status: 200, deliveredTo: example().url, answered: 200, twimlError: null });
	return data.replies.filter((r) => r.to === from && r.from === NUMBER_ASSISTANT.phoneNumber).map((r) => r.body);
}

describe('example: AI SMS conversation (memory per sender)', () => {
	it("is active, and activation pointed the number's SMS webhook at it", async () => {
		expect(example().wf.active).toBe(true);
		expect(await n8n.sandbox.number(NUMBER_ASSISTANT.phoneNumber)).toMatchObject({ sms_url: example().url, sms_method: 'POST' });
	});

	it("two texts from A and one from B: A's second model request holds A's first text and not B's, and each gets their own reply", async () => {
		const [a1, b1, a2] = [n8n.tag('a-first'), n8n.tag('b-first'), n8n.tag('a-second')];
		expect(await text(A, a1)).toEqual([`You said "${a1}". This is your first message.`]);
		expect(await text(B, b1)).toEqual([`You said "${b1}". This is your first message.`]);
		expect(await text(A, a2)).toEqual([`You said "${a2}". Earlier you said: "${a1}".`]);

		const requests = (await n8n.sandbox.chatModelRequests()).map((r) => JSON.stringify(r.body.messages));
		const second = requests.filter((m) => m.includes(a2));
		expect(second).toHaveLength(1);
		expect(second[0]).toContain(a1);
		expect(second[0]).not.toContain(b1);
		const bs = requests.filter((m) => m.includes(b1));
		expect(bs).toHaveLength(1);
		expect(bs[0]).not.toContain(a1);
	});
});
