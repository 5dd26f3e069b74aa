/** The Webhook node that starts a test workflow: POST to `/webhook/<path>`, answered with every item of the last node. */
export function requestNode(path: string) {
	return {
		name: 'Request',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0] as [number, number],
		webhookId: path,
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
}
