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
import { searchMessagingServices, searchPhoneNumbers } from '../shared/twilio/listSearch';
import { sendSmsProperties } from './description';
import { approvalWebhook, SEND_AND_WAIT, sendAndWaitForApproval } from './approval';
import { replyWebhook, sendAndWaitForReply } from './reply';
import { sendSms } from './send';

// The webhooks are Send and Wait's per-execution resume links, which n8n creates per execution: there
// is nothing to register with Twilio on activation, as with n8n's own send-and-wait nodes.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class SendSms implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Send SMS',
		name: 'sendSms',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:sendSms.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"to " + $parameter["to"]}}',
		description:
			"Send an SMS, MMS or WhatsApp message through Twilio. To: the recipient's phone number in E.164 format (+ and country code, e.g. +14155550123). Message: the text, at most 1,600 characters. Returns the message SID and status.",
		defaults: { name: 'Send SMS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twilioCommsApi', required: true, testedBy: 'twilioApiTest' }],
		// Send and Wait: opening a link (GET) shows the answer page, its button (POST) records the answer.
		webhooks: [
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
		],
		properties: sendSmsProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers, searchMessagingServices },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('operation', 0, 'send') === SEND_AND_WAIT) {
			return this.getNodeParameter('responseType', 0, 'approval') === 'reply' ? sendAndWaitForReply(this) : sendAndWaitForApproval(this);
		}
		return executeTwilioItems(this, 'Send SMS', sendSms);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return this.getNodeParameter('responseType', 'approval') === 'reply' ? replyWebhook(this) : approvalWebhook(this);
	}
}
