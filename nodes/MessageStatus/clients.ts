/**
 * Message Status may need Twilio, Resend or both in one run (ids are detected per item), and a user
 * with only one vendor selects only that credential. So each client is loaded on first use, once
 * per execution, and an item that needs a missing credential fails alone with a clear error.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { loadResend, type ResendContext } from '../shared/resend/context';
import { ResendApiError, toNodeError as resendError } from '../shared/resend/errors';
import { loadTwilio, type TwilioContext } from '../shared/twilio/context';
import { toNodeError as twilioError } from '../shared/twilio/errors';
import type { IdKind } from './ids';

export class VendorClients {
	private twilioLoad?: Promise<TwilioContext>;
	private resendLoad?: Promise<ResendContext>;
	private readonly secrets = new Set<string>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	async twilio(itemIndex: number, why: string): Promise<TwilioContext> {
		this.twilioLoad ??= loadTwilio(this.ctx);
		const twilio = await this.forItem(this.twilioLoad, itemIndex, why);
		twilio.secrets.forEach((s) => this.secrets.add(s));
		return twilio;
	}

	async resend(itemIndex: number, why: string): Promise<ResendContext> {
		this.resendLoad ??= loadResend(this.ctx);
		const resend = await this.forItem(this.resendLoad, itemIndex, why);
		resend.secrets.forEach((s) => this.secrets.add(s));
		return resend;
	}

	/** Every item shares one load; a failed load becomes a fresh error per item, so each names its own item. */
	private async forItem<T>(load: Promise<T>, itemIndex: number, why: string): Promise<T> {
		try {
			return await load;
		} catch (error) {
			const e = error as NodeOperationError;
			throw new NodeOperationError(this.ctx.getNode(), e.message, {
				itemIndex,
				description: [why, e.description].filter(Boolean).join(' '),
			});
		}
	}

	toNodeError(error: unknown, itemIndex: number) {
		const secrets = [...this.secrets];
		if (error instanceof ResendApiError) return resendError(this.ctx.getNode(), error, itemIndex, secrets, 'Message Status');
		return twilioError(this.ctx.getNode(), error, itemIndex, secrets, 'Message Status');
	}
}

export const NEEDS: Record<IdKind, string> = {
	message: 'Message SIDs are looked up with the Twilio credential.',
	call: 'Call SIDs are looked up with the Twilio credential.',
	email: 'Resend email ids are looked up with the Resend credential.',
};

export const NEEDS_RECORDINGS = 'Call recordings are read with the Twilio credential.';
