/**
 * Webhook → Code (N numbered items) → Send SMS (Continue On Fail) → one row per item naming its
 * input: the shape of a bulk send, with every output traceable to the item it came from.
 */
import { SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { requestNode } from '../support/n8n/requestNode';

export interface BulkRow {
	/** The input item's index, found through n8n's paired-item lookup. */
	i: number;
	sid: string;
	error: string;
}

/** Each body carries the tag and the index, so every send is distinct and can be found in the sandbox. */
export const bodyOf = (tag: string, i: number) => `${tag} #${i}`;

/**
 * `retryOnFail`: Send SMS without Continue On Fail but with n8n's Retry On Fail (3 tries), and item
 * `badIndex` addressed to a number Twilio refuses, so the node throws and n8n runs it again.
 */
export function bulkSmsWorkflow(path: string, retryOnFail?: { badIndex: number; badTo: string }): WorkflowJson {
	return {
		name: `queue: bulk Send SMS ${path}`,
		nodes: [
			requestNode(path),
			{
				name: 'Make items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: [
						'const { count, tag } = $input.first().json.body;',
						`const to = (i) => i === ${retryOnFail?.badIndex ?? -1} ? ${JSON.stringify(retryOnFail?.badTo ?? '')} : ${JSON.stringify(SAMPLE_RECIPIENT)};`,
						`return Array.from({ length: count }, (_, i) => ({ json: { i, to: to(i), text: \`\${tag} #\${i}\` } }));`,
					].join('\n'),
				},
			},
			{
				name: 'Send SMS',
				type: 'n8n-nodes-comms.sendSms',
				typeVersion: 1,
				position: [400, 0],
				// n8n treats a 0 wait as unset (1 s); 10 ms keeps three tries quick.
				...(retryOnFail ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 } : { onError: 'continueRegularOutput' }),
				parameters: { to: '={{ $json.to }}', body: '={{ $json.text }}', options: {} },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
			{
				name: 'Row',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [600, 0],
				parameters: {
					mode: 'manual',
					includeOtherFields: false,
					assignments: {
						assignments: [
							{ id: 'r1', name: 'i', type: 'number', value: "={{ $('Make items').item.json.i }}" },
							{ id: 'r2', name: 'sid', type: 'string', value: '={{ $json.sid ?? "" }}' },
							{ id: 'r3', name: 'error', type: 'string', value: '={{ $json.error ?? "" }}' },
						],
					},
					options: {},
				},
			},
		],
		connections: {
			Request: { main: [[{ node: 'Make items', type: 'main', index: 0 }]] },
			'Make items': { main: [[{ node: 'Send SMS', type: 'main', index: 0 }]] },
			'Send SMS': { main: [[{ node: 'Row', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
