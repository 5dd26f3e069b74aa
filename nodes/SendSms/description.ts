import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';
import { onceOptionFields } from '../shared/twilio/once';
import { fromNumberField, messagingServiceField, toNumberField } from '../shared/twilio/fields';
import { SEND_AND_WAIT } from './approval';

const onlySend = { show: { operation: ['send'] } };
const onlyWait = { show: { operation: [SEND_AND_WAIT] } };

export const sendSmsProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		options: [
			{ name: 'Send', value: 'send', action: 'Send a message', description: 'Send and go on at once with the message SID' },
			{
				name: 'Send and Wait for Response',
				value: SEND_AND_WAIT,
				action: 'Send a message and wait for a response',
				description: 'Send the message and wait for the answer: an Approve or Decline link, or a reply SMS',
			},
		],
	},
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		default: 'sms',
		options: [
			{ name: 'SMS / MMS', value: 'sms' },
			{ name: 'WhatsApp', value: 'whatsapp', description: 'Adds the whatsapp: prefix to To and From' },
		],
	},
	toNumberField('The recipient in E.164 format (+, country code, number). Spaces, dashes and brackets are removed.'),
	{
		displayName: 'Send From',
		name: 'sender',
		type: 'options',
		default: 'number',
		options: [
			{ name: 'Phone Number', value: 'number' },
			{ name: 'Messaging Service', value: 'messagingService', description: 'Needed to schedule messages or shorten links' },
		],
	},
	fromNumberField({ displayOptions: { show: { sender: ['number'] } } }),
	messagingServiceField({ displayOptions: { show: { sender: ['messagingService'] } } }),
	{
		displayName: 'Message',
		name: 'body',
		type: 'string',
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'Your order has shipped',
		description:
			'Up to 1,600 characters. Long texts are split into segments of 153 characters (67 if any character is outside GSM-7, such as emoji), and each segment is billed.',
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'approval',
		displayOptions: onlyWait,
		options: [
			{ name: 'Approval by Link', value: 'approval', description: 'Approve (and Decline) links at the end of the message' },
			{
				name: 'Reply SMS',
				value: 'reply',
				description: "The recipient's next SMS to this number. Needs an active Twilio Comms Trigger on the number, which routes each reply to the execution waiting for it.",
			},
		],
	},
	{
		displayName: 'Choices',
		name: 'choices',
		type: 'string',
		default: '',
		placeholder: 'YES, NO',
		displayOptions: { show: { operation: [SEND_AND_WAIT], responseType: ['reply'] } },
		description: 'Optional, comma-separated. A reply equal to one of them (ignoring case and spaces) is output as "choice"; any reply is output as "reply". Say them in the message.',
	},
	{
		displayName: 'Links',
		name: 'approvalType',
		type: 'options',
		default: 'double',
		displayOptions: { show: { operation: [SEND_AND_WAIT], responseType: ['approval'] } },
		options: [
			{ name: 'Approve and Decline', value: 'double', description: 'Two links: one approves, one declines' },
			{ name: 'Approve Only', value: 'single', description: 'One link, for "confirm that you saw this"' },
		],
		description: "The links go at the end of the message, one per line. Each is signed by n8n for this execution and this answer; opening one shows a page whose button records the answer (a link preview does not).",
	},
	{
		displayName: 'Approve Label',
		name: 'approveLabel',
		type: 'string',
		default: 'Approve',
		displayOptions: { show: { operation: [SEND_AND_WAIT], responseType: ['approval'] } },
	},
	{
		displayName: 'Decline Label',
		name: 'declineLabel',
		type: 'string',
		default: 'Decline',
		displayOptions: { show: { operation: [SEND_AND_WAIT], responseType: ['approval'], approvalType: ['double'] } },
	},
	{
		displayName: 'Wait Timeout (Minutes)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 43200 },
		default: 60,
		displayOptions: onlyWait,
		description:
			'How long to wait for an answer (up to 30 days). Without one by then, the workflow goes on with the input item unchanged, as with n8n\'s own send-and-wait nodes: there is no "approved" field.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: onlySend,
		options: [
			{
				displayName: 'Content SID',
				name: 'contentSid',
				type: 'string',
				default: '',
				placeholder: 'HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
				description: 'A Content Template (required for WhatsApp messages outside the 24-hour session window). Replaces the message text.',
			},
			{
				displayName: 'Content Variables',
				name: 'contentVariables',
				type: 'json',
				default: '{}',
				description: 'Values for the template placeholders, e.g. {"1": "Ada", "2": "12:30"}',
			},
			{
				displayName: 'Media URLs',
				name: 'mediaUrls',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/photo.jpg',
				description: 'Up to 10 public http(s) URLs, comma or newline separated, sent as MMS (or WhatsApp media)',
			},
			{
				displayName: 'Schedule At',
				name: 'sendAt',
				type: 'dateTime',
				default: '',
				description: 'Send later: 15 minutes to 35 days from now. Needs a Messaging Service.',
			},
			{
				displayName: 'Shorten URLs',
				name: 'shortenUrls',
				type: 'boolean',
				default: false,
				description: 'Whether Twilio should shorten and track links in the message. Needs a Messaging Service with a link-shortening domain.',
			},
			{
				displayName: 'Status Callback URL',
				name: 'statusCallback',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/twilio/status',
				description: 'Twilio POSTs every status change (queued, sent, delivered, undelivered…) here. Use a Twilio Trigger URL to react to them.',
			},
			{
				displayName: 'Validity Period (Seconds)',
				name: 'validityPeriod',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 36000 },
				default: 14400,
				description: 'Drop the message if it cannot be sent within this time (1 to 36,000 seconds)',
			},
			...onceOptionFields('message'),
			...runnerOptionFields(),
		],
	},
];
