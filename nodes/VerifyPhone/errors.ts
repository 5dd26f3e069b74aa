/**
 * The Verify answers a workflow author has to act on, said in their terms: which recipient, what
 * happened and what to do. Every other failure goes to the shared Twilio error mapping unchanged.
 */
import { NodeApiError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';
import { asTwilioRestError, TWILIO_ERROR_HINTS } from '../shared/twilio/errors';

const HEADLINES: Record<number, (target: string) => string> = {
	20404: (target) => `No pending verification for ${target}`,
	60202: (target) => `Too many wrong codes for ${target}`,
	60203: (target) => `Too many codes sent to ${target}`,
};

const CHECK_NOT_FOUND =
	'Twilio keeps a code for 10 minutes, until it is approved, canceled or entered wrong too often. Send a new code with the Send Code operation, and check it with the same Verify Service.';

/** Returns the error to throw: a clearer NodeApiError for the Verify cases, the original otherwise. */
export function verifyFailure(ctx: IExecuteFunctions, error: unknown, itemIndex: number, target: string, operation: 'send' | 'check'): unknown {
	const rest = asTwilioRestError(error);
	const headline = rest?.code !== undefined ? HEADLINES[rest.code] : undefined;
	// 20404 on a send means the service itself is unknown; the shared mapping says that well.
	if (!rest || rest.code === undefined || !headline || (rest.code === 20404 && operation === 'send')) return error;
	const description = rest.code === 20404 ? CHECK_NOT_FOUND : TWILIO_ERROR_HINTS[rest.code];
	const response: JsonObject = { status: rest.status, code: rest.code, message: rest.message, more_info: rest.moreInfo ?? null };
	return new NodeApiError(ctx.getNode(), response, {
		message: `${headline(target)} (Twilio error ${rest.code}: ${rest.message})`,
		description: [description, rest.moreInfo ? `More: ${rest.moreInfo}` : undefined].filter(Boolean).join(' '),
		httpCode: String(rest.status),
		itemIndex,
	});
}
