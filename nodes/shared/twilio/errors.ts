/**
 * Twilio failures as n8n errors: NodeApiError with Twilio's code, its more_info link and a fix the
 * user can act on. Secrets are stripped from every string on the way out.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { NetworkError, networkHint, OutcomeUnknownError, type LookUpResult } from '../http/send';
import { mapNodeError } from '../nodeError';

/** The codes users hit most, with what to do about them (also in README's troubleshooting table). */
export const TWILIO_ERROR_HINTS: Record<number, string> = {
	20003: 'Check the Account SID and Auth Token (or API Key SID and Secret) in the Twilio credential.',
	20404: 'The resource does not exist in this account. Check the SID and the credential.',
	20429: 'Twilio is rate limiting this account. Lower "Max Concurrent Requests" or set "Max Requests per Second".',
	21211: 'The To number is not valid. Use E.164 format, e.g. +14155550123.',
	21212: 'The From number is not valid. Use one of your Twilio numbers in E.164 format.',
	21408: 'Your account lacks permission to send to this region. Enable it under Messaging > Geo permissions.',
	21602: 'The message needs a Body, Media URLs or a Content SID.',
	21603: 'Set a From number or a Messaging Service.',
	21604: 'The To number is missing.',
	21606: 'The From number is not a number of this Twilio account that can send SMS. Pick one from the list.',
	21608: 'Trial accounts can only send to verified numbers. Verify the number in the Twilio Console or upgrade the account.',
	21610: 'The recipient replied STOP and has unsubscribed. They must text START before you can message them again.',
	21611: 'The From number has too many queued messages. Slow down, or use a Messaging Service with more numbers.',
	21612: 'Twilio cannot route a message from this From number to this To number.',
	21614: 'The To number is not a mobile number (landline or unreachable carrier) and cannot receive SMS.',
	21617: 'The Body is longer than 1,600 characters.',
	21620: 'A Media URL is invalid or cannot be fetched by Twilio.',
	21623: 'At most 10 Media URLs are allowed per message.',
	// Calls
	21201: 'The number to call (To) is missing.',
	21205: 'The call needs instructions: a valid http(s) TwiML URL, inline TwiML or an Application SID.',
	21206: 'Send Digits may only contain 0-9, #, *, A-D and w/W.',
	21208: 'Timeout must be a whole number of seconds from 1 to 600.',
	21209: 'Method must be GET or POST.',
	21210: 'The From number is not one of your Twilio numbers or a verified caller ID. Pick one from the list.',
	21213: 'Set a From number, or a Default From Number in the Twilio credential.',
	21214: 'Twilio cannot route a call to this number.',
	21215: 'Your account lacks permission to call this region. Enable it under Voice > Settings > Geo permissions.',
	21216: 'This number is blocked for calls from your account.',
	21217: 'The To number is not valid. Use E.164 format, e.g. +14155550123.',
	21218: 'The Application SID does not belong to this account. Check it in Console > Voice > TwiML Apps.',
	21219: 'Trial accounts can only call verified numbers. Verify the number in the Twilio Console or upgrade the account.',
	32018: 'Inline TwiML is limited to 4,000 characters. Shorten it, or host it and use a TwiML URL.',
	// Verify
	60200: 'A Verify parameter is invalid: To must be E.164 (or an email address for the email channel), and Locale a supported language code such as en or pt-BR.',
	60202: 'The code was entered wrong 5 times, so this verification is locked. Send a new code with the Send Code operation.',
	60203: 'A code was already sent to this recipient 5 times within 10 minutes. Wait until the verification expires (10 minutes) before sending another.',
	60205: 'This number is a landline and cannot receive SMS. Send the code with the call channel instead.',
};

interface TwilioRestError {
	status: number;
	code?: number;
	message: string;
	moreInfo?: string;
	details?: unknown;
}

/** The SDK's RestException, recognised by shape so a second copy of the SDK still matches. */
export function asTwilioRestError(error: unknown): TwilioRestError | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const e = error as Record<string, unknown>;
	if (typeof e.status === 'number' && typeof e.message === 'string' && ('code' in e || 'moreInfo' in e)) {
		return {
			status: e.status,
			code: typeof e.code === 'number' ? e.code : undefined,
			message: e.message,
			moreInfo: typeof e.moreInfo === 'string' ? e.moreInfo : undefined,
			details: e.details,
		};
	}
	return undefined;
}

export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: readonly string[],
	what = 'Twilio request',
): NodeApiError | NodeOperationError {
	return mapNodeError(node, error, itemIndex, secrets, what, (clean) => {
		const rest = asTwilioRestError(error);
		if (rest) {
			const hint = rest.code !== undefined ? TWILIO_ERROR_HINTS[rest.code] : undefined;
			const response: JsonObject = {
				status: rest.status,
				code: rest.code ?? null,
				message: clean(rest.message),
				more_info: rest.moreInfo ?? null,
			};
			const label = rest.code !== undefined ? `Twilio error ${rest.code}` : `Twilio HTTP ${rest.status}`;
			return new NodeApiError(node, response, {
				message: `${label}: ${clean(rest.message)}`,
				description: [hint, rest.moreInfo ? `More: ${rest.moreInfo}` : undefined].filter(Boolean).join(' '),
				httpCode: String(rest.status),
				itemIndex,
			});
		}
		if (error instanceof OutcomeUnknownError) {
			const request = JSON.parse(clean(JSON.stringify(error.request))) as JsonObject;
			const lookUp = error.lookUp;
			return new NodeApiError(
				node,
				{ outcome: 'unknown', request, status: error.status ?? null, attempts: error.attempts, ...(lookUp ? { lookUp: lookUp as JsonObject } : {}) },
				{
					message: clean(`${what}: ${error.message}`),
					description: clean(
						`Twilio did not confirm this request (${error.status ? `HTTP ${error.status}` : 'no response'}). It was not retried, because the message or call may already exist. ${lookedUp(lookUp)}Request: ${JSON.stringify(request)}`,
					),
					httpCode: error.status ? String(error.status) : undefined,
					itemIndex,
				},
			);
		}
		if (error instanceof NetworkError) {
			return new NodeApiError(node, { code: error.code ?? null, attempts: error.attempts }, {
				message: clean(`${what} failed: ${error.message}`),
				description: networkHint(error.code),
				itemIndex,
			});
		}
		return undefined;
	});
}

/** What the look-up after an outcome unknown found, as the start of the error's description. */
function lookedUp(lookUp: LookUpResult | undefined): string {
	if (!lookUp) return 'Look it up with the Message Status node (Get Many, filtered by To) before sending again. ';
	if (lookUp.result === 'ambiguous') {
		return `Twilio lists ${lookUp.candidates.length} identical ones created since (${lookUp.candidates.join(', ')}), so which one this request made cannot be told; check them with the Message Status node before sending again. `;
	}
	if (lookUp.result === 'failed') return `Looking it up at Twilio failed too (${lookUp.reason}); check with the Message Status node before sending again. `;
	return `It was looked up ${lookUp.tries} time(s) over ${Math.round(lookUp.waitedMs / 1000)} s and not found, so it was most likely not created; Twilio's lists can lag, so check with the Message Status node before sending again, or set "If the Outcome Is Unknown" to re-send. `;
}
