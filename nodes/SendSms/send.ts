/**
 * Send SMS for one item: read parameters, validate, create the message, shape the output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { analyzeSms, parseInput, sendSmsSchema } from '../shared/validation';
import type { TwilioCredentials } from '../shared/twilio/client';
import type { TwilioRun } from '../shared/twilio/node';
import { readOnceSettings } from '../shared/twilio/once';
import { messageOutput } from '../shared/twilio/output';

const LABELS: Record<string, string> = {
	to: 'To',
	from: 'From',
	messagingServiceSid: 'Messaging Service',
	body: 'Message',
	mediaUrls: 'Media URLs',
	statusCallback: 'Status Callback URL',
	validityPeriod: 'Validity Period',
	sendAt: 'Schedule At',
	shortenUrls: 'Shorten URLs',
	contentSid: 'Content SID',
	contentVariables: 'Content Variables',
	channel: 'Channel',
};

function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(/[\s,]+/)
		.map((s) => s.trim())
		.filter(Boolean);
}

function blankToUndefined(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const s = String(value).trim();
	return s === '' ? undefined : s;
}

/** The message of item `i` as Twilio's create takes it, validated; `body` replaces the Message field (Send and Wait adds its links). */
export function readSmsRequest(ctx: IExecuteFunctions, creds: TwilioCredentials, i: number, body?: string) {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const sender = ctx.getNodeParameter('sender', i, 'number') as string;

	let from: string | undefined;
	let messagingServiceSid: string | undefined;
	if (sender === 'messagingService') {
		messagingServiceSid = blankToUndefined(ctx.getNodeParameter('messagingService', i, '', { extractValue: true })) ?? creds.messagingServiceSid;
	} else {
		from = blankToUndefined(ctx.getNodeParameter('from', i, '', { extractValue: true })) ?? creds.defaultFrom;
		// A credential with only a Messaging Service still sends when the node leaves From empty.
		if (!from) messagingServiceSid = creds.messagingServiceSid;
	}

	const contentVariables = options.contentVariables;
	return parseInput(
		sendSmsSchema,
		{
			channel: ctx.getNodeParameter('channel', i, 'sms'),
			to: ctx.getNodeParameter('to', i, ''),
			from,
			messagingServiceSid,
			body: body ?? ctx.getNodeParameter('body', i, ''),
			mediaUrls: splitList(options.mediaUrls),
			statusCallback: blankToUndefined(options.statusCallback),
			validityPeriod: options.validityPeriod === undefined || options.validityPeriod === '' ? undefined : options.validityPeriod,
			sendAt: blankToUndefined(options.sendAt),
			shortenUrls: options.shortenUrls === true ? true : undefined,
			contentSid: blankToUndefined(options.contentSid),
			contentVariables:
				contentVariables === undefined || contentVariables === '' || contentVariables === '{}' ? undefined : contentVariables,
			now: new Date(),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: LABELS },
	);
}

export async function sendSms(ctx: IExecuteFunctions, twilio: TwilioRun, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const params = readSmsRequest(ctx, twilio.credentials, i);

	const { resource: message, marks } = await twilio.sends.create(
		{
			kind: 'message',
			to: params.to,
			from: params.from,
			messagingServiceSid: params.messagingServiceSid,
			body: params.contentSid ? undefined : (params.body ?? ''),
		},
		readOnceSettings(options),
		() => twilio.client.messages.create(params),
	);
	const analysis = analyzeSms(params.body ?? '');
	const out = messageOutput(message);
	return {
		...out,
		...marks,
		// Scheduled and queued messages report 0 segments until sent; our own count is known now.
		numSegments: out.numSegments || analysis.segments,
		encoding: analysis.encoding,
		characters: analysis.characters,
		scheduledFor: params.sendAt ? params.sendAt.toISOString() : null,
	};
}
