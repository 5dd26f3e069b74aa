import { randomBytes } from 'node:crypto';

/** Twilio SIDs are a two-letter type prefix and 32 lowercase hex digits. */
export function newSid(prefix: string): string {
	return prefix + randomBytes(16).toString('hex');
}

export const SID_PATTERN = (prefix: string): RegExp => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);
