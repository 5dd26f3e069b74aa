/**
 * The Webhook node that starts a test workflow: POST to `/webhook/<path>`. By default n8n answers
 * with every item of the last node; `onReceived` answers at once, for workflows that then wait.
 */
export function requestNode(path: string, answer: 'lastNode' | 'onReceived' = 'lastNode') {
	return {
		name: 'Request',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0] as [number, number],
		webhookId: path,
		parameters:
			answer === 'lastNode'
				? { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} }
				: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}
