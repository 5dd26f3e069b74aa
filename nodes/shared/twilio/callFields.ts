/**
 * Call options shared by Voice Message and Outbound Call: declared once, read once, so both nodes
 * name, describe and validate them the same way.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { CALL_STATUS_EVENTS, MAX_RING_TIMEOUT } from '../validation/call';

export type CallOptionName =
	| 'callerId'
	| 'machineDetection'
	| 'machineDetectionTimeout'
	| 'record'
	| 'recordingStatusCallback'
	| 'recordingStatusCallbackEvent'
	| 'sendDigits'
	| 'statusCallback'
	| 'statusCallbackEvents'
	| 'timeout';

const FIELDS: Record<CallOptionName, INodeProperties> = {
	callerId: {
		displayName: 'Caller ID',
		name: 'callerId',
		type: 'string',
		default: '',
		placeholder: '+14155550123',
		description: 'The caller ID shown when To is a SIP address or client; for phone numbers From is shown',
	},
	machineDetection: {
		displayName: 'Machine Detection',
		name: 'machineDetection',
		type: 'options',
		default: '',
		options: [
			{ name: 'Off', value: '' },
			{ name: 'Enable', value: 'Enable', description: 'Detect who answered; the result is in answeredBy and the status callback' },
			{
				name: 'Detect Message End',
				value: 'DetectMessageEnd',
				description: 'If voicemail answers, wait for the beep so the whole message is recorded',
			},
		],
		description: 'Answering machine detection (AMD). Billed by Twilio per call.',
	},
	machineDetectionTimeout: {
		displayName: 'Machine Detection Timeout (Seconds)',
		name: 'machineDetectionTimeout',
		type: 'number',
		typeOptions: { minValue: 3, maxValue: 59 },
		default: 30,
		description: 'How long detection may take before giving up with answeredBy "unknown" (3 to 59 seconds)',
	},
	record: {
		displayName: 'Record',
		name: 'record',
		type: 'boolean',
		default: false,
		description:
			'Whether to record the call. Set a Recording Status Callback URL to hear when the recording is ready; list and download recordings with Message Status.',
	},
	recordingStatusCallback: {
		displayName: 'Recording Status Callback URL',
		name: 'recordingStatusCallback',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/…/webhook',
		description:
			'Twilio POSTs here when the recording is ready (needs Record). Paste the URL of a Twilio Comms Trigger listening for "Recording Completed" to start a workflow with the recording, e.g. to download it with Message Status.',
	},
	recordingStatusCallbackEvent: {
		displayName: 'Recording Status Callback Events',
		name: 'recordingStatusCallbackEvent',
		type: 'multiOptions',
		default: ['completed'],
		options: [
			{ name: 'In Progress', value: 'in-progress', description: 'The recording started' },
			{ name: 'Completed', value: 'completed', description: 'The recording is ready to download' },
			{ name: 'Absent', value: 'absent', description: 'Twilio kept no audio (too short or silent)' },
		],
		description: 'Which recording events are sent to the Recording Status Callback URL. Twilio sends only Completed unless told otherwise.',
	},
	sendDigits: {
		displayName: 'Send Digits',
		name: 'sendDigits',
		type: 'string',
		default: '',
		placeholder: 'ww1234#',
		description: 'Keys to press once the call connects, e.g. an extension: 0-9, #, *, and w to wait half a second',
	},
	statusCallback: {
		displayName: 'Status Callback URL',
		name: 'statusCallback',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/twilio/call-status',
		description: 'Twilio POSTs the call status here (a Twilio Trigger URL works). Without events only "completed" is sent.',
	},
	statusCallbackEvents: {
		displayName: 'Status Callback Events',
		name: 'statusCallbackEvents',
		type: 'multiOptions',
		default: [],
		options: CALL_STATUS_EVENTS.map((e) => ({ name: e[0].toUpperCase() + e.slice(1), value: e })),
		description: 'Which call progress events are sent to the Status Callback URL',
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_RING_TIMEOUT },
		default: 60,
		description: 'How long to let the phone ring before giving up (1 to 600 seconds). Under 15 may hang up before voicemail answers.',
	},
};

export function callOptionFields(names: readonly CallOptionName[]): INodeProperties[] {
	return names.map((n) => FIELDS[n]);
}

/** The shared options as the call schema takes them; blank values are dropped by the schema. */
export function readCallOptions(ctx: IExecuteFunctions, i: number, options: IDataObject, defaultFrom: string | undefined): IDataObject {
	const from = ctx.getNodeParameter('from', i, '', { extractValue: true }) as string;
	return {
		to: ctx.getNodeParameter('to', i, ''),
		from: typeof from === 'string' && from.trim() !== '' ? from : defaultFrom,
		statusCallback: options.statusCallback,
		statusCallbackEvents: Array.isArray(options.statusCallbackEvents) ? options.statusCallbackEvents : undefined,
		timeout: options.timeout,
		record: options.record === true,
		recordingStatusCallback: options.recordingStatusCallback,
		recordingStatusCallbackEvent: Array.isArray(options.recordingStatusCallbackEvent) ? options.recordingStatusCallbackEvent : undefined,
		machineDetection: options.machineDetection,
		machineDetectionTimeout: options.machineDetectionTimeout,
		sendDigits: options.sendDigits,
		callerId: options.callerId,
	};
}
