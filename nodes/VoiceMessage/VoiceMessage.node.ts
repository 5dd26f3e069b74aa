import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { executeTwilioItems } from '../shared/twilio/node';
import { searchPhoneNumbers } from '../shared/twilio/listSearch';
import { CALL_AND_WAIT, callAndWait, resumeOnTwilio } from './acknowledge';
import { placeVoiceMessage } from './call';
import { voiceMessageProperties } from './description';

// The webhook is Call and Wait's resume URL (restartWebhook), which n8n creates per execution: there is
// nothing to register with Twilio on activation, as with n8n's own send-and-wait nodes.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class VoiceMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voice Message',
		name: 'voiceMessage',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:voiceMessage.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"call " + $parameter["to"]}}',
		description:
			'Call a phone and read a message aloud (text-to-speech) through Twilio. To: the number to call in E.164 format (+ and country code, e.g. +14155550123). Message: the text spoken to whoever answers. Returns the call SID and status.',
		defaults: { name: 'Voice Message' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twilioCommsApi', required: true, testedBy: 'twilioApiTest' }],
		// Call and Wait: Twilio's key press and status callbacks come back to this execution's resume URL.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true }],
		properties: voiceMessageProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('operation', 0, 'call') === CALL_AND_WAIT) return callAndWait(this);
		return executeTwilioItems(this, 'Voice Message', placeVoiceMessage);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return resumeOnTwilio(this);
	}
}
