/**
 * The trigger's form and its webhook descriptions. How n8n answers Twilio depends on the reply
 * settings, so the webhook's response mode is an expression over them (see `workflowReplyMode`).
 */
import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';
import { bySidMode, fromNumberField, messagingServiceField } from '../shared/twilio/fields';
import { voiceFields } from '../shared/twilio/voices';

export const EVENT_OPTIONS = [
	{ name: 'Incoming SMS/MMS', value: 'incomingSms', description: "Someone texts the number (its SmsUrl, or its Messaging Service's Inbound Request URL)" },
	{ name: 'Incoming Call', value: 'incomingCall', description: 'Someone calls the number (VoiceUrl)' },
	{ name: 'Message Status', value: 'messageStatus', description: 'Status callbacks of messages sent with this URL as Status Callback' },
	{ name: 'Call Status', value: 'callStatus', description: 'Call status callbacks, and the digits of a Voice Message acknowledgement (&lt;Gather&gt;)' },
	{
		name: 'Recording Completed',
		value: 'recordingCompleted',
		description:
			'A call recording is ready to download: set this URL as the Recording Status Callback URL of Voice Message or Outbound Call (with Record on)',
	},
];

/** An expression true when some enabled event is answered by the workflow instead of the trigger. */
const WORKFLOW_REPLY =
	'((($parameter["events"] || []).includes("incomingSms") && $parameter["smsReply"] === "workflow") || (($parameter["events"] || []).includes("incomingCall") && $parameter["voiceReply"] === "workflow"))';
const FROM_RESPOND_NODE = '(($parameter["options"] || {})["workflowReplyFrom"] === "respondNode")';
const VOICE_FROM_WORKFLOW = '(($parameter["events"] || []).includes("incomingCall") && $parameter["voiceReply"] === "workflow")';

export const webhookDescriptions: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: 'webhook',
		responseMode: `={{ ${WORKFLOW_REPLY} ? (${FROM_RESPOND_NODE} ? "responseNode" : "lastNode") : "onReceived" }}`,
		// Empty, so an immediate answer is the TwiML webhook() returns as webhookResponse.
		responseData: `={{ ${WORKFLOW_REPLY} && !${FROM_RESPOND_NODE} ? "firstEntryJson" : "" }}`,
		responsePropertyName: 'reply',
		// Twilio sends a text/plain answer to a message as the reply itself; calls need TwiML.
		responseContentType: `={{ ${VOICE_FROM_WORKFLOW} ? "text/xml" : "text/plain" }}`,
		// A constant, not an expression: n8n evaluates each expression here in its isolate on every
		// request (about 1.5 ms each on this machine, V8's CPU profiler in `npm run bench`), and this one
		// never changes. n8n reads it as a complex value, so the object is taken as it is.
		responseHeaders: { entries: [{ name: 'content-type', value: 'text/xml; charset=utf-8' }] } as unknown as string,
	},
	{
		// Registered only so that a GET gets the trigger's 403 rather than n8n's "not registered" page.
		name: 'default',
		httpMethod: 'GET',
		path: 'webhook',
		responseMode: 'onReceived',
		ndvHideUrl: true,
	},
];

/** The same decision as the responseMode expression, for webhook() to know how n8n will answer. */
export function workflowReplyMode(p: { events: string[]; smsReply?: string; voiceReply?: string; workflowReplyFrom?: string }): 'onReceived' | 'lastNode' | 'responseNode' {
	const fromWorkflow = (p.events.includes('incomingSms') && p.smsReply === 'workflow') || (p.events.includes('incomingCall') && p.voiceReply === 'workflow');
	if (!fromWorkflow) return 'onReceived';
	return p.workflowReplyFrom === 'respondNode' ? 'responseNode' : 'lastNode';
}

function phoneNumberField(p: Pick<INodeProperties, 'description' | 'displayOptions'>): INodeProperties {
	return fromNumberField({
		displayName: 'Phone Number',
		name: 'phoneNumber',
		required: true,
		...p,
		modes: [...(fromNumberField().modes ?? []), bySidMode('PN', 'phone number')],
	});
}

