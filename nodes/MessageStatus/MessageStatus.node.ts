import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { resendApiTest } from '../shared/resend/credentialTest';
import { readRunnerOptions } from '../shared/runner/options';
import { returnFailuresToAgent, runItems } from '../shared/runner/runItems';
import { withStaticParameters } from '../shared/runner/staticParameters';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { searchPhoneNumbers } from '../shared/twilio/listSearch';
import { VendorClients } from './clients';
import { messageStatusProperties } from './description';
import { getStatus } from './get';
import { getMany } from './list';
import { downloadRecording, listRecordings } from './recordings';

const OPERATIONS: Record<string, typeof getStatus | typeof getMany | typeof downloadRecording> = {
	get: getStatus,
	getMany,
	listRecordings,
	downloadRecording,
};

export class MessageStatus implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Message Status',
		name: 'messageStatus',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:messageStatus.svg',
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "getMany" ? "get many " + $parameter["resource"] + "s" : $parameter["operation"] === "listRecordings" ? "recordings of " + $parameter["callSid"] : $parameter["operation"] === "downloadRecording" ? "download " + $parameter["recordingSid"] : "status of " + $parameter["id"] }}',
		description:
			'Check whether an SMS, call or email arrived, wait for its final status, list a conversation with stats, or list and download call recordings. ID: the message SID (SM…/MM…), call SID (CA…) or Resend email ID a send returned.',
		defaults: { name: 'Message Status' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Ids are detected per item, so each credential is optional and loaded only when an item
		// needs it; a missing one fails that item with a message saying which to select.
		credentials: [
			{ name: 'twilioCommsApi', required: false, testedBy: 'twilioApiTest', displayOptions: { hide: { channel: ['email'] } } },
			{ name: 'resendCommsApi', required: false, testedBy: 'resendApiTest', displayOptions: { show: { operation: ['get'], channel: ['auto', 'email'] } } },
		],
		properties: messageStatusProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { twilioApiTest, resendApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return returnFailuresToAgent(this, async () => {
			const clients = new VendorClients(this);
			const perItem = withStaticParameters(this);
			const operation = OPERATIONS[this.getNodeParameter('operation', 0, 'get') as string] ?? getStatus;
			return runItems(
				this,
				(i) => operation(perItem, clients, i),
				(error, i) => clients.toNodeError(error, i),
				readRunnerOptions(this),
			);
		});
	}
}
