/**
 * Send SMS → Send and Wait for Response (approval by link) in a real n8n: the SMS carries this
 * execution's signed links; opening one shows a page and does not answer (link previews fetch
 * links); its button answers and resumes the execution; an edited link is refused.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { finished, latestExecution } from '../support/n8n/callAndWait';
import { requestNode } from '../support/n8n/requestNode';
import { parse } from 'flatted';
import { useN8n } from './harness';

const n8n = useN8n();

function workflow(path: string, approvalType: 'double' | 'single'): WorkflowJson {
	return {
		name: `e2e: sms approval ${path}`,
		nodes: [
			requestNode(path, 'onReceived'),
			{
				name: 'Ask',
				type: 'n8n-nodes-comms.sendSms',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'sendAndWait', to: SAMPLE_RECIPIENT, body: '=Deploy {{ $json.body.tag }} to production?', approvalType, waitTimeout: 10 },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
			{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
		],
		connections: { Request: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] }, Ask: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function ask(approvalType: 'double' | 'single'): Promise<{ workflowId: string; body: string; links: Record<string, string> }> {
	const path = `sms-approval-${randomUUID().slice(0, 8)}`;
	const wf = await n8n.importWorkflow(workflow(path, approvalType), { activate: true });
	const tag = n8n.tag('deploy');
	expect((await n8n.webhook(path, { tag })).status).toBe(200);
	await latestExecution(n8n, wf.id, (s) => s === 'waiting');
	const [sms] = await n8n.sandbox.waitForMessages((m) => m.body.includes(tag));
	const links = Object.fromEntries([...sms.body.matchAll(/^(Approve|Decline): (\S+)$/gm)].map((m) => [m[1], m[2]]));
	return { workflowId: wf.id, body: sms.body, links };
}

async function answerOf(executionId: string): Promise<Record<string, unknown> | undefined> {
	const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${executionId}`);
	const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
	return run.resultData.runData.Ask?.at(-1)?.data?.main[0]?.[0]?.json;
}

describe('Send SMS: Send and Wait for Response (approval by link)', () => {
	it('the SMS carries a signed Approve and Decline link; opening one only shows the page; its button approves', async () => {
		const { workflowId, body, links } = await ask('double');
		expect(body).toMatch(/^Deploy deploy-[0-9a-f]{8} to production\?\n\nApprove: http\S+\nDecline: http\S+$/);
		expect(new URL(links.Approve).searchParams.get('approved')).toBe('true');
		expect(new URL(links.Decline).searchParams.get('approved')).toBe('false');
		expect(new URL(links.Approve).searchParams.get('signature')).toBeTruthy();

		const preview = await fetch(links.Approve);
		expect(preview.status).toBe(200);
		expect(await preview.text()).toContain('<form method="post"');
		expect((await latestExecution(n8n, workflowId, () => true)).status).toBe('waiting');

		const answer = await fetch(links.Approve, { method: 'POST' });
		expect(answer.status).toBe(200);
		expect(await answer.text()).toContain('was recorded');
		const done = await latestExecution(n8n, workflowId, finished);
		expect(done.status).toBe('success');
		expect(await answerOf(done.id)).toMatchObject({ approved: true, answer: 'Approve' });
	});

	it('Decline resumes with approved: false', async () => {
		const { workflowId, links } = await ask('double');
		expect((await fetch(links.Decline, { method: 'POST' })).status).toBe(200);
		const done = await latestExecution(n8n, workflowId, finished);
		expect(await answerOf(done.id)).toMatchObject({ approved: false, answer: 'Decline' });
	});

	it('a Decline link edited to approve is refused, and the execution keeps waiting; Approve Only sends one link', async () => {
		const { workflowId, body, links } = await ask('single');
		expect(links.Decline).toBeUndefined();
		expect(body).not.toContain('Decline');
		const double = await ask('double');
		const edited = new URL(double.links.Decline);
		edited.searchParams.set('approved', 'true');
		expect((await fetch(edited, { method: 'POST' })).status).toBe(401);
		expect((await latestExecution(n8n, double.workflowId, () => true)).status).toBe('waiting');
		expect((await latestExecution(n8n, workflowId, () => true)).status).toBe('waiting');
		expect((await fetch(links.Approve, { method: 'POST' })).status).toBe(200);
		const done = await latestExecution(n8n, workflowId, finished);
		expect(await answerOf(done.id)).toMatchObject({ approved: true });
	});
});