const showFor = (events: string[], extra: Record<string, unknown[]> = {}) => ({ show: { events, ...extra } });

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: EVENT_OPTIONS,
		default: ['incomingSms'],
		required: true,
		description: 'Which Twilio webhooks start the workflow',
	},
	{
		displayName: 'Webhook Set-Up',
		name: 'setupMode',
		type: 'options',
		options: [
			{ name: 'Automatic', value: 'automatic', description: "On activation, point the number's SMS and/or voice webhook here; restore it on deactivation" },
			{ name: 'Manual', value: 'manual', description: 'Paste this node\'s URL into the Twilio Console (or a Status Callback option) yourself' },
		],
		default: 'automatic',
	},
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'Phone Number', value: 'phoneNumber', description: "One number's SMS and/or voice webhook" },
			{
				name: 'Messaging Service',
				value: 'messagingService',
				description: "The service's Inbound Request URL: messages to every number in it (the usual US A2P 10DLC set-up)",
			},
		],
		default: 'phoneNumber',
		displayOptions: { show: { setupMode: ['automatic'] } },
		description: 'What the trigger takes over while active. Calls always come through a phone number: a Messaging Service routes only messages.',
	},
	// The same list as every From field, plus a SID: the number is what the trigger configures, not a sender.
	phoneNumberField({
		description: 'The number whose "A message comes in" and/or "A call comes in" webhook this trigger takes over while active',
		displayOptions: { show: { setupMode: ['automatic'], source: ['phoneNumber'], events: ['incomingSms', 'incomingCall'] } },
	}),
	// The same parameter for a service source, shown only for calls, which a service never routes.
	phoneNumberField({
		description: 'The number whose "A call comes in" webhook this trigger takes over while active. A Messaging Service routes only messages, so calls need a number.',
		displayOptions: { show: { setupMode: ['automatic'], source: ['messagingService'], events: ['incomingCall'] } },
	}),
	{
		displayName: 'If the Number Is in a Messaging Service',
		name: 'numberInService',
		type: 'options',
		options: [
			{
				name: 'Stop With an Error',
				value: 'fail',
				description: 'Activation fails and says what to change, unless the service defers to the number\'s own webhook',
			},
			{
				name: "Use the Service's Inbound URL",
				value: 'useServiceUrl',
				description: "While active, point the service's Inbound Request URL here: the trigger receives the messages of every number in that service",
			},
		],
		default: 'fail',
		displayOptions: { show: { setupMode: ['automatic'], source: ['phoneNumber'], events: ['incomingSms'] } },
		description:
			"Twilio sends the messages of a number in a Messaging Service to the service's Inbound Request URL, not to the number's own webhook, unless the service is set to \"Defer to sender's webhook\". Changing the service affects all its numbers, so it is done only when chosen here.",
	},
	messagingServiceField({
		required: true,
		description:
			"Its Inbound Request URL (and, with Message Status, its Status Callback) point here while active and are restored on deactivation. Every number in the service delivers its messages here, whatever the number's own webhook says.",
		displayOptions: { show: { setupMode: ['automatic'], source: ['messagingService'], events: ['incomingSms', 'messageStatus'] } },
	}),
	{
		displayName: 'SMS Reply',
		name: 'smsReply',
		type: 'options',
		options: [
			{ name: 'None', value: 'none', description: 'Answer with an empty &lt;Response/&gt;: no reply SMS' },
			{ name: 'Text', value: 'text', description: 'Reply at once with a text (expressions allowed)' },
			{ name: 'From the Workflow', value: 'workflow', description: "A Respond to Webhook node, or the last node's \"reply\" field, answers" },
		],
		default: 'none',
		displayOptions: showFor(['incomingSms']),
		description:
			'Twilio waits about 15 seconds for the answer. For slow work (an AI agent), reply None here and send the answer later with Send SMS to the sender (the trigger\'s "from" field).',
	},
	{
		displayName: 'Reply Text',
		name: 'replyText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: 'Thanks, we got your message.',
		displayOptions: showFor(['incomingSms'], { smsReply: ['text'] }),
		hint: 'Expressions see the request: {{ $json.body.Body }} is the text, {{ $json.body.From }} the sender',
		description: 'Sent back as a TwiML &lt;Message&gt;; XML special characters are escaped for you. Empty means no reply.',
	},
	{
		displayName: 'Call Answer',
		name: 'voiceReply',
		type: 'options',
		options: [
			{ name: 'Say a Text', value: 'say' },
			{ name: 'Forward to a Number', value: 'dial', description: 'Connect the caller with &lt;Dial&gt;' },
			{ name: 'Reject', value: 'reject', description: 'Do not answer: the caller hears busy, or the call is rejected' },
			{ name: 'From the Workflow', value: 'workflow', description: 'A Respond to Webhook node, or the last node\'s "reply" field, returns the TwiML' },
		],
		default: 'say',
		displayOptions: showFor(['incomingCall']),
	},
	{
		displayName: 'Text to Say',
		name: 'sayText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: 'Thanks for calling. We received your call.',
		displayOptions: showFor(['incomingCall'], { voiceReply: ['say'] }),
		hint: 'Expressions see the request: {{ $json.body.From }} is the caller',
	},
	...voiceFields({ displayOptions: showFor(['incomingCall'], { voiceReply: ['say'] }) }),
	{
		displayName: 'Forward To',
		name: 'forwardTo',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+14155550123',
		displayOptions: showFor(['incomingCall'], { voiceReply: ['dial'] }),
	},
	{
		displayName: 'Reject With',
		name: 'rejectReason',
		type: 'options',
		options: [
			{ name: 'Busy Tone', value: 'busy' },
			{ name: 'Rejected', value: 'rejected' },
		],
		default: 'rejected',
		displayOptions: showFor(['incomingCall'], { voiceReply: ['reject'] }),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Ignore Retried Deliveries',
				name: 'ignoreRetries',
				type: 'boolean',
				default: true,
				description:
					'Whether a delivery Twilio retries (same I-Twilio-Idempotency-Token, or same SID and status) is answered without starting the workflow again',
			},
			{
				displayName: 'Public URL',
				name: 'publicUrl',
				type: 'string',
				default: '',
				placeholder: 'https://abc123.ngrok.app',
				description:
					"The address Twilio reaches n8n at, when it differs from n8n's own webhook URL (n8n behind a proxy or tunnel). An origin replaces scheme, host and port; a full URL is used as it is. Signatures are checked against it.",
			},
			{
				displayName: 'Workflow Reply From',
				name: 'workflowReplyFrom',
				type: 'options',
				options: [
					{ name: 'Last Node\'s "Reply" Field', value: 'lastNode', description: 'SMS: the reply text. Calls: TwiML.' },
					{ name: 'Respond to Webhook Node', value: 'respondNode', description: 'Its body is the answer (TwiML, or plain text for an SMS reply)' },
				],
				default: 'lastNode',
				description: 'Where the answer comes from when a reply is "From the Workflow"',
			},
		],
	},
];
