/**
 * The sandbox's own Svix signer, written from the scheme (https://docs.svix.com/receiving/verifying-payloads/how-manual)
 * and never shared with the trigger's verifier (test/sandbox/independence.test.ts): a bug on one
 * side must not be able to sign and accept alike.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** `whsec_` and 24 random bytes in base64, the shape of the secrets Resend hands out. */
export function newSigningSecret(): string {
	return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Svix message ids: `msg_` and 27 random characters. */
export function newMessageId(): string {
	return `msg_${randomBytes(20).toString('base64url').slice(0, 27)}`;
}

/** The three headers Svix adds to a delivery of `body` at `timestampSec`. */
export function svixHeaders(secret: string, messageId: string, timestampSec: number, body: string): Record<string, string> {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const mac = createHmac('sha256', key).update(`${messageId}.${timestampSec}.${body}`, 'utf8').digest('base64');
	return { 'svix-id': messageId, 'svix-timestamp': String(timestampSec), 'svix-signature': `v1,${mac}` };
}
