/*
 * Proves the engine harness (test/support/engine.ts): workflows run through n8n-core's real
 * WorkflowExecute with small node types defined here (real INodeType classes, no mocked
 * IExecuteFunctions).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IAuthenticateGeneric,
	IConnections,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { itemsSource, runWorkflow, testNodeTypes } from '../support/engine';
import type { EngineCredential, RunOptions } from '../support/engine';

function describeNode(
	name: string,
	properties: INodeProperties[] = [],
	extra: Partial<INodeTypeDescription> = {},
): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: name,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
		...extra,
	};
}

/** Upper-cases `text` and says which input item each output came from. */
class UpperNode implements INodeType {
	description = describeNode('test.upper');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, i) => ({
				json: { ...item.json, text: String(item.json.text).toUpperCase() },
				pairedItem: { item: i },
			})),
		];
	}
}

/** Fails on items with `bad: true`, the way our nodes do, honouring continueOnFail. */
class FailOnBadNode implements INodeType {
	description = describeNode('test.failOnBad');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				if (items[i].json.bad === true) {
					throw new NodeOperationError(this.getNode(), `Item ${i} is bad`, { itemIndex: i });
				}
				out.push({ json: { ok: items[i].json.n }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

/** Passes items on unchanged. */
class PassNode implements INodeType {
	description = describeNode('test.pass');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const testApiCredential: ICredentialType = {
	name: 'testApi',
	displayName: 'Test API',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Account', name: 'account', type: 'string', default: 'default-account' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.apiKey}}' },
			qs: { account: '={{$credentials.account}}' },
		},
	} as IAuthenticateGeneric,
};

const credentialsDescription = { credentials: [{ name: 'testApi', required: true }] };

/** Returns the credential data it reads through this.getCredentials. */
class CredsNode implements INodeType {
	description = describeNode('test.creds', [], credentialsDescription);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const creds = await this.getCredentials('testApi');
		return [[{ json: { ...creds }, pairedItem: { item: 0 } }]];
	}
}

