/**
 * Voice Message for one item: read parameters, validate and build the TwiML, place the call,
 * and return the call with the TwiML the callee hears.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { readCallOptions } from '../shared/twilio/callFields';
import type { TwilioRun } from '../shared/twilio/node';
import { readOnceSettings } from '../shared/twilio/once';
import { callOutput } from '../shared/twilio/output';
import { CALL_LABELS, voiceMessageSchema } from '../shared/validation/call';
import { parseInput } from '../shared/validation/errors';

export async function placeVoiceMessage(ctx: IExecuteFunctions, twilio: TwilioRun, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const request = parseInput(
		voiceMessageSchema,
		{
			...readCallOptions(ctx, i, options, twilio.credentials.defaultFrom),
			message: ctx.getNodeParameter('message', i, ''),
			voice: ctx.getNodeParameter('voice', i, 'Polly.Joanna'),
			language: ctx.getNodeParameter('language', i, ''),
			loop: ctx.getNodeParameter('loop', i, 1),
			pauseSeconds: ctx.getNodeParameter('pauseSeconds', i, 1),
			audioUrl: ctx.getNodeParameter('audioUrl', i, ''),
			audioPlacement: ctx.getNodeParameter('audioPlacement', i, 'before'),
			acknowledge: options.acknowledge === true,
			acknowledgePrompt: options.acknowledgePrompt,
			acknowledgeUrl: options.acknowledgeUrl,
			acknowledgeTimeout: options.acknowledgeTimeout,
		},
		{ node: ctx.getNode(), itemIndex: i, labels: CALL_LABELS },
	);
	const { resource: call, marks } = await twilio.sends.create(
		{ kind: 'call', to: request.params.to, from: request.params.from },
		readOnceSettings(options),
		() => twilio.client.calls.create(request.params),
	);
	return { ...callOutput(call), ...marks, twiml: request.twiml };
}
