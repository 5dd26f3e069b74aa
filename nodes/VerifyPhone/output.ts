/**
 * Verifications and checks as flat items: `status` and `valid` first, so an IF node can branch on them.
 */
import type { IDataObject } from 'n8n-workflow';
import type { VerificationInstance } from 'twilio/lib/rest/verify/v2/service/verification';
import type { VerificationCheckInstance } from 'twilio/lib/rest/verify/v2/service/verificationCheck';

const iso = (d: Date | null | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null);

export function verificationOutput(v: VerificationInstance): IDataObject {
	return {
		status: v.status,
		valid: v.valid === true,
		to: v.to,
		channel: v.channel,
		sid: v.sid,
		serviceSid: v.serviceSid,
		accountSid: v.accountSid,
		// How many times this verification's code has been delivered; Twilio allows 5 in 10 minutes.
		sendCodeAttempts: Array.isArray(v.sendCodeAttempts) ? v.sendCodeAttempts.length : null,
		dateCreated: iso(v.dateCreated),
		dateUpdated: iso(v.dateUpdated),
	};
}

export function checkOutput(c: VerificationCheckInstance): IDataObject {
	return {
		status: c.status,
		valid: c.valid === true,
		to: c.to,
		channel: c.channel,
		sid: c.sid,
		serviceSid: c.serviceSid,
		accountSid: c.accountSid,
		dateCreated: iso(c.dateCreated),
		dateUpdated: iso(c.dateUpdated),
	};
}
