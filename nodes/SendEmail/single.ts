/**
 * Send Email for one item: validate, send with its Idempotency-Key, shape the output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { ResendContext } from '../shared/resend/context';
import { emailOutput } from './output';
import { prepareEmail } from './params';

export async function sendOne(ctx: IExecuteFunctions, resend: ResendContext, i: number): Promise<IDataObject> {
	const { email, idempotencyKey } = await prepareEmail(ctx, i, resend.credentials.defaultFrom, false);
	const sent = await resend.client.sendEmail(email, idempotencyKey);
	return emailOutput(sent.id, email, idempotencyKey, sent.rateLimit);
}
