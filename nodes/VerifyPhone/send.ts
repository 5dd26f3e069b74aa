/**
 * Send Code for one item: validate, then start (or re-send) a Twilio Verify verification.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { TwilioContext } from '../shared/twilio/context';
import { parseInput } from '../shared/validation/errors';
import { sendCodeSchema, VERIFY_LABELS } from '../shared/validation/verify';
import { verifyFailure } from './errors';
import { verificationOutput } from './output';
import { readServiceSid } from './service';

export async function sendCode(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const { serviceSid, params } = parseInput(
		sendCodeSchema,
		{
			serviceSid: readServiceSid(ctx, twilio, i),
			channel: ctx.getNodeParameter('channel', i, 'sms'),
			to: ctx.getNodeParameter('to', i, ''),
			locale: options.locale,
			customFriendlyName: options.customFriendlyName,
		},
		{ node: ctx.getNode(), itemIndex: i, labels: VERIFY_LABELS },
	);
	try {
		const verification = await twilio.client.verify.v2.services(serviceSid).verifications.create(params);
		return verificationOutput(verification);
	} catch (error) {
		throw verifyFailure(ctx, error, i, params.to, 'send');
	}
}
