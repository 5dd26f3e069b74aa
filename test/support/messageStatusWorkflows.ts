/**
 * Runs Message Status in n8n-core's WorkflowExecute with the sandbox's Twilio and/or Resend
 * credential selected: the node is the only one needing both, so it has its own builder.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { ResendApi } from '../../credentials/ResendApi.credentials';
import { TwilioApi } from '../../credentials/TwilioApi.credentials';
import { MessageStatus } from '../../nodes/MessageStatus/MessageStatus.node';
import { itemsSource, runWorkflow, type EngineResult } from './engine';
import { RESEND_CREDENTIAL_REF, resendCredential } from './resendWorkflows';
import { TWILIO_CREDENTIAL_REF, twilioCredential } from './twilioWorkflows';

export const MESSAGE_STATUS_NODE = 'Message Status';

export async function runMessageStatus(args: {
	baseUrl: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	continueOnFail?: boolean;
	/** Which credentials the node has selected; both by default. */
	credentials?: Array<'twilio' | 'resend'>;
}): Promise<EngineResult> {
	const use = args.credentials ?? ['twilio', 'resend'];
	const source = itemsSource(args.items ?? [{}]);
	const node: INode = {
		id: 'message-status',
		name: MESSAGE_STATUS_NODE,
		type: 'CUSTOM.messageStatus',
		typeVersion: 1,
		position: [200, 0],
		parameters: args.parameters,
		credentials: {
			...(use.includes('twilio') ? { twilioCommsApi: TWILIO_CREDENTIAL_REF } : {}),
			...(use.includes('resend') ? { resendCommsApi: RESEND_CREDENTIAL_REF } : {}),
		},
		...(args.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	return runWorkflow(
		{ nodes: [source, node], connections: { [source.name]: { main: [[{ node: MESSAGE_STATUS_NODE, type: 'main', index: 0 }]] } } },
		{
			nodeTypes: { 'CUSTOM.messageStatus': new MessageStatus() },
			credentialTypes: { twilioCommsApi: new TwilioApi(), resendCommsApi: new ResendApi() },
			credentials: [twilioCredential(args.baseUrl), resendCredential(args.baseUrl)],
			timeoutMs: 30_000,
		},
	);
}
