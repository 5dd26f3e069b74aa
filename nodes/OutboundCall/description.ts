import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';
import { onceOptionFields } from '../shared/twilio/once';
import { callOptionFields } from '../shared/twilio/callFields';
import { fromNumberField, toNumberField } from '../shared/twilio/fields';

export const outboundCallProperties: INodeProperties[] = [
	toNumberField('The number to call, in E.164 format (+, country code, number). Spaces, dashes and brackets are removed.'),
	fromNumberField({ description: "One of your voice-capable Twilio numbers. Leave empty to use the credential's Default From Number." }),
	{
		displayName: 'Call Instructions',
		name: 'instructions',
		type: 'options',
		default: 'demo',
		options: [
			{ name: 'Demo Message', value: 'demo', description: 'A short built-in greeting, to check that calls work' },
			{ name: 'TwiML URL', value: 'url', description: 'Twilio fetches the TwiML from your URL when the call is answered' },
			{ name: 'Inline TwiML', value: 'twiml', description: 'TwiML written here (at most 4,000 characters)' },
			{ name: 'TwiML App', value: 'application', description: "A TwiML App's Voice URL handles the call" },
		],
		description: 'What happens when the call is answered',
	},
	{
		displayName: 'TwiML URL',
		name: 'url',
		type: 'string',
		default: '',
		placeholder: 'https://handler.twilio.com/twiml/EHxxxxxxxx',
		description: 'An http(s) URL that answers with TwiML, such as a TwiML Bin or an n8n webhook',
		displayOptions: { show: { instructions: ['url'] } },
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'POST',
		options: [
			{ name: 'POST', value: 'POST' },
			{ name: 'GET', value: 'GET' },
		],
		description: 'How Twilio requests the TwiML URL',
		displayOptions: { show: { instructions: ['url'] } },
	},
	{
		displayName: 'TwiML',
		name: 'twiml',
		type: 'string',
		default: '<Response>\n\t<Say voice="Polly.Joanna">Hello from n8n.</Say>\n</Response>',
		typeOptions: { rows: 8 },
		description: 'A TwiML document with a &lt;Response&gt; root. It is checked for well-formed XML before the call is placed.',
		displayOptions: { show: { instructions: ['twiml'] } },
	},
	{
		displayName: 'Application SID',
		name: 'applicationSid',
		type: 'string',
		default: '',
		placeholder: 'APxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
		description: 'The TwiML App whose Voice URL handles the call',
		displayOptions: { show: { instructions: ['application'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			...callOptionFields([
				'callerId',
				'machineDetection',
				'machineDetectionTimeout',
				'record',
				'recordingStatusCallback',
				'recordingStatusCallbackEvent',
				'sendDigits',
				'statusCallback',
				'statusCallbackEvents',
				'timeout',
			]),
			...onceOptionFields('call'),
			...runnerOptionFields(),
		],
	},
];
