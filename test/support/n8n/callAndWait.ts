/**
 * What the Call and Wait tests share: a workflow Request (Webhook) → Voice Message "Call and Wait for
 * Acknowledgement" → Done, and how a test reads the waiting or resumed execution back from n8n.
 */
import { parse } from 'flatted';
import type { WorkflowJson } from '../../../scripts/n8n/instance';
import type { N8nRest } from '../../../scripts/n8n/rest';
import { NUMBER_ALERTS } from '../../../sandbox/fixtures';
import { requestNode } from './requestNode';

/** What the readers need of a test harness (useN8n, useOwnN8n, or the queue stack's REST client). */
export interface Executions {
	executions(workflowId: string): Promise<Array<{ id: string; status: string }>>;
}

export interface AckOutcome {
	acknowledged?: boolean;
	digit?: string | null;
	reason?: string | null;
	callStatus?: string;
	callSid?: string;
	to?: string;
	answeredBy?: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function callAndWaitWorkflow(path: string, to: string, overrides: Record<string, unknown> = {}): WorkflowJson {
	return {
		name: `call and wait ${path}`,
		nodes: [
			// The execution waits for minutes: the caller gets its answer at once.
			requestNode(path, 'onReceived'),
			{
				name: 'Call',
				type: 'n8n-nodes-comms.voiceMessage',
				typeVersion: 1,
				position: [200, 0],
				parameters: {
					operation: 'sendAndWait',
					to,
					message: `=Alert {{ $json.body.tag }}: the API is down.`,
					acknowledgeKeys: '1',
					acknowledgePrompt: 'Press 1 to acknowledge.',
					acknowledgeAttempts: 2,
					acknowledgeTimeout: 3,
					waitTimeout: 10,
					options: {},
					...overrides,
				},
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
			{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
		],
		connections: { Request: { main: [[{ node: 'Call', type: 'main', index: 0 }]] }, Call: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Request (Webhook, answered at once) → Ask: Send SMS, Send and Wait for Response by reply SMS
 * (choices YES, NO, 10 s unless `ask` says otherwise), with `ask` for its recipient, sender and text.
 * Callers may add what follows Ask (`next`: the nodes, and Ask's outputs).
 */
export function replyWaitWorkflow(name: string, path: string, ask: Record<string, unknown>, next?: { nodes: WorkflowJson['nodes']; ask: WorkflowJson['connections'][string] }): WorkflowJson {
	return {
		name,
		nodes: [
			requestNode(path, 'onReceived'),
			{
				name: 'Ask',
				type: 'n8n-nodes-comms.sendSms',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'sendAndWait', responseType: 'reply', choices: 'YES, NO', waitTimeout: 10, ...ask },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
			...(next?.nodes ?? []),
		],
		connections: { Request: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] }, ...(next ? { Ask: next.ask } : {}) },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * replyWaitWorkflow with the request's body `{to, tag}` for the question, sent from +15555550101,
 * whose SMS URL the e2e stack's inbound example owns.
 */
export function smsReplyWaitWorkflow(name: string, path: string, waitTimeout: number, next: { nodes: WorkflowJson['nodes']; ask: WorkflowJson['connections'][string] }): WorkflowJson {
	return replyWaitWorkflow(
		name,
		path,
		{
			to: '={{ $json.body.to }}',
			from: { __rl: true, mode: 'number', value: NUMBER_ALERTS.phoneNumber },
			body: '=Deploy {{ $json.body.tag }}? Reply YES or NO',
			waitTimeout,
		},
		next,
	);
}

/** An execution's status once it is over: not waiting, and not resumed and still running. */
export const finished = (status: string): boolean => !['waiting', 'running', 'new'].includes(status);

/** Polls a workflow's newest execution until `until` holds for its status. */
export async function latestExecution(n8n: Executions, workflowId: string, until: (status: string) => boolean, timeoutMs = 30_000): Promise<{ id: string; status: string }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [latest] = await n8n.executions(workflowId).catch(() => []);
		if (latest && until(latest.status)) return latest;
		if (Date.now() > deadline) throw new Error(`execution of ${workflowId} did not reach the expected status: ${JSON.stringify(latest ?? null)}`);
		await sleep(150);
	}
}

/** The Call node's output, as the editor shows it. */
export async function ackOutcome(n8n: { rest: N8nRest }, executionId: string): Promise<AckOutcome[]> {
	const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${executionId}`);
	const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: AckOutcome }>> } }>> } };
	const runs = run.resultData.runData.Call ?? [];
	return (runs.at(-1)?.data?.main[0] ?? []).map((i) => i.json);
}
