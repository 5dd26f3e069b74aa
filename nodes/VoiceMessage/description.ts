import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';
import { onceOptionFields } from '../shared/twilio/once';
import { callOptionFields } from '../shared/twilio/callFields';
import { fromNumberField, toNumberField } from '../shared/twilio/fields';
import { voiceFields } from '../shared/twilio/voices';
import { DEFAULT_ACKNOWLEDGE_PROMPT, MAX_LOOP, MAX_PAUSE_SECONDS } from '../shared/validation/call';

export const voiceMessageProperties: INodeProperties[] = [
	toNumberField('The number to call, in E.164 format (+, country code, number). Spaces, dashes and brackets are removed.'),
	fromNumberField({ description: "One of your voice-capable Twilio numbers. Leave empty to use the credential's Default From Number." }),
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'Alert: the payment service is down since 09:12.',
		description: 'The text read out to the callee. Any characters are safe; they are escaped in the TwiML.',
	},
	...voiceFields(),
	{
		displayName: 'Loop',
		name: 'loop',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_LOOP },
		default: 1,
		description: 'How many times the message is played (1 to 10)',
	},
	{
		displayName: 'Pause Between Loops (Seconds)',
		name: 'pauseSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_PAUSE_SECONDS },
		default: 1,
		description: 'Silence between repetitions, when Loop is more than 1',
	},
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/alert.mp3',
		description: 'Optional MP3 or WAV file played with &lt;Play&gt;, for example a message pre-rendered with ElevenLabs',
	},
	{
		displayName: 'Play Audio',
		name: 'audioPlacement',
		type: 'options',
		default: 'before',
		options: [
			{ name: 'Before the Message', value: 'before' },
			{ name: 'Instead of the Message', value: 'instead' },
		],
		description: 'Where the Audio URL is played, when one is set',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Ask to Press a Key',
				name: 'acknowledge',
				type: 'boolean',
				default: false,
				description:
					'Whether to ask the callee to press a key to acknowledge. The digit is POSTed to the Acknowledge URL (or the Status Callback URL).',
			},
			{
				displayName: 'Acknowledge Prompt',
				name: 'acknowledgePrompt',
				type: 'string',
				default: DEFAULT_ACKNOWLEDGE_PROMPT,
				description: 'Said after the message when Ask to Press a Key is on',
			},
			{
				displayName: 'Acknowledge Timeout (Seconds)',
				name: 'acknowledgeTimeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60 },
				default: 5,
				description: 'How long to wait for the key press after the prompt',
			},
			{
				displayName: 'Acknowledge URL',
				name: 'acknowledgeUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/twilio/ack',
				description: 'Receives the pressed digit (Digits) with the call SID. Defaults to the Status Callback URL.',
			},
			...callOptionFields(['machineDetection', 'machineDetectionTimeout', 'record', 'statusCallback', 'statusCallbackEvents', 'timeout']),
			...onceOptionFields('call'),
			...runnerOptionFields(),
		],
	},
];
