/**
 * Reads call TwiML into what the callee would hear (Say, Play, Pause, Gather), with the sandbox's
 * own XML reader (xml.ts), so a document is judged independently of the nodes that built it.
 */
import type { Element } from '@xmldom/xmldom';
import type { HeardVerb } from './calls-state';
import { attribute, childElements, readXml } from './xml';

export const int = (v: string | undefined, fallback: number | null): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback);

export function attributes(element: Element): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < element.attributes.length; i++) {
		const a = element.attributes.item(i)!;
		out[a.name] = a.value;
	}
	return out;
}

/** One verb as the callee would hear it (a Gather with what its nested verbs say). */
export function describeVerb(child: Element): HeardVerb {
	const a = (name: string) => attribute(child, name);
	const text = (child.textContent ?? '').trim();
	switch (child.tagName) {
		case 'Say':
			return { verb: 'Say', text, voice: a('voice') ?? null, language: a('language') ?? null, loop: int(a('loop'), 1)! };
		case 'Play':
			return { verb: 'Play', url: text, loop: int(a('loop'), 1)! };
		case 'Pause':
			return { verb: 'Pause', length: int(a('length'), 1)! };
		case 'Gather':
			return { verb: 'Gather', action: a('action') ?? null, numDigits: int(a('numDigits'), null), timeout: int(a('timeout'), null), children: verbs(child) };
		default:
			return { verb: child.tagName, attributes: attributes(child) };
	}
}

function verbs(parent: Element): HeardVerb[] {
	return childElements(parent).map(describeVerb);
}

/** The verbs of a call TwiML document, or Twilio's 12100 "Document parse failure" wording for a broken one. */
export function readCallDocument(text: string): { ok: true; verbs: Element[] } | { ok: false; error: string } {
	const parsed = readXml(text);
	if (!parsed.ok) return { ok: false, error: `12100 Document parse failure: ${parsed.error}` };
	if (parsed.root.tagName !== 'Response') return { ok: false, error: `12100 Document parse failure: root element is <${parsed.root.tagName}>, not <Response>` };
	return { ok: true, verbs: childElements(parsed.root) };
}

export function readCallTwiml(text: string): { ok: true; heard: HeardVerb[] } | { ok: false; error: string } {
	const read = readCallDocument(text);
	return read.ok ? { ok: true, heard: read.verbs.map(describeVerb) } : read;
}
