/**
 * Send Email for one item: validate, send with its Idempotency-Key (unless the duplicate guard
 * finds the same email sent within its window), shape the output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { ResendContext } from '../shared/resend/context';
import { sendUnlessRecent } from '../shared/runner/recentSends';
import { findEarlierEmail, guardKey } from './duplicates';
import { emailOutput } from './output';
import { prepareEmail } from './params';

export async function sendOne(ctx: IExecuteFunctions, resend: ResendContext, i: number): Promise<IDataObject> {
	const { email, idempotencyKey } = await prepareEmail(ctx, i, resend.credentials.defaultFrom, false);
	const send = async () => {
		const sent = await resend.client.sendEmail(email, idempotencyKey);
		return emailOutput(sent.id, email, idempotencyKey, sent.rateLimit);
	};
	const minutes = Number(ctx.getNodeParameter('options.skipDuplicatesMinutes', i, 0)) || 0;
	if (minutes <= 0) return await send();

	const { apiKey, baseUrl } = resend.credentials;
	const outcome = await sendUnlessRecent(
		guardKey(`${baseUrl} ${apiKey}`, email),
		minutes * 60_000,
		(since) => findEarlierEmail(resend.client, email, since),
		async () => {
			const value = await send();
			return { value, record: { id: String(value.id), at: Date.now(), resource: undefined } };
		},
	);
	if ('sent' in outcome) return outcome.sent;
	return { ...emailOutput(outcome.duplicate.id, email, idempotencyKey, { limit: null, remaining: null, reset: null }), skipped: 'duplicate', duplicateOf: outcome.duplicate.id };
}
