/**
 * Running our nodes as AI Agent tools inside n8n-core's WorkflowExecute, with no language model.
 *
 * - `asAiTool(nodeType)` is the `…Tool` node type n8n derives from a `usableAsTool` node (n8n's CLI
 *   does it in NodeTypes.getByNameAndVersion with tool-generation's convertNodeToAiTool): type name
 *   + 'Tool', no inputs, one `ai_tool` output, and a "Description" (`toolDescription`) parameter.
 *   Nodes with a resource or operation also get `descriptionType`; ours (Send SMS, Voice Message,
 *   Send Email) have neither.
 * - 'test.agent' stands in for AI Agent v3 (n8n's default agent): on its first run it reads its
 *   tools through getInputConnectionData (n8n-core's createNodeAsTool: the real tool name,
 *   description and $fromAI schema) and returns an EngineRequest with the tool calls given in its
 *   `calls` parameter, as the agent does with a model's tool calls. WorkflowExecute then runs each
 *   tool node and resumes the agent with the results, which it outputs: the tools it saw and, per
 *   call, the observation the model would get (what the agent's buildSteps reads from the task data).
 *   With `mode: 'invoke'` it instead calls each tool's `invoke()` itself, as AI Agent v1/v2 (through
 *   LangChain's AgentExecutor), a sub-agent and the MCP Server Trigger do: the tool's func is
 *   n8n-core's makeHandleToolInvocation, which runs the node in a SupplyDataContext. A tool that
 *   throws there gives AgentExecutor an empty observation, so the output records the throw.
 */
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { NodeConnectionTypes, jsonParse } from 'n8n-workflow';
import type {
	EngineRequest,
	EngineResponse,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITaskData,
} from 'n8n-workflow';
import { itemsSource, runWorkflow, type EngineResult, type RunOptions } from '../support/engine';

export const AGENT_TYPE = 'test.agent';

export function asAiTool(nodeType: INodeType): INodeType {
	const base = nodeType.description;
	const description: INodeTypeDescription = {
		...base,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties: [
			...base.properties,
			{ displayName: 'Description', name: 'toolDescription', type: 'string', default: base.description, required: true, typeOptions: { rows: 2 } },
		],
	};
	delete description.usableAsTool;
	// Methods (execute, listSearch, credentialTest) stay reachable through the prototype, as in n8n.
	return Object.assign(Object.create(nodeType) as INodeType, { description });
}

export interface ToolCall {
	/** The tool node's name (the agent maps the model's tool name back to it). */
	node: string;
	/** The arguments the model passed: the $fromAI keys. */
	input: IDataObject;
}

interface ToolLike {
	name: string;
	description: string;
	schema: unknown;
}

/** The observation n8n's AI Agent hands the model for a tool run (agent-execution/buildSteps). */
export function observationOf(data: ITaskData): string {
	const json = data.data?.ai_tool?.[0]?.map((item) => item?.json);
	if (json && json.length > 0) return JSON.stringify(json);
	if (data.error) return JSON.stringify({ error: data.error.message ?? 'Unknown error', ...(data.error.name ? { errorType: data.error.name } : {}) });
	return JSON.stringify('');
}

export class ScriptedAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scripted Agent',
		name: AGENT_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Calls its tools as scripted, the way AI Agent v3 does',
		defaults: { name: 'Agent' },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tools' }],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Calls (JSON)', name: 'calls', type: 'json', default: '[]' },
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				default: 'request',
				options: [
					{ name: 'Engine Request (AI Agent v3)', value: 'request' },
					{ name: 'Invoke (AI Agent v1/v2, MCP)', value: 'invoke' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions, response?: EngineResponse): Promise<INodeExecutionData[][] | EngineRequest> {
		const tools = ((await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) ?? []) as ToolLike[];
		const byNode = new Map(tools.map((t) => [(t as { metadata?: { sourceNodeName?: string } }).metadata?.sourceNodeName, t]));
		const raw = this.getNodeParameter('calls', 0, '[]') as string | ToolCall[];
		const calls = typeof raw === 'string' ? jsonParse<ToolCall[]>(raw) : raw;
		const described = tools.map((t) => ({ name: t.name, description: t.description, schema: toJsonSchema(t.schema as never) as IDataObject }));
		if (this.getNodeParameter('mode', 0, 'request') === 'invoke') {
			const results: IDataObject[] = [];
			for (const call of calls) {
				const tool = byNode.get(call.node) as (ToolLike & { invoke(input: IDataObject): Promise<string> }) | undefined;
				if (!tool) throw new Error(`test.agent: no tool for node "${call.node}"`);
				try {
					results.push({ node: call.node, observation: await tool.invoke(call.input) });
				} catch (error) {
					results.push({ node: call.node, thrown: (error as Error).message });
				}
			}
			return [[{ json: { tools: described, results }, pairedItem: { item: 0 } }]];
		}
		// WorkflowExecute passes an empty response on the first run; on resume it carries our request's
		// metadata back with the results.
		const resumed = (response?.metadata as { scripted?: boolean } | undefined)?.scripted === true;
		if (!resumed && calls.length > 0) {
			return {
				actions: calls.map((call, k) => ({
					actionType: 'ExecutionNodeAction' as const,
					nodeName: call.node,
					input: call.input,
					type: NodeConnectionTypes.AiTool,
					id: `call_${k}`,
					metadata: { itemIndex: 0, toolName: byNode.get(call.node)?.name },
				})),
				metadata: { scripted: true },
			};
		}
		const json: IDataObject = {
			tools: described,
			results: (response?.actionResponses ?? []).map((r) => ({
				node: r.action.nodeName,
				status: r.data.executionStatus ?? null,
				observation: observationOf(r.data),
			})),
		};
		return [[{ json, pairedItem: { item: 0 } }]];
	}
}

export function agentNode(calls: ToolCall[], mode: 'request' | 'invoke' = 'request', name = 'Agent'): INode {
	return { id: 'agent', name, type: AGENT_TYPE, typeVersion: 1, position: [200, 0], parameters: { calls: JSON.stringify(calls), mode } };
}

export interface AgentOutput {
	tools: Array<{ name: string; description: string; schema: IDataObject }>;
	/** `status` only in 'request' mode; `thrown` only in 'invoke' mode, when the tool threw. */
	results: Array<{ node: string; status?: string | null; observation?: string; thrown?: string }>;
}

/**
 * Items ([{chatInput}]) → Agent, with `tools` wired into the agent's ai_tool input; runs the agent's
 * scripted calls and returns the run with the agent's output (undefined if the agent never finished).
 */
export async function runAgentWorkflow(args: {
	tools: INode[];
	calls: ToolCall[];
	mode?: 'request' | 'invoke';
	options: RunOptions;
}): Promise<EngineResult & { agent: AgentOutput | undefined }> {
	const source = itemsSource([{ chatInput: 'Please let Ada know', sessionId: 'session-1' }]);
	const agent = agentNode(args.calls, args.mode);
	const result = await runWorkflow(
		{
			nodes: [source, agent, ...args.tools],
			connections: {
				[source.name]: { main: [[{ node: agent.name, type: 'main', index: 0 }]] },
				...Object.fromEntries(args.tools.map((t) => [t.name, { ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] }])),
			},
		},
		{ ...args.options, nodeTypes: { [AGENT_TYPE]: new ScriptedAgent(), ...args.options.nodeTypes } },
	);
	const finished = result.run.data.resultData.runData[agent.name]?.at(-1)?.data?.main?.[0]?.[0]?.json;
	return Object.assign(result, { agent: finished as AgentOutput | undefined });
}
