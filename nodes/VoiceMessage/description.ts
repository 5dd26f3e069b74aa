import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';
import { onceOptionFields } from '../shared/twilio/once';
import { callOptionFields } from '../shared/twilio/callFields';
import { fromNumberField, toNumberField } from '../shared/twilio/fields';
import { voiceFields } from '../shared/twilio/voices';
import { DEFAULT_ACKNOWLEDGE_PROMPT, MAX_ACKNOWLEDGE_ATTEMPTS, MAX_LOOP, MAX_PAUSE_SECONDS } from '../shared/validation/call';
import { CALL_AND_WAIT } from './acknowledge';

const onlyCall = { show: { operation: ['call'] } };
const onlyWait = { show: { operation: [CALL_AND_WAIT] } };

/** Fields of plain calls that Call and Wait does not offer (it plays the message inside its own prompts). */
const callOnly = (fields: INodeProperties[]): INodeProperties[] => fields.map((f) => ({ ...f, displayOptions: onlyCall }));

export const voiceMessageProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'call',
		options: [
			{ name: 'Call', value: 'call', action: 'Call and read a message', description: 'Place the call and go on at once with its SID' },
			{
				name: 'Call and Wait for Acknowledgement',
				value: CALL_AND_WAIT,
				action: 'Call and wait for a key press',
				description: 'Read the message, ask for a key, and wait until the callee presses it or the call ends',
			},
		],
	},
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
	...callOnly([
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
	]),
	{
		displayName: 'Acknowledge Keys',
		name: 'acknowledgeKeys',
		type: 'string',
		default: '1',
		displayOptions: onlyWait,
		description: 'The key, or keys separated by commas, that acknowledge: 0-9, * or #. Other keys are answered with a reminder.',
	},
	{
		displayName: 'Prompt',
		name: 'acknowledgePrompt',
		type: 'string',
		default: 'Press 1 to acknowledge this alert.',
		displayOptions: onlyWait,
		description: 'Said after the message. Name the key here.',
	},
	{
		displayName: 'Attempts',
		name: 'acknowledgeAttempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_ACKNOWLEDGE_ATTEMPTS },
		default: 3,
		displayOptions: onlyWait,
		description: 'How many times the message and prompt are played while no key is pressed, before the call hangs up (1 to 5)',
	},
	{
		displayName: 'Seconds to Press a Key',
		name: 'acknowledgeTimeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 60 },
		default: 5,
		displayOptions: onlyWait,
		description: 'Silence after each prompt before it is played again',
	},
	{
		displayName: 'Wait Timeout (Minutes)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1440 },
		default: 10,
		displayOptions: onlyWait,
		description:
			'A safety net: the call always ends and Twilio reports it, which resumes the workflow. If n8n hears nothing by then (Twilio could not reach n8n), the workflow goes on with the input item unchanged, without an "acknowledged" field.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: onlyWait,
		options: callOptionFields(['machineDetection', 'machineDetectionTimeout', 'timeout']),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: onlyCall,
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
			...callOptionFields([
				'machineDetection',
				'machineDetectionTimeout',
				'record',
				'recordingStatusCallback',
				'recordingStatusCallbackEvent',
				'statusCallback',
				'statusCallbackEvents',
				'timeout',
			]),
			...onceOptionFields('call'),
			...runnerOptionFields(),
		],
	},
];