/** Calls `url` with and without credentials through n8n's request helpers. */
class HttpNode implements INodeType {
	description = describeNode(
		'test.http',
		[{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
		credentialsDescription,
	);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const url = this.getNodeParameter('url', i) as string;
			const authed = (await this.helpers.httpRequestWithAuthentication.call(this, 'testApi', {
				method: 'GET',
				url: `${url}/authed`,
				json: true,
			})) as IDataObject;
			const plain = (await this.helpers.httpRequest({ method: 'GET', url: `${url}/plain`, json: true })) as IDataObject;
			out.push({ json: { authed, plain }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Attaches a small binary file to each item. */
class BinaryNode implements INodeType {
	description = describeNode('test.binary');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const data = await this.helpers.prepareBinaryData(Buffer.from(`file ${i}`), 'a.txt', 'text/plain');
			out.push({ json: {}, binary: { data }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Reads the binary data of its input items. */
class ReadBinaryNode implements INodeType {
	description = describeNode('test.readBinary');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
			out.push({ json: { text: buffer.toString('utf8') }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Never finishes. */
class HangNode implements INodeType {
	description = describeNode('test.hang');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await new Promise<never>(() => {});
	}
}

const nodeTypes: RunOptions['nodeTypes'] = {
	'test.upper': new UpperNode(),
	'test.failOnBad': new FailOnBadNode(),
	'test.pass': new PassNode(),
	'test.creds': new CredsNode(),
	'test.http': new HttpNode(),
	'test.hang': new HangNode(),
	'test.binary': new BinaryNode(),
	'test.readBinary': new ReadBinaryNode(),
};

function node(name: string, type: string, extra: Partial<INode> = {}): INode {
	return { id: name, name, type, typeVersion: 1, position: [0, 0], parameters: {}, ...extra };
}

/** Connects the nodes in a line, main output 0 to main input 0. */
function chain(...nodes: INode[]): { nodes: INode[]; connections: IConnections } {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = {
			main: [[{ node: nodes[i + 1].name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}
	return { nodes, connections };
}

const testCredentialRef = { testApi: { id: 'cred-1', name: 'Test account' } };
const testCredential: EngineCredential = {
	id: 'cred-1',
	name: 'Test account',
	type: 'testApi',
	data: { apiKey: 'secret-key' },
};

describe('engine harness (n8n-core WorkflowExecute)', () => {
	it('exposes the built-in test.items start node', () => {
		expect(Object.keys(testNodeTypes)).toEqual(['test.items']);
		expect(itemsSource([{ a: 1 }]).type).toBe('test.items');
	});

	it('runs items from the source through a node, with outputs and pairedItem', async () => {
		const result = await runWorkflow(
			chain(itemsSource([{ text: 'a' }, { text: 'b' }]), node('Upper', 'test.upper')),
			{ nodeTypes },
		);

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.executedNodes).toEqual(['Items', 'Upper']);
		expect(result.outputs('Items').map((i) => i.json)).toEqual([{ text: 'a' }, { text: 'b' }]);
		const upper = result.outputs('Upper');
		expect(upper.map((i) => i.json)).toEqual([{ text: 'A' }, { text: 'B' }]);
		expect(upper.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(() => result.outputs('Nope')).toThrow(/Node "Nope" has no run 0/);
	});

	it('fails the run when a node throws NodeOperationError, keeping message and itemIndex', async () => {
		const result = await runWorkflow(
			chain(
				itemsSource([{ n: 1 }, { n: 2, bad: true }, { n: 3 }]),
				node('Fail', 'test.failOnBad'),
				node('After', 'test.pass'),
			),
			{ nodeTypes },
		);

		expect(result.run.status).toBe('error');
		// n8n stores errors in the run as plain objects (WorkflowExecute spreads them), not as
		// class instances: compare fields, not `instanceof`.
		const expected = {
			name: 'NodeOperationError',
			message: 'Item 1 is bad',
			context: { itemIndex: 1 },
			node: { name: 'Fail' },
		};
		expect(result.error).toMatchObject(expected);
		expect(result.nodeError('Fail')).toMatchObject(expected);
		expect(result.nodeError('Items')).toBeUndefined();
		expect(result.executedNodes).toEqual(['Items', 'Fail']);
	});

	it("lets items continue with onError 'continueRegularOutput' (continueOnFail)", async () => {
		const result = await runWorkflow(
			chain(
				itemsSource([{ n: 1 }, { n: 2, bad: true }, { n: 3 }]),
				node('Fail', 'test.failOnBad', { onError: 'continueRegularOutput' }),
				node('After', 'test.pass'),
			),
			{ nodeTypes },
		);

		expect(result.error).toBeUndefined();
		expect(result.nodeError('Fail')).toBeUndefined();
		const expected = [{ ok: 1 }, { error: 'Item 1 is bad' }, { ok: 3 }];
		expect(result.outputs('Fail').map((i) => i.json)).toEqual(expected);
		expect(result.outputs('After').map((i) => i.json)).toEqual(expected);
		expect(result.outputs('After').map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});

	it('resolves credentials for this.getCredentials, with the type defaults applied', async () => {
		const result = await runWorkflow(
			chain(itemsSource([{}]), node('Creds', 'test.creds', { credentials: testCredentialRef })),
			{ nodeTypes, credentialTypes: { testApi: testApiCredential }, credentials: [testCredential] },
		);

		expect(result.error).toBeUndefined();
		expect(result.outputs('Creds')[0].json).toEqual({ apiKey: 'secret-key', account: 'default-account' });
	});

	it('fails the node when the referenced credential does not exist', async () => {
		const result = await runWorkflow(
			chain(
				itemsSource([{}]),
				node('Creds', 'test.creds', { credentials: { testApi: { id: 'other', name: 'Other' } } }),
			),
			{ nodeTypes, credentialTypes: { testApi: testApiCredential }, credentials: [testCredential] },
		);

		expect(result.error?.message).toMatch(/Credential with ID "other".*does not exist for type "testApi"/);
	});

	describe('HTTP through this.helpers', () => {
		const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
		let server: Server;
		let baseUrl: string;

		beforeAll(async () => {
			server = createServer((req, res) => {
				seen.push({ url: req.url ?? '', headers: req.headers });
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ path: req.url, apiKey: req.headers['x-api-key'] ?? null }));
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		});

		afterAll(async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
		});

		it('httpRequestWithAuthentication applies the generic authenticate; httpRequest works', async () => {
			const result = await runWorkflow(
				chain(
					itemsSource([{}]),
					node('Http', 'test.http', { parameters: { url: baseUrl }, credentials: testCredentialRef }),
				),
				{
					nodeTypes,
					credentialTypes: { testApi: testApiCredential },
					credentials: [{ ...testCredential, data: { apiKey: 'secret-key', account: 'acc-7' } }],
				},
			);

			expect(result.error).toBeUndefined();
			expect(result.outputs('Http')[0].json).toEqual({
				authed: { path: '/authed?account=acc-7', apiKey: 'secret-key' },
				plain: { path: '/plain', apiKey: null },
			});
			expect(seen.map((s) => s.url)).toEqual(['/authed?account=acc-7', '/plain']);
			expect(seen[0].headers['x-api-key']).toBe('secret-key');
			expect(seen[1].headers['x-api-key']).toBeUndefined();
		});
	});

	it('keeps binary data in memory through prepareBinaryData / getBinaryDataBuffer', async () => {
		const result = await runWorkflow(
			chain(itemsSource([{}, {}]), node('Binary', 'test.binary'), node('Read', 'test.readBinary')),
			{ nodeTypes },
		);

		expect(result.error).toBeUndefined();
		expect(result.outputs('Binary')[0].binary?.data).toMatchObject({ fileName: 'a.txt', mimeType: 'text/plain' });
		expect(result.outputs('Read').map((i) => i.json)).toEqual([{ text: 'file 0' }, { text: 'file 1' }]);
	});

	it('rejects when the run does not finish within timeoutMs', async () => {
		// The message names the limit and the node still running: the harness's own timer fired, not jest's.
		await expect(
			runWorkflow(chain(itemsSource([{}]), node('Hang', 'test.hang')), { nodeTypes, timeoutMs: 300 }),
		).rejects.toThrow('Workflow did not finish within 300 ms (still running: Hang)');
	});
});
