/**
 * Workflow builders for engine tests of the Twilio nodes: a source of items wired into one of our
 * nodes, with sandbox credentials.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { TwilioApi } from '../../credentials/TwilioApi.credentials';
import { SendSms } from '../../nodes/SendSms/SendSms.node';
import { OutboundCall } from '../../nodes/OutboundCall/OutboundCall.node';
import { VoiceMessage } from '../../nodes/VoiceMessage/VoiceMessage.node';
import { VerifyPhone } from '../../nodes/VerifyPhone/VerifyPhone.node';
import { FULL_ACCOUNT, NUMBER_MAIN } from '../../sandbox/fixtures';
import { itemsSource, runWorkflow, type EngineCredential, type EngineResult } from './engine';

export const TWILIO_CREDENTIAL_REF = { id: 'twilio-sandbox', name: 'Twilio sandbox' };

export function twilioCredential(baseUrl: string, data: IDataObject = {}): EngineCredential {
	return {
		...TWILIO_CREDENTIAL_REF,
		type: 'twilioCommsApi',
		data: {
			authType: 'authToken',
			accountSid: FULL_ACCOUNT.sid,
			authToken: FULL_ACCOUNT.authToken,
			defaultFrom: NUMBER_MAIN.phoneNumber,
			useCustomBaseUrl: true,
			baseUrl,
			...data,
		},
	};
}

export const NODE_TYPES = {
	'CUSTOM.sendSms': new SendSms(),
	'CUSTOM.voiceMessage': new VoiceMessage(),
	'CUSTOM.outboundCall': new OutboundCall(),
	'CUSTOM.verifyPhone': new VerifyPhone(),
};

export const CREDENTIAL_TYPES = { twilioCommsApi: new TwilioApi() };

export function actionNode(type: keyof typeof NODE_TYPES, name: string, parameters: INodeParameters, continueOnFail = false): INode {
	return {
		id: name,
		name,
		type,
		typeVersion: 1,
		position: [200, 0],
		parameters,
		credentials: { twilioCommsApi: TWILIO_CREDENTIAL_REF },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
}

/** Items → one node, run by n8n-core's WorkflowExecute. */
export async function runNode(args: {
	type: keyof typeof NODE_TYPES;
	parameters: INodeParameters;
	items: IDataObject[];
	baseUrl: string;
	/** Credential fields to override; `null` runs the node with no credential stored at all. */
	credential?: IDataObject | null;
	continueOnFail?: boolean;
	timeoutMs?: number;
	/** Node settings such as n8n's Retry On Fail (`retryOnFail`, `maxTries`, `waitBetweenTries`). */
	nodeSettings?: Partial<INode>;
}): Promise<EngineResult & { nodeName: string }> {
	const source = itemsSource(args.items);
	const nodeName = 'Action';
	const node = { ...actionNode(args.type, nodeName, args.parameters, args.continueOnFail), ...args.nodeSettings };
	const result = await runWorkflow(
		{
			nodes: [source, node],
			connections: { [source.name]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		},
		{
			nodeTypes: NODE_TYPES,
			credentialTypes: CREDENTIAL_TYPES,
			credentials: args.credential === null ? [] : [twilioCredential(args.baseUrl, args.credential)],
			timeoutMs: args.timeoutMs ?? 60_000,
		},
	);
	return Object.assign(result, { nodeName });
}
