/**
 * Why a message or call did not arrive, in words a workflow author can act on. Twilio reports the
 * reason of an `undelivered`/`failed` message as a bare `error_code`; these are the codes seen most
 * in practice, each with Twilio's short name and what to do. Any other code still gets its link.
 */

export interface DeliveryErrorInfo {
	code: number;
	/** Twilio's name for the error. */
	text: string;
	/** What to do about it. */
	hint: string;
	moreInfo: string;
}

export const twilioErrorLink = (code: number) => `https://www.twilio.com/docs/api/errors/${code}`;

const KNOWN: Record<number, [text: string, hint: string]> = {
	30001: ['Queue overflow', 'Too many messages were queued for the sender. Send more slowly or add numbers to a Messaging Service.'],
	30002: ['Account suspended', 'The Twilio account is suspended. Check the account status in the Twilio Console.'],
	30003: ['Unreachable destination handset', 'The phone is off or out of coverage. Retrying later often works.'],
	30004: ['Message blocked', 'The recipient or their carrier blocks messages from this sender. Do not retry.'],
	30005: ['Unknown destination handset', 'The number does not exist or is no longer active. Remove it from your list.'],
	30006: ['Landline or unreachable carrier', 'The number is a landline or its carrier does not accept SMS. Call it instead.'],
	30007: ['Message filtered', 'The carrier flagged the message as spam. Register the sender (A2P 10DLC, toll-free verification) and review the content.'],
	30008: ['Unknown error', 'The carrier gave no reason. Retry once; if it keeps failing, contact Twilio support with the message SID.'],
	30009: ['Missing inbound segment', 'Part of a multi-part message was lost. Ask the sender to send it again.'],
	30010: ['Message price exceeds max price', 'The message costs more than the MaxPrice you set. Raise or remove MaxPrice.'],
	30032: ['Toll-free number has not been verified', 'Verify the toll-free number in the Twilio Console before sending to US/Canada.'],
	30034: ['Message from an unregistered number', 'US A2P 10DLC: register the sender with a campaign in the Twilio Console.'],
	21610: ['Attempt to send to unsubscribed recipient', 'The recipient replied STOP. They must text START before you can message them again.'],
	21211: ["Invalid 'To' phone number", 'Use E.164 format, e.g. +14155550123.'],
	21408: ['Permission to send an SMS has not been enabled for the region', 'Enable the country under Messaging > Geo permissions.'],
	21612: ["The 'To' phone number is not currently reachable via SMS", 'Twilio cannot route from this sender to this number.'],
	21614: ["'To' number is not a valid mobile number", 'The number is a landline or unreachable carrier and cannot receive SMS.'],
	63016: ['Outside the WhatsApp 24-hour window', 'Outside 24 hours since the user last wrote, send an approved template (Content SID).'],
};

export function explainTwilioError(code: number | null | undefined, apiMessage?: string | null): DeliveryErrorInfo | undefined {
	if (code === null || code === undefined || !Number.isFinite(code) || code === 0) return undefined;
	const known = KNOWN[code];
	return {
		code,
		text: known?.[0] ?? apiMessage ?? `Twilio error ${code}`,
		hint: known?.[1] ?? 'See the linked page for the cause and fix.',
		moreInfo: twilioErrorLink(code),
	};
}

/** Codes with a curated explanation, for the README and tests. */
export const EXPLAINED_TWILIO_CODES = Object.keys(KNOWN).map(Number);
