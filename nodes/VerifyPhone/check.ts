/**
 * Check Code for one item. A wrong code is an answer, not a failure: Twilio says 200 with
 * `valid: false`, and the item carries that on so the workflow can branch on it.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { TwilioContext } from '../shared/twilio/context';
import { parseInput } from '../shared/validation/errors';
import { checkCodeSchema, VERIFY_LABELS } from '../shared/validation/verify';
import { verifyFailure } from './errors';
import { checkOutput } from './output';
import { readServiceSid } from './service';

export async function checkCode(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): Promise<IDataObject> {
	const checkBy = ctx.getNodeParameter('checkBy', i, 'to');
	const { serviceSid, params } = parseInput(
		checkCodeSchema,
		{
			serviceSid: readServiceSid(ctx, twilio, i),
			checkBy,
			to: checkBy === 'to' ? ctx.getNodeParameter('to', i, '') : undefined,
			verificationSid: checkBy === 'verificationSid' ? ctx.getNodeParameter('verificationSid', i, '') : undefined,
			code: ctx.getNodeParameter('code', i, ''),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: VERIFY_LABELS },
	);
	try {
		const check = await twilio.client.verify.v2.services(serviceSid).verificationChecks.create(params);
		return checkOutput(check);
	} catch (error) {
		throw verifyFailure(ctx, error, i, 'to' in params ? params.to : `verification ${params.verificationSid}`, 'check');
	}
}
