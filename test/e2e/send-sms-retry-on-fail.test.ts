/**
 * n8n's Retry On Fail in a real n8n: the node fails on item 20 and n8n runs it again with all 30
 * items, three times. Before, items 0–19 were texted three times each; now each is texted once.
 */
import { SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { useN8n } from './harness';
import { requestNode } from '../support/n8n/requestNode';

const n8n = useN8n();
const ITEMS = 30;
const BAD = 20;

function workflow(path: string): WorkflowJson {
	return {
		name: `e2e: Send SMS Retry On Fail ${path}`,
		nodes: [
			requestNode(path),
			{ name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
			{
				name: 'Send SMS',
				type: 'n8n-nodes-comms.sendSms',
				typeVersion: 1,
				position: [400, 0],
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 100,
				parameters: { to: '={{ $json.to }}', body: '={{ $json.tag }}', options: {} },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
		],
		connections: {
			Request: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Send SMS', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	} as WorkflowJson;
}

describe('Send SMS in a real n8n, Retry On Fail (3 tries)', () => {
	it('texts each item before the failing one once, not once per try, and fails on item 20', async () => {
		const path = n8n.tag('retry');
		const wf = await n8n.importWorkflow(workflow(path), { activate: true });
		const t = n8n.tag('rof');
		const items = Array.from({ length: ITEMS }, (_, i) => ({ to: i === BAD ? 'not-a-number' : SAMPLE_RECIPIENT, tag: `${t} #${i}` }));
		const res = await n8n.webhook(path, { items });
		// n8n's generic answer when the last node failed; the reason is in the execution.
		expect(res.status).toBe(500);
		const [execution] = await n8n.executions(wf.id);
		expect(execution.status).toBe('error');
		const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${execution.id}`);
		expect(data.data).toContain('Invalid To \\"not-a-number\\" in item 20');

		const sent = await n8n.sandbox.messages((m) => m.body.startsWith(`${t} #`));
		const perItem = new Map<string, number>();
		for (const m of sent) perItem.set(m.body, (perItem.get(m.body) ?? 0) + 1);
		for (let i = 0; i < BAD; i++) expect([`${t} #${i}`, perItem.get(`${t} #${i}`)]).toEqual([`${t} #${i}`, 1]);
		expect(perItem.has(`${t} #${BAD}`)).toBe(false);
		// Items after 20 that were already in flight were sent by the first try and by no other.
		expect(Math.max(...perItem.values())).toBe(1);
	});
});
