/**
 * Just enough TwiML reading to act on a messaging webhook's answer: the `<Message>` verbs of a
 * `<Response>`. Anything else (Redirect, comments) is ignored, as it does not produce a message.
 */
import { attribute, childElements, readXml } from './xml';

export interface TwimlMessage {
	body: string;
	media: string[];
	to?: string;
	from?: string;
	/** `action` on `<Message>` is where Twilio posts that reply's status callbacks. */
	action?: string;
}

export type TwimlParse = { ok: true; messages: TwimlMessage[] } | { ok: false; error: string };

export function parseMessagingTwiml(text: string): TwimlParse {
	const parsed = readXml(text);
	if (!parsed.ok) return { ok: false, error: `Document parse failure: ${parsed.error}` };
	if (parsed.root.tagName !== 'Response') return { ok: false, error: 'Document parse failure: expected a <Response> root element' };
	const messages: TwimlMessage[] = [];
	for (const message of childElements(parsed.root).filter((e) => e.tagName === 'Message')) {
		const nouns = childElements(message);
		const textOf = (tag: string) => nouns.filter((n) => n.tagName === tag).map((n) => (n.textContent ?? '').trim());
		// <Body> and <Media> nouns replace the plain-text form; Twilio reads one or the other.
		const hasNouns = nouns.some((n) => n.tagName === 'Body' || n.tagName === 'Media');
		messages.push({
			body: hasNouns ? textOf('Body').join('') : (message.textContent ?? '').trim(),
			media: hasNouns ? textOf('Media') : [],
			to: attribute(message, 'to'),
			from: attribute(message, 'from'),
			action: attribute(message, 'action'),
		});
	}
	return { ok: true, messages };
}
