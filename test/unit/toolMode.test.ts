import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { returnFailuresToAgent, runItems } from '../../nodes/shared/runner/runItems';
import { failuresGoToAgent, runsAsTool } from '../../nodes/shared/runner/tool';

const base: INode = { id: '1', name: 'Send SMS', type: 'n8n-nodes-comms.sendSms', typeVersion: 1, position: [0, 0], parameters: {} };
const asTool: INode = { ...base, type: 'n8n-nodes-comms.sendSmsTool' };

function ctx(node: INode, continueOnFail = false): IExecuteFunctions {
	return {
		getNode: () => node,
		getInputData: () => [{ json: { To: '12345', Message: 'hi', toolCallId: 'call_1' } }],
		continueOnFail: () => continueOnFail,
	} as unknown as IExecuteFunctions;
}

const invalidTo = (node: INode) =>
	new NodeOperationError(node, 'Invalid To "12345" in item 0: not a phone number in E.164 format', {
		itemIndex: 0,
		description: 'Use the international format with a leading + and country code, e.g. +14155550123',
	});

describe('tool mode', () => {
	it('is the …Tool node type n8n derives from usableAsTool, or a run n8n rewires to an agent', () => {
		expect(runsAsTool(asTool)).toBe(true);
		expect(runsAsTool({ ...base, rewireOutputLogTo: 'ai_tool' })).toBe(true);
		expect(runsAsTool(base)).toBe(false);
	});

	it('sends failures to the agent unless On Error is explicitly Stop Workflow', () => {
		expect(failuresGoToAgent(ctx(asTool))).toBe(true);
		expect(failuresGoToAgent(ctx({ ...asTool, onError: 'continueRegularOutput' }))).toBe(true);
		expect(failuresGoToAgent(ctx({ ...asTool, onError: 'stopWorkflow' }))).toBe(false);
		expect(failuresGoToAgent(ctx(base))).toBe(false);
	});

	it("as a tool, an item's failure is the result: the message and the fix", async () => {
		const out = await runItems(
			ctx(asTool),
			async () => {
				throw new Error('x');
			},
			() => invalidTo(asTool),
			{ concurrency: 1 },
		);
		expect(out).toEqual([
			[
				{
					json: {
						error: 'Invalid To "12345" in item 0: not a phone number in E.164 format',
						errorDescription: 'Use the international format with a leading + and country code, e.g. +14155550123',
					},
					pairedItem: { item: 0 },
				},
			],
		]);
	});

	it('not as a tool, the same failure is thrown as before', async () => {
		await expect(
			runItems(
				ctx(base),
				async () => {
					throw new Error('x');
				},
				() => invalidTo(base),
				{ concurrency: 1 },
			),
		).rejects.toThrow(/^Invalid To "12345"/);
	});

	it('as a tool, a failure outside the item loop is returned too, with a vendor error kept as it is', async () => {
		const apiError = new NodeApiError(asTool, { code: 20003 }, { message: 'Twilio error 20003: Authenticate', description: 'Check the Account SID', httpCode: '401' });
		const out = await returnFailuresToAgent(ctx(asTool), async () => {
			throw apiError;
		});
		expect(out[0][0].json).toEqual({ error: 'Twilio error 20003: Authenticate', errorDescription: 'Check the Account SID', errorHttpCode: '401', errorCode: 20003 });

		const plain = await returnFailuresToAgent(ctx(asTool), async () => {
			throw new Error('Node does not have any credentials set');
		});
		expect(plain[0][0].json.error).toBe('Node does not have any credentials set');

		await expect(
			returnFailuresToAgent(ctx(base), async () => {
				throw apiError;
			}),
		).rejects.toBe(apiError);
		await expect(
			returnFailuresToAgent(ctx({ ...asTool, onError: 'stopWorkflow' }), async () => {
				throw apiError;
			}),
		).rejects.toBe(apiError);
	});
});
