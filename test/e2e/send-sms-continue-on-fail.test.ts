/**
 * Send SMS with On Error → Continue in a real n8n: bad items become error items, good ones are sent,
 * and n8n's own paired-item lookup (`$('Items').item`) finds each output's input.
 */
import { MAGIC_TO, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { useN8n } from './harness';
import { requestNode } from '../support/n8n/requestNode';

const n8n = useN8n();

function workflow(path: string): WorkflowJson {
	return {
		name: `e2e: Send SMS continueOnFail ${path}`,
		nodes: [
			requestNode(path),
			{
				name: 'Items',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [200, 0],
				parameters: { fieldToSplitOut: 'body.items', options: {} },
			},
			{
				name: 'Send SMS',
				type: 'n8n-nodes-comms.sendSms',
				typeVersion: 1,
				position: [400, 0],
				onError: 'continueRegularOutput',
				parameters: { to: '={{ $json.to }}', body: '={{ $json.tag }}', options: {} },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
			{
				name: 'Pair',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [600, 0],
				parameters: {
					mode: 'manual',
					includeOtherFields: false,
					assignments: {
						assignments: [
							{ id: 'a1', name: 'tag', type: 'string', value: "={{ $('Items').item.json.tag }}" },
							{ id: 'a2', name: 'sid', type: 'string', value: '={{ $json.sid ?? "" }}' },
							{ id: 'a3', name: 'error', type: 'string', value: '={{ $json.error ?? "" }}' },
							{ id: 'a4', name: 'errorCode', type: 'number', value: '={{ $json.errorCode ?? 0 }}' },
						],
					},
					options: {},
				},
			},
		],
		connections: {
			Request: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Send SMS', type: 'main', index: 0 }]] },
			'Send SMS': { main: [[{ node: 'Pair', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('Send SMS in a real n8n, On Error → Continue', () => {
	it('gives one output per input, in order and paired: sent items and explained error items', async () => {
		const path = n8n.tag('cof');
		await n8n.importWorkflow(workflow(path), { activate: true });
		const t = n8n.tag('batch');
		const items = [
			{ to: SAMPLE_RECIPIENT, tag: `${t} good 1` },
			{ to: '12345', tag: `${t} bad number` },
			{ to: MAGIC_TO.blocked, tag: `${t} opted out` },
			{ to: SAMPLE_RECIPIENT, tag: `${t} good 2` },
		];
		const res = await n8n.webhook<Array<{ tag: string; sid: string; error: string; errorCode: number }>>(path, { items });
		expect(res.status).toBe(200);
		expect(res.json.map((o) => o.tag)).toEqual(items.map((i) => i.tag));
		const [good1, bad, blocked, good2] = res.json;
		expect(good1.sid).toMatch(/^SM/);
		expect(good2.sid).toMatch(/^SM/);
		expect(bad).toMatchObject({ sid: '', error: expect.stringMatching(/Invalid To "12345"/) });
		expect(blocked).toMatchObject({ sid: '', errorCode: 21610 });

		const sent = await n8n.sandbox.waitForMessages((m) => m.body.startsWith(t), { count: 2 });
		expect(sent.map((m) => m.body).sort()).toEqual([`${t} good 1`, `${t} good 2`]);
		expect(sent.every((m) => m.from === NUMBER_MAIN.phoneNumber)).toBe(true);
	});
});
