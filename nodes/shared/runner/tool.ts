/**
 * Our nodes run as AI Agent tools: n8n derives a `…Tool` node type (e.g. `n8n-nodes-comms.sendSmsTool`)
 * from every `usableAsTool` node, and the agent runs it with the model's `$fromAI()` arguments.
 *
 * A failure there (an invalid To, a body too long, Twilio refusing the number) must reach the model
 * as the tool's result, with the fix, so it can correct the call or tell the user; it must not end
 * the execution. n8n does not guarantee that for a node that throws:
 * - AI Agent v3 runs the tool as a node and, unless its On Error setting is explicitly "Stop
 *   Workflow", hands the model `{"error": <message>}`: the message only, our fix (the error's
 *   description) is dropped.
 * - AI Agent v1/v2 run the tool through LangChain's AgentExecutor, which turns a thrown error into
 *   an empty observation: the model learns nothing.
 * So as a tool, a node returns its failures as items, like On Error "Continue" does: `error` (what
 * is wrong, naming the field and the value) and `errorDescription` (what to do), plus the vendor's
 * code and, when Twilio did not confirm a create, `outcomeUnknown`. Nothing is sent for an item that
 * fails validation. An explicit "Stop Workflow" is still honoured, as n8n does for tools.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

/** True for the `…Tool` variant n8n derives from the node, or any run n8n does on an agent's behalf. */
export function runsAsTool(node: INode): boolean {
	return node.type.endsWith('Tool') || node.rewireOutputLogTo === 'ai_tool';
}

/** Whether failures go to the agent as the tool's result instead of being thrown (see ./runItems.ts). */
export function failuresGoToAgent(ctx: IExecuteFunctions): boolean {
	const node = ctx.getNode();
	return runsAsTool(node) && node.onError !== 'stopWorkflow';
}
