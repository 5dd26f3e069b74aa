/**
 * Which API an id belongs to. Twilio SIDs carry their type in the first two letters; Resend email
 * ids are UUIDs. Nothing else is guessed: an id matching none of these is refused before any request.
 */

/** What to fetch: a Twilio Message (SMS, MMS, WhatsApp), a Twilio Call, or a Resend email. */
export type IdKind = 'message' | 'call' | 'email';

export const CHANNEL_CHOICES = ['auto', 'message', 'call', 'email'] as const;
export type ChannelChoice = (typeof CHANNEL_CHOICES)[number];

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function detectKind(id: string): IdKind | undefined {
	if (MESSAGE_SID.test(id)) return 'message';
	if (CALL_SID.test(id)) return 'call';
	if (UUID.test(id)) return 'email';
	return undefined;
}

export const KIND_NAMES: Record<IdKind, string> = {
	message: 'a message SID (SM… or MM…)',
	call: 'a call SID (CA…)',
	email: 'a Resend email id (a UUID)',
};

export const ID_EXAMPLES: Record<IdKind, string> = {
	message: 'SM0123456789abcdef0123456789abcdef',
	call: 'CA0123456789abcdef0123456789abcdef',
	email: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c',
};
