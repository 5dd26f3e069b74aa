/** Message addresses: E.164 for SMS/MMS, or a channel address such as `whatsapp:+15551234567`. */
export type Channel = 'sms' | 'whatsapp';

export interface Address {
	channel: Channel;
	/** E.164 without the channel prefix. */
	number: string;
}

export const E164 = /^\+[1-9]\d{1,14}$/;

export function parseAddress(raw: string): Address | null {
	const text = raw.trim();
	const m = /^whatsapp:(.*)$/i.exec(text);
	const number = (m ? m[1] : text).trim();
	if (!E164.test(number)) return null;
	return { channel: m ? 'whatsapp' : 'sms', number };
}

export function formatAddress(a: Address): string {
	return a.channel === 'whatsapp' ? `whatsapp:${a.number}` : a.number;
}
