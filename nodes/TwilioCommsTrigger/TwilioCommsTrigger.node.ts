import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { searchMessagingServices, searchPhoneNumbers } from '../shared/twilio/listSearch';
import { twilioCredentials } from '../shared/twilio/node';
import { triggerProperties, webhookDescriptions } from './description';
import { checkExists, create, remove } from './hooks';
import { handleWebhook } from './webhook';

export class TwilioCommsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Twilio Comms Trigger',
		name: 'twilioCommsTrigger',
		icon: 'file:twilioTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow instantly on inbound SMS and calls, and on status callbacks, with verified Twilio signatures',
		defaults: { name: 'Twilio Trigger' },
		// A trigger is never an AI tool.
		inputs: [],
		outputs: ['main'],
		credentials: twilioCredentials,
		webhooks: webhookDescriptions,
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers, searchMessagingServices },
		credentialTest: { twilioApiTest },
	};

	webhookMethods = {
		default: { checkExists, create, delete: remove },
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleWebhook(this);
	}
}
