/**
 * Outbound Call for one item: read parameters, validate the call instructions, place the call.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { readCallOptions } from '../shared/twilio/callFields';
import type { TwilioRun } from '../shared/twilio/node';
import { readOnceSettings } from '../shared/twilio/once';
import { callOutput } from '../shared/twilio/output';
import { CALL_LABELS, outboundCallSchema } from '../shared/validation/call';
import { parseInput } from '../shared/validation/errors';

export async function placeOutboundCall(ctx: IExecuteFunctions, twilio: TwilioRun, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const instructions = ctx.getNodeParameter('instructions', i, 'demo') as string;
	const request = parseInput(
		outboundCallSchema,
		{
			...readCallOptions(ctx, i, options, twilio.credentials.defaultFrom),
			instructions,
			url: instructions === 'url' ? ctx.getNodeParameter('url', i, '') : undefined,
			method: instructions === 'url' ? ctx.getNodeParameter('method', i, 'POST') : undefined,
			twiml: instructions === 'twiml' ? ctx.getNodeParameter('twiml', i, '') : undefined,
			applicationSid: instructions === 'application' ? ctx.getNodeParameter('applicationSid', i, '') : undefined,
		},
		{ node: ctx.getNode(), itemIndex: i, labels: CALL_LABELS },
	);
	const { resource: call, marks } = await twilio.sends.create(
		{ kind: 'call', to: request.params.to, from: request.params.from },
		readOnceSettings(options),
		() => twilio.client.calls.create(request.params),
	);
	return {
		...callOutput(call),
		...marks,
		instructions,
		twiml: request.twiml,
		url: request.params.url ?? null,
		applicationSid: request.params.applicationSid ?? null,
	};
}
