/**
 * One item: validate, then one Lookup v2 request. An invalid number is Twilio's 200 answer with
 * `valid: false`, so it comes out as an item like any other; only a request Twilio refuses throws.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { TwilioContext } from '../shared/twilio/context';
import { parseInput } from '../shared/validation/errors';
import { lookupOutput } from './output';
import { LOOKUP_LABELS, lookupSchema } from './validation';

export async function lookUpPhone(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const request = parseInput(
		lookupSchema,
		{
			phoneNumber: ctx.getNodeParameter('phoneNumber', i, ''),
			countryCode: options.countryCode,
			dataPackages: ctx.getNodeParameter('dataPackages', i, []),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: LOOKUP_LABELS },
	);
	const answer = await twilio.client.lookups.v2.phoneNumbers(request.phoneNumber).fetch({
		fields: request.fields.length > 0 ? request.fields.join(',') : undefined,
		countryCode: request.countryCode,
	});
	return lookupOutput(answer, { input: request.phoneNumber, fields: request.fields });
}
