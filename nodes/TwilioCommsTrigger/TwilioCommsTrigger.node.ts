import { NodeConnectionTypes, type INodeType, type INodeTypeDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { searchMessagingServices, searchPhoneNumbers } from '../shared/twilio/listSearch';
import { triggerProperties, webhookDescriptions } from './description';
import { checkExists, create, remove } from './hooks';
import { handleWebhook } from './webhook';

export class TwilioCommsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Twilio Comms Trigger',
		name: 'twilioCommsTrigger',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:twilioTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow instantly on inbound SMS and calls, and on status callbacks, with verified Twilio signatures',
		defaults: { name: 'Twilio Trigger' },
		// A trigger is never an AI tool.
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twilioCommsApi', required: true, testedBy: 'twilioApiTest' }],
		webhooks: webhookDescriptions,
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers, searchMessagingServices },
		credentialTest: { twilioApiTest },
	};

	webhookMethods = {
		// All three are implemented, in hooks.ts; the rule only counts functions written inline here.
		// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
		default: { checkExists, create, delete: remove },
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleWebhook(this);
	}
}
