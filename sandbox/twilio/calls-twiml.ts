/**
 * Reads call TwiML into what the callee would hear (Say, Play, Pause, Gather), with the sandbox's
 * own XML reader (xml.ts), so a document is judged independently of the nodes that built it.
 */
import type { Element } from '@xmldom/xmldom';
import type { HeardVerb } from './calls-state';
import { attribute, childElements, readXml } from './xml';

const int = (v: string | undefined, fallback: number | null): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback);

function attributes(element: Element): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < element.attributes.length; i++) {
		const a = element.attributes.item(i)!;
		out[a.name] = a.value;
	}
	return out;
}

function verbs(parent: Element): HeardVerb[] {
	const out: HeardVerb[] = [];
	for (const child of childElements(parent)) {
		const a = (name: string) => attribute(child, name);
		const text = (child.textContent ?? '').trim();
		switch (child.tagName) {
			case 'Say':
				out.push({ verb: 'Say', text, voice: a('voice') ?? null, language: a('language') ?? null, loop: int(a('loop'), 1)! });
				break;
			case 'Play':
				out.push({ verb: 'Play', url: text, loop: int(a('loop'), 1)! });
				break;
			case 'Pause':
				out.push({ verb: 'Pause', length: int(a('length'), 1)! });
				break;
			case 'Gather':
				out.push({ verb: 'Gather', action: a('action') ?? null, numDigits: int(a('numDigits'), null), timeout: int(a('timeout'), null), children: verbs(child) });
				break;
			default:
				out.push({ verb: child.tagName, attributes: attributes(child) });
		}
	}
	return out;
}

/** Twilio's 12100 "Document parse failure" wording for a broken document. */
export function readCallTwiml(text: string): { ok: true; heard: HeardVerb[] } | { ok: false; error: string } {
	const parsed = readXml(text);
	if (!parsed.ok) return { ok: false, error: `12100 Document parse failure: ${parsed.error}` };
	if (parsed.root.tagName !== 'Response') return { ok: false, error: `12100 Document parse failure: root element is <${parsed.root.tagName}>, not <Response>` };
	return { ok: true, heard: verbs(parsed.root) };
}
