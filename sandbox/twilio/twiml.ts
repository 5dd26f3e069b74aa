/**
 * Just enough TwiML reading to act on a messaging webhook's answer: the `<Message>` verbs of a
 * `<Response>`. Anything else (Redirect, comments) is ignored, as it does not produce a message.
 */
export interface TwimlMessage {
	body: string;
	media: string[];
	to?: string;
	from?: string;
	/** `action` on `<Message>` is where Twilio posts that reply's status callbacks. */
	action?: string;
}

export type TwimlParse = { ok: true; messages: TwimlMessage[] } | { ok: false; error: string };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(text: string): string {
	return text
		.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, cdata: string) => cdata.replace(/&/g, '\u0000amp;'))
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
			if (name[0] === '#') {
				const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
				return Number.isFinite(code) ? String.fromCodePoint(code) : m;
			}
			return ENTITIES[name.toLowerCase()] ?? m;
		})
		.replace(/\u0000amp;/g, '&');
}

function attributes(source: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const m of source.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
		out[m[1]] = decodeXml(m[2] ?? m[3] ?? '');
	}
	return out;
}

function nouns(inner: string, tag: string): string[] {
	return [...inner.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => decodeXml(m[1]).trim());
}

export function parseMessagingTwiml(text: string): TwimlParse {
	const doc = text
		.replace(/^\uFEFF/, '')
		.replace(/<\?xml[\s\S]*?\?>/, '')
		.replace(/<!--[\s\S]*?-->/g, '')
		.trim();
	if (/^<Response\s*\/>$/.test(doc)) return { ok: true, messages: [] };
	const root = /^<Response\b[^>]*>([\s\S]*)<\/Response>$/.exec(doc);
	if (!root) return { ok: false, error: 'Document parse failure: expected a <Response> root element' };
	const messages: TwimlMessage[] = [];
	for (const m of root[1].matchAll(/<Message\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Message>)/g)) {
		const attrs = attributes(m[1]);
		const inner = m[2] ?? '';
		const hasNouns = /<(Body|Media)\b/.test(inner);
		const body = hasNouns ? nouns(inner, 'Body').join('') : decodeXml(inner).trim();
		messages.push({
			body,
			media: hasNouns ? nouns(inner, 'Media') : [],
			to: attrs.to,
			from: attrs.from,
			action: attrs.action,
		});
	}
	return { ok: true, messages };
}
