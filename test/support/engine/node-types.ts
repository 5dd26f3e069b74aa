/*
 * Node types for in-process runs: the registry WorkflowExecute looks types up in, and the
 * harness's own start node.
 */
import { NodeConnectionTypes, NodeHelpers, UserError, jsonParse } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	ITriggerFunctions,
	ITriggerResponse,
	IVersionedNodeType,
} from 'n8n-workflow';

/** Type name of the harness's start node. */
export const ITEMS_SOURCE_TYPE = 'test.items';

/**
 * 'test.items': a trigger that, like n8n's Manual Trigger, fires once when the workflow is run
 * by hand, but emits the items given in its `items` JSON parameter instead of one empty item.
 * It goes through the same code path as the Manual Trigger (WorkflowExecute → TriggersAndPollers
 * → `manualTriggerFunction` → `emit`).
 */
export class ItemsSource implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: ITEMS_SOURCE_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow with the given items',
		defaults: { name: 'Items' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items (JSON Array)',
				name: 'items',
				type: 'json',
				default: '[]',
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const raw = this.getNodeParameter('items', '[]') as string | IDataObject[];
		const items = typeof raw === 'string' ? jsonParse<unknown>(raw) : raw;
		if (!Array.isArray(items)) {
			throw new UserError('test.items: the "items" parameter must be a JSON array');
		}
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray(items as IDataObject[])]);
		};
		return { manualTriggerFunction };
	}
}

/** Built-in helper node types, keyed by type name. */
export const testNodeTypes: Record<string, INodeType> = {
	[ITEMS_SOURCE_TYPE]: new ItemsSource(),
};

let sourceCount = 0;

/** A 'test.items' start node emitting `items`. Named 'Items' unless told otherwise. */
export function itemsSource(items: IDataObject[], name = 'Items'): INode {
	sourceCount += 1;
	return {
		id: `test-items-${sourceCount}`,
		name,
		type: ITEMS_SOURCE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(items) },
	};
}

/** The INodeTypes registry handed to `new Workflow(...)`. Versioned node types are supported. */
export class EngineNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) {
			const known = Object.keys(this.types).join(', ');
			throw new UserError(`Unknown node type "${nodeType}" (known: ${known})`);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(Object.keys(this.types).map((name) => [name, { className: name }]));
	}
}
