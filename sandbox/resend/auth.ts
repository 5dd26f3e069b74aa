/**
 * Resend's Bearer auth: a full-access key may do anything, a sending-only key may only send.
 */
import { timingSafeEqual } from 'node:crypto';
import { RESEND_API_KEYS, type ResendKeyFixture } from '../fixtures';
import { resendErrors } from './errors';

export interface ResendAuth {
	key: ResendKeyFixture;
}

function same(a: string, b: string): boolean {
	const ab = Buffer.from(a);
	const bb = Buffer.from(b);
	return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function authenticateResend(header: string | undefined): ResendAuth {
	const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	if (!m) throw resendErrors.missingApiKey();
	const key = RESEND_API_KEYS.find((k) => same(k.token, m[1]));
	if (!key) throw resendErrors.invalidApiKey();
	return { key };
}

export function requireFullAccess(auth: ResendAuth | null | undefined): void {
	if (!auth || auth.key.permission !== 'full_access') throw resendErrors.restrictedApiKey();
}
