/*
 * Runs workflow JSON in-process through n8n-core's WorkflowExecute, the code n8n itself uses,
 * in 'manual' mode: the run starts at the workflow's 'test.items' node (see itemsSource) and
 * follows its connections, with our node types and decrypted test credentials.
 *
 * What is real: WorkflowExecute, Workflow/expressions, node execution contexts (getNodeParameter,
 * getCredentials, continueOnFail, helpers.httpRequest / httpRequestWithAuthentication through
 * n8n's OutboundHttp), error handling (onError settings, pairedItem, NodeOperationError...).
 * What is ours: the DI setup (./engine/container.ts), the credentials store
 * (./engine/credentials-helper.ts) and the node-type registry (./engine/node-types.ts).
 * Unsupported here: sub-workflows (executeWorkflow), task runners (Code node), OAuth.
 *
 * Logs are silent by default; ENGINE_LOG=debug (or info/warn/error) prints n8n's log.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import { UnexpectedError, Workflow, deepCopy } from 'n8n-workflow';
import type {
	ExecutionError,
	IConnections,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
} from 'n8n-workflow';

import { ensureEngineContainer } from './engine/container';
import { EngineCredentialsHelper } from './engine/credentials-helper';
import type { EngineCredential } from './engine/credentials-helper';
import { EngineNodeTypes, ITEMS_SOURCE_TYPE, itemsSource, testNodeTypes } from './engine/node-types';

export type { EngineCredential } from './engine/credentials-helper';
export { ITEMS_SOURCE_TYPE, itemsSource, testNodeTypes };

export interface RunOptions {
	/** Our node classes' instances keyed by full type name, e.g. 'CUSTOM.sendSms'. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	/** Our credential classes keyed by credential name (needed for `authenticate` and property defaults). */
	credentialTypes?: Record<string, ICredentialType>;
	/** Resolved through the workflow nodes' `credentials: { [type]: { id, name } }`. */
	credentials?: EngineCredential[];
	/** Default 30000; the promise rejects (and the execution is cancelled) past it. */
	timeoutMs?: number;
}

export interface EngineResult {
	/** The full result, as n8n would store it. */
	run: IRun;
	/**
	 * The run's error, if the workflow failed. Like every error in `run`, n8n stores it as a plain
	 * object copy (name, message, context.itemIndex, node, ...), so match fields, not `instanceof`.
	 */
	error?: ExecutionError | Error;
	/** Names of the nodes in the order they finished. */
	executedNodes: string[];
	/**
	 * Items of a node's output (default output 0 of run 0). Throws if the node never ran,
	 * so a wrong name or an earlier failure shows up clearly; an empty or missing output is [].
	 */
	outputs(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error a node ended with (its last run), if any. */
	nodeError(nodeName: string): ExecutionError | undefined;
}

export interface EngineWorkflow {
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
}

const BASE_URL = 'http://localhost:5678';
let executionCounter = 0;

export async function runWorkflow(workflow: EngineWorkflow, opts: RunOptions): Promise<EngineResult> {
	ensureEngineContainer();
	const timeoutMs = opts.timeoutMs ?? 30_000;
	const executionId = `engine-${++executionCounter}`;

	const nodes = deepCopy(workflow.nodes);
	// New workflows in n8n 1.x/2.x are saved with executionOrder 'v1'; without it n8n runs the
	// legacy v0 order.
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...workflow.settings };
	const workflowData: IWorkflowBase = {
		id: 'engine-test',
		name: 'Engine test',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: deepCopy(workflow.connections),
		settings,
		staticData: workflow.staticData,
	};
	const instance = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes: new EngineNodeTypes({ ...testNodeTypes, ...opts.nodeTypes }),
		staticData: workflow.staticData,
		settings,
	});

	const startNode = findStartNode(instance, nodes);

	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const executedNodes: string[] = [];
	const running = new Set<string>();
	hooks.addHandler('nodeExecuteBefore', (nodeName) => {
		running.add(nodeName);
	});
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		running.delete(nodeName);
		executedNodes.push(nodeName);
	});

	const additionalData = buildAdditionalData(executionId, hooks, opts);
	const execution = new WorkflowExecute(additionalData, 'manual').run({ workflow: instance, startNode });

	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			// Cancelling aborts the execution's AbortSignal (seen by httpRequest) and runs the
			// workflowExecuteAfter hook; WorkflowExecute's promise is built not to reject on cancel.
			execution.cancel();
			const where = running.size ? ` (still running: ${[...running].join(', ')})` : '';
			reject(new Error(`Workflow did not finish within ${timeoutMs} ms${where}`));
		}, timeoutMs);
	});
	let run: IRun;
	try {
		run = await Promise.race([execution, timeout]);
	} finally {
		clearTimeout(timer);
	}

	return makeResult(run, executedNodes);
}

function findStartNode(instance: Workflow, nodes: INode[]): INode {
	const sources = nodes.filter((n) => n.type === ITEMS_SOURCE_TYPE && n.disabled !== true);
	if (sources.length > 1) {
		throw new UnexpectedError(
			`engine harness: more than one ${ITEMS_SOURCE_TYPE} node (${sources.map((n) => n.name).join(', ')})`,
		);
	}
	const start = sources[0] ?? instance.getStartNode();
	if (!start) throw new UnexpectedError('engine harness: no node to start the workflow from');
	// WorkflowExecute wants the Workflow's own node object.
	return instance.getNode(start.name) ?? start;
}

function unsupported(what: string) {
	return async (): Promise<never> => {
		throw new UnexpectedError(`engine harness: ${what} is not supported in engine tests`);
	};
}

/**
 * What n8n's CLI passes to WorkflowExecute (WorkflowExecuteAdditionalData.getBase), minus the
 * database-backed parts: sub-workflows and task runners are refused, URLs point at a default
 * local instance.
 */
function buildAdditionalData(
	executionId: string,
	hooks: ExecutionLifecycleHooks,
	opts: RunOptions,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new EngineCredentialsHelper(opts.credentialTypes ?? {}, opts.credentials ?? []),
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		executeWorkflow: unsupported('executeWorkflow (sub-workflows)'),
		startRunnerTask: unsupported('startRunnerTask (task runners)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	};
}

function makeResult(run: IRun, executedNodes: string[]): EngineResult {
	const { runData } = run.data.resultData;
	const tasks = (nodeName: string) => runData[nodeName] ?? [];
	return {
		run,
		error: run.data.resultData.error,
		executedNodes,
		outputs(nodeName, outputIndex = 0, runIndex = 0) {
			const task = tasks(nodeName)[runIndex];
			if (!task) {
				const ran = Object.keys(runData).join(', ') || 'none';
				const why = run.data.resultData.error ? `; run error: ${run.data.resultData.error.message}` : '';
				throw new Error(`Node "${nodeName}" has no run ${runIndex} (nodes that ran: ${ran}${why})`);
			}
			return task.data?.main?.[outputIndex] ?? [];
		},
		nodeError(nodeName) {
			return tasks(nodeName).at(-1)?.error;
		},
	};
}
