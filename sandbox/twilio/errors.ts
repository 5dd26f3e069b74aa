/**
 * Twilio's error body is `{code, message, more_info, status}`. Codes and wording follow
 * https://www.twilio.com/docs/api/errors; where Twilio documents two codes for one situation the
 * choice is explained next to the helper.
 */
import { ApiError } from '../router';

export interface TwilioErrorBody {
	code: number;
	message: string;
	more_info: string;
	status: number;
}

export class TwilioApiError extends ApiError {
	constructor(status: number, code: number, message: string, headers: Record<string, string> = {}) {
		const body: TwilioErrorBody = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
		super(status, body, headers);
	}

	get code(): number {
		return (this.body as TwilioErrorBody).code;
	}
}

const bad = (code: number, message: string): TwilioApiError => new TwilioApiError(400, code, message);

export const twilioErrors = {
	authenticate: () => new TwilioApiError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' }),
	/**
	 * Valid credentials used on another account's URL. Twilio answers with 20003 ("Permission
	 * Denied" in its error catalogue); we use HTTP 403 because the credentials themselves are fine.
	 */
	permissionDenied: () => new TwilioApiError(403, 20003, 'Permission Denied'),
	notFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
	methodNotAllowed: (method: string) => new TwilioApiError(405, 20004, `Method not allowed: ${method}`),
	tooManyRequests: (retryAfterSec: number) =>
		new TwilioApiError(429, 20429, 'Too Many Requests', { 'Retry-After': String(retryAfterSec) }),
	/** Over the account's concurrent-request limit: Twilio says how many were in flight, not when to come back. */
	tooManyConcurrent: (inFlight: number) =>
		new TwilioApiError(429, 20429, 'Too Many Requests', { 'Twilio-Concurrent-Requests': String(inFlight) }),
	internal: () => new TwilioApiError(500, 20500, 'Internal Server Error'),
	unavailable: () => new TwilioApiError(503, 20503, 'Service Unavailable'),
	payloadTooLarge: () => new TwilioApiError(413, 20001, 'Request body too large'),

	// Message create
	toRequired: () => bad(21604, "A 'To' phone number is required."),
	invalidTo: (to: string) => bad(21211, `Invalid 'To' Phone Number: ${to}`),
	fromRequired: () => bad(21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message"),
	invalidFrom: (from: string) =>
		bad(21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`),
	fromNotOwned: (from: string) =>
		bad(21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`),
	queueFull: (from: string) => bad(21611, `This 'From' number ${from} has exceeded the maximum number of queued messages`),
	channelMismatch: () => bad(21910, "Invalid 'From' and 'To' pair. 'From' and 'To' should be of the same channel"),
	bodyRequired: () => bad(21602, 'Message body is required.'),
	bodyTooLong: () => bad(21617, 'The concatenated message body exceeds the 1600 character limit.'),
	tooManyMedia: () => bad(21623, 'Number of media files exceeds allowed limit. A maximum of 10 media files can be sent.'),
	invalidMediaUrl: (url: string) => bad(21620, `Invalid media URL(s): ${url}`),
	invalidStatusCallback: () => bad(21609, "Invalid 'StatusCallback'"),
	/** 21624 documents the 1..36000 range the 2010 spec gives for ValidityPeriod. */
	invalidValidityPeriod: () => bad(21624, 'Invalid validity period value'),
	/** 21705: the SID is not even shaped like a Messaging Service SID. */
	invalidServiceSid: (sid: string) => bad(21705, `The Messaging Service Sid ${sid} is invalid.`),
	/** 21701: shaped right, but not a service of this account. */
	serviceNotFound: (sid: string) => bad(21701, `The Messaging Service Sid ${sid} is invalid.`),
	serviceHasNoSenders: (sid: string) => bad(21703, `The Messaging Service ${sid} does not have a phone number available to send a message`),
	invalidContentSid: (sid: string) => bad(21655, `The ContentSid ${sid} is invalid.`),
	invalidContentVariables: () => bad(21656, 'The ContentVariables parameter is invalid.'),
	/** 35111: ScheduleType=fixed without SendAt. */
	sendAtMissing: () => bad(35111, "SendAt timestamp is missing. You must indicate SendAt timestamp if ScheduleType is 'fixed'."),
	/**
	 * 35126 is Twilio's code for a ScheduleType other than `fixed`. We also use it when SendAt comes
	 * without ScheduleType: Twilio would silently send at once, which hides the mistake.
	 */
	invalidScheduleType: () => bad(35126, "The ScheduleType value provided is not supported. ScheduleType must be 'fixed' to schedule with SendAt."),
	/** 35118: scheduling only exists on Messaging Services. */
	scheduleNeedsService: () => bad(35118, 'MessagingServiceSid is required to schedule a message'),
	/**
	 * 35114 and 35115 share the title "Scheduling does not support this timestamp"; 35114 is the one
	 * that states the 900 s .. 35 days window we enforce.
	 */
	sendAtOutOfRange: () =>
		bad(35114, 'Scheduling does not support this timestamp. SendAt must be between 900 seconds and 35 days (3024000 seconds) in the future.'),
	trialUnverified: (to: string) =>
		bad(21608, `The number ${to} is unverified. Trial accounts cannot send messages to unverified numbers; verify ${to} at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers.`),
	unsubscribed: () => bad(21610, 'Attempt to send to unsubscribed recipient'),
	unreachable: (to: string) => bad(21612, `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number via SMS.`),
	regionNotEnabled: (to: string) =>
		bad(21408, `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`),
	notMobile: (to: string) => bad(21614, `'To' number ${to} is not a valid mobile number`),

	// IncomingPhoneNumbers update
	invalidCallbackUrl: (field: string) => bad(21502, `Invalid callback url for ${field}`),
	invalidMethod: (field: string) => bad(21403, `Invalid Method for ${field}. Valid values are GET or POST.`),
};

/** Asynchronous delivery failures (set on the message, never returned by create). */
export const DELIVERY_ERRORS = {
	30003: 'Unreachable destination handset',
	30008: 'Unknown error',
} as const;
