/**
 * Verify v2 records and the rules Twilio applies to them: how long a code stays valid and how many
 * sends and wrong checks one verification allows. Kept beside the Verify routes so the shared
 * state module only holds the two maps.
 */
import { randomInt } from 'node:crypto';
import type { VerifyServiceFixture } from '../fixtures';

export const VERIFY_CHANNELS = ['sms', 'call', 'email', 'whatsapp'] as const;
export type VerifyChannel = (typeof VERIFY_CHANNELS)[number];

export type VerificationStatus = 'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'expired';

/** Twilio keeps a code valid for 10 minutes (the service default). */
export const VERIFICATION_TTL_MS = 10 * 60 * 1000;
/** Twilio's default limits: 5 deliveries of one verification (then 60203), 5 wrong codes (then 60202). */
export const MAX_SEND_ATTEMPTS = 5;
export const MAX_CHECK_ATTEMPTS = 5;

export interface VerifyServiceRecord extends VerifyServiceFixture {
	dateCreated: Date;
	dateUpdated: Date;
}

export interface SendAttempt {
	attemptSid: string;
	channel: VerifyChannel;
	time: Date;
}

export interface VerificationRecord {
	sid: string;
	serviceSid: string;
	accountSid: string;
	/** E.164 number, or an email address for the email channel. */
	to: string;
	/** The channel of the latest send. */
	channel: VerifyChannel;
	status: VerificationStatus;
	/** What the user must type; only the admin endpoint and `sandbox.state` reveal it. */
	code: string;
	locale: string | null;
	customFriendlyName: string | null;
	sendAttempts: SendAttempt[];
	/** Wrong codes checked so far. */
	failedChecks: number;
	dateCreated: Date;
	dateUpdated: Date;
	expiresAt: Date;
}

/** `length` random digits; leading zeros are kept, as in real codes. */
export function generateCode(length: number): string {
	let code = '';
	for (let i = 0; i < length; i++) code += String(randomInt(10));
	return code;
}

/** Expiry is applied when a verification is next looked at, so no timers are needed. */
export function refreshExpiry(v: VerificationRecord, now = new Date()): VerificationRecord {
	if (v.status === 'pending' && now.getTime() >= v.expiresAt.getTime()) {
		v.status = 'expired';
		v.dateUpdated = v.expiresAt;
	}
	return v;
}

/**
 * The verification a check or a resend applies to: the newest one of `to` in the service that is
 * still pending, or blocked after too many wrong codes until it would have expired (Twilio answers
 * 60202 for that one rather than pretending nothing exists).
 */
export function liveVerification(
	verifications: Iterable<VerificationRecord>,
	serviceSid: string,
	to: string,
	now = new Date(),
): VerificationRecord | undefined {
	let found: VerificationRecord | undefined;
	for (const v of verifications) {
		if (v.serviceSid !== serviceSid || v.to !== to) continue;
		if (isLive(v, now)) found = v;
	}
	return found;
}

export function isLive(v: VerificationRecord, now = new Date()): boolean {
	const status = refreshExpiry(v, now).status;
	return status === 'pending' || (status === 'max_attempts_reached' && now.getTime() < v.expiresAt.getTime());
}
