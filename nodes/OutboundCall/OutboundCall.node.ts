import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { executeTwilioItems } from '../shared/twilio/node';
import { searchPhoneNumbers } from '../shared/twilio/listSearch';
import { placeOutboundCall } from './call';
import { outboundCallProperties } from './description';

export class OutboundCall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outbound Call',
		name: 'outboundCall',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:outboundCall.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"call " + $parameter["to"]}}',
		description:
			'Place a phone call through Twilio, driven by a TwiML URL, inline TwiML or a TwiML App. To: the number to call in E.164 format (+ and country code, e.g. +14155550123). Returns the call SID and status.',
		defaults: { name: 'Outbound Call' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twilioCommsApi', required: true, testedBy: 'twilioApiTest' }],
		properties: outboundCallProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeTwilioItems(this, 'Outbound Call', placeOutboundCall);
	}
}
