/**
 * The trigger's form and its webhook. Event names and descriptions are Resend's own (resend.json,
 * "webhooks": one entry per event type).
 */
import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';
import type { EmailEventType } from './output';

export const EVENT_OPTIONS: Array<{ name: string; value: EmailEventType; description: string }> = [
	{ name: 'Email Bounced', value: 'email.bounced', description: "The recipient's mail server permanently rejected the email" },
	{ name: 'Email Clicked', value: 'email.clicked', description: 'The recipient clicked a link in the email (needs click tracking on the domain)' },
	{ name: 'Email Complained', value: 'email.complained', description: 'The recipient marked the email as spam' },
	{ name: 'Email Delivered', value: 'email.delivered', description: "Resend delivered the email to the recipient's mail server" },
	{ name: 'Email Delivery Delayed', value: 'email.delivery_delayed', description: 'A temporary problem held the email up, such as a full inbox' },
	{ name: 'Email Failed', value: 'email.failed', description: 'The email failed to send, for example over a quota' },
	{ name: 'Email Opened', value: 'email.opened', description: 'The recipient opened the email (needs open tracking on the domain)' },
	{ name: 'Email Received', value: 'email.received', description: 'Resend received an email for one of your receiving domains' },
	{ name: 'Email Scheduled', value: 'email.scheduled', description: 'An email was scheduled to be sent later' },
	{ name: 'Email Sent', value: 'email.sent', description: 'The API request succeeded and Resend will try to deliver the email' },
	{ name: 'Email Suppressed', value: 'email.suppressed', description: 'Resend did not send the email: the address bounced or complained before' },
];

/** Everything about what happened to sent email; opens, clicks, inbound and scheduling are opt-in. */
export const DEFAULT_EVENTS: EmailEventType[] = [
	'email.sent',
	'email.delivered',
	'email.delivery_delayed',
	'email.bounced',
	'email.complained',
	'email.failed',
	'email.suppressed',
];

export const webhookDescriptions: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: 'webhook',
		// Resend only needs a 2xx; the workflow must not hold its delivery up (it retries after 15 s).
		responseMode: 'onReceived',
	},
];

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_OPTIONS,
		// Written out, as n8n's lint rule wants a literal array; the same list as DEFAULT_EVENTS.
		default: ['email.sent', 'email.delivered', 'email.delivery_delayed', 'email.bounced', 'email.complained', 'email.failed', 'email.suppressed'],
		required: true,
		description: 'Which Resend email events start the workflow. One execution per event.',
	},
	{
		displayName: 'Webhook Set-Up',
		name: 'setupMode',
		type: 'options',
		options: [
			{ name: 'Automatic', value: 'automatic', description: 'On activation, create a Resend webhook for this URL and these events; delete it on deactivation' },
			{ name: 'Manual', value: 'manual', description: 'Add the webhook in the Resend dashboard yourself and paste its signing secret here' },
		],
		default: 'automatic',
		description: 'Automatic needs a Resend API key with full access; a sending-only key cannot manage webhooks',
	},
	{
		displayName:
			"On activation this node creates a webhook in Resend that sends the chosen events to its Production URL, and deletes it on deactivation. Resend must be able to reach that URL: set n8n's WEBHOOK_URL to its public https address.",
		name: 'automaticNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { setupMode: ['automatic'] } },
	},
	{
		displayName:
			'In Resend, open Webhooks → Add Webhook, paste this node\'s Production URL (shown above under Webhook URLs), choose the same events, then copy the webhook\'s Signing Secret (whsec_…) into the field below',
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { setupMode: ['manual'] } },
	},
	{
		displayName: 'Signing Secret',
		name: 'signingSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: 'whsec_…',
		displayOptions: { show: { setupMode: ['manual'] } },
		description: 'The secret Resend shows for the webhook. Every request is checked against it; requests that fail get 401 and start nothing.',
	},
];
