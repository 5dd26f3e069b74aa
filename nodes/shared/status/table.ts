/**
 * The one table that says whether a status is final and whether it is a success, for every status
 * Twilio messages, Twilio calls and Resend emails can have. Message Status reads it for `isFinal` /
 * `isSuccess` and for when to stop waiting; README's "Message Status" section prints the same table.
 *
 * "Final" means the delivery outcome is settled: Twilio will not move a message or call on by
 * itself. Engagement events can still follow a final success (WhatsApp `read` after `delivered`,
 * Resend `opened`/`clicked`/`complained` after `delivered`), which is why those are listed too.
 * `isSuccess` is true only for final successes, so an IF node on it never lets a pending item through.
 */

export type StatusKind = 'message' | 'call' | 'email';

export interface StatusRule {
	isFinal: boolean;
	isSuccess: boolean;
	/** One line for the README and for people reading an output. */
	meaning: string;
}

const pending = (meaning: string): StatusRule => ({ isFinal: false, isSuccess: false, meaning });
const success = (meaning: string): StatusRule => ({ isFinal: true, isSuccess: true, meaning });
const failure = (meaning: string): StatusRule => ({ isFinal: true, isSuccess: false, meaning });

/** Twilio Message resource statuses (message_enum_status in the 2010 API spec). */
export const MESSAGE_STATUSES = {
	accepted: pending('Accepted by a Messaging Service, which has not picked a sender yet'),
	scheduled: pending('Scheduled for later (SendAt)'),
	queued: pending('Queued to be sent'),
	sending: pending('Being handed to the carrier'),
	sent: pending('Accepted by the carrier; a delivery report usually follows (some carriers never send one)'),
	delivered: success('The carrier confirmed delivery to the handset'),
	undelivered: failure('The carrier could not deliver it; see the error code'),
	failed: failure('Twilio could not send it; see the error code'),
	receiving: pending('Inbound message still arriving'),
	received: success('Inbound message received'),
	read: success('WhatsApp and RCS: the recipient opened it'),
	canceled: failure('A scheduled message was canceled before it was sent'),
	partially_delivered: failure('Only some parts or recipients got it'),
} as const satisfies Record<string, StatusRule>;

/** Twilio Call resource statuses (call_enum_status, plus `initiated`, which status callbacks report). */
export const CALL_STATUSES = {
	queued: pending('Waiting to be dialled'),
	initiated: pending('Dialling'),
	ringing: pending('The phone is ringing'),
	'in-progress': pending('Answered; the call is going on'),
	completed: success('Answered and ended normally'),
	busy: failure('The line was busy'),
	'no-answer': failure('Nobody answered before the timeout'),
	failed: failure('Twilio could not place the call (for example an invalid number)'),
	canceled: failure('Canceled while queued or ringing'),
} as const satisfies Record<string, StatusRule>;

/** Resend email `last_event` values (Email.last_event in Resend's OpenAPI spec). */
export const EMAIL_EVENTS = {
	scheduled: pending('Scheduled for later (scheduled_at)'),
	queued: pending('Queued to be sent'),
	sent: pending("Handed to the recipient's mail server; delivery not yet confirmed"),
	delivery_delayed: pending('The receiving server deferred it; Resend keeps trying'),
	delivered: success("Accepted by the recipient's mail server"),
	opened: success('Delivered and opened'),
	clicked: success('Delivered and a link was clicked'),
	bounced: failure("The recipient's mail server rejected it"),
	complained: failure('Delivered, but the recipient marked it as spam'),
	suppressed: failure('Not sent: the address is on the suppression list (earlier bounce or complaint)'),
	failed: failure('Resend could not send it'),
	canceled: failure('A scheduled email was canceled before it was sent'),
} as const satisfies Record<string, StatusRule>;

export const STATUS_TABLE: Record<StatusKind, Record<string, StatusRule>> = {
	message: MESSAGE_STATUSES,
	call: CALL_STATUSES,
	email: EMAIL_EVENTS,
};

/**
 * A status the vendor added after this table was written counts as pending: waiting then ends at
 * the timeout with the status shown, rather than a new failure mode passing as a success.
 */
export function classifyStatus(kind: StatusKind, status: string | null | undefined): StatusRule & { known: boolean } {
	// Own keys only: "constructor" or "toString" from an API must not find Object's prototype.
	const table = STATUS_TABLE[kind];
	const rule = status && Object.prototype.hasOwnProperty.call(table, status) ? table[status] : undefined;
	if (rule) return { ...rule, known: true };
	return { ...pending(status ? `Unknown ${kind} status "${status}"` : 'No status reported'), known: false };
}
