import { NodeConnectionTypes, type INodeType, type INodeTypeDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { resendApiTest } from '../shared/resend/credentialTest';
import { triggerProperties, webhookDescriptions } from './description';
import { checkExists, create, remove } from './hooks';
import { handleWebhook } from './webhook';

export class EmailEventsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Email Events Trigger',
		name: 'emailEventsTrigger',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:emailEventsTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when Resend reports what happened to an email (sent, delivered, bounced, opened…), with verified Svix signatures',
		defaults: { name: 'Email Events Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'resendCommsApi', required: true, testedBy: 'resendApiTest' }],
		webhooks: webhookDescriptions,
		properties: triggerProperties,
	};

	methods = {
		credentialTest: { resendApiTest },
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
