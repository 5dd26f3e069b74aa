import type { IExecuteFunctions } from 'n8n-workflow';
import type { TwilioContext } from '../shared/twilio/context';

/** The node's Verify Service, else the credential's default; validation reports when both are empty. */
export function readServiceSid(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): string {
	const chosen = ctx.getNodeParameter('verifyService', i, '', { extractValue: true });
	const value = typeof chosen === 'string' ? chosen.trim() : '';
	return value || twilio.credentials.verifyServiceSid || '';
}
