/**
 * Workflow builders for engine tests of Send Email: items (optionally given binary files by a
 * helper node) wired into our node, with a sandbox Resend credential.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { ResendApi } from '../../credentials/ResendApi.credentials';
import { SendEmail } from '../../nodes/SendEmail/SendEmail.node';
import { RESEND_FROM, RESEND_FULL_KEY } from '../../sandbox/fixtures';
import { itemsSource, runWorkflow, type EngineCredential, type EngineResult } from './engine';

export const RESEND_CREDENTIAL_REF = { id: 'resend-sandbox', name: 'Resend sandbox' };

export function resendCredential(baseUrl: string, data: IDataObject = {}): EngineCredential {
	return {
		...RESEND_CREDENTIAL_REF,
		type: 'resendCommsApi',
		data: { apiKey: RESEND_FULL_KEY.token, defaultFrom: RESEND_FROM, useCustomBaseUrl: true, baseUrl, ...data },
	};
}

/**
 * 'test.attachFiles': for each item, turns `json.files` ({property: {text | base64, fileName, mimeType}})
 * into n8n binary data through prepareBinaryData, as a Read File or HTTP Request node would.
 */
class AttachFiles implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Attach Files',
		name: 'test.attachFiles',
		group: ['transform'],
		version: 1,
		description: 'Adds binary files to items',
		defaults: { name: 'Attach Files' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const files = (items[i].json.files ?? {}) as Record<string, { text?: string; base64?: string; fileName: string; mimeType: string }>;
			const binary: INodeExecutionData['binary'] = {};
			for (const [property, f] of Object.entries(files)) {
				const buffer = f.base64 !== undefined ? Buffer.from(f.base64, 'base64') : Buffer.from(f.text ?? '');
				binary[property] = await this.helpers.prepareBinaryData(buffer, f.fileName, f.mimeType);
			}
			const { files: _files, ...json } = items[i].json;
			out.push({ json, binary, pairedItem: { item: i } });
		}
		return [out];
	}
}

export const EMAIL_NODE_TYPES = { 'CUSTOM.sendEmail': new SendEmail(), 'test.attachFiles': new AttachFiles() };
export const EMAIL_CREDENTIAL_TYPES = { resendCommsApi: new ResendApi() };

/** Items (→ Attach Files when `withFiles`) → Send Email, run by n8n-core's WorkflowExecute. */
export async function runEmailNode(args: {
	parameters: INodeParameters;
	items: IDataObject[];
	baseUrl: string;
	/** Credential fields to override; `null` runs with no credential stored. */
	credential?: IDataObject | null;
	continueOnFail?: boolean;
	withFiles?: boolean;
	timeoutMs?: number;
}): Promise<EngineResult & { nodeName: string }> {
	const source = itemsSource(args.items);
	const nodeName = 'Send Email';
	const node: INode = {
		id: 'send-email-node',
		name: nodeName,
		type: 'CUSTOM.sendEmail',
		typeVersion: 1,
		position: [400, 0],
		parameters: args.parameters,
		credentials: { resendCommsApi: RESEND_CREDENTIAL_REF },
		...(args.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const nodes: INode[] = [source, node];
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	if (args.withFiles) {
		nodes.push({ id: 'attach-files', name: 'Attach Files', type: 'test.attachFiles', typeVersion: 1, position: [200, 0], parameters: {} });
		connections[source.name] = { main: [[{ node: 'Attach Files', type: 'main', index: 0 }]] };
		connections['Attach Files'] = { main: [[{ node: nodeName, type: 'main', index: 0 }]] };
	} else {
		connections[source.name] = { main: [[{ node: nodeName, type: 'main', index: 0 }]] };
	}
	const result = await runWorkflow(
		{ nodes, connections },
		{
			nodeTypes: EMAIL_NODE_TYPES,
			credentialTypes: EMAIL_CREDENTIAL_TYPES,
			credentials: args.credential === null ? [] : [resendCredential(args.baseUrl, args.credential)],
			timeoutMs: args.timeoutMs ?? 60_000,
		},
	);
	return Object.assign(result, { nodeName });
}
