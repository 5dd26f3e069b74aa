/**
 * Reads call TwiML into what the callee would hear (Say, Play, Pause, Gather), using the same
 * strict XML reader the nodes use, so a document the nodes accept is read the same way here.
 */
import { parseXml, textOf, type XmlElement } from '../../nodes/shared/validation/xml';
import type { HeardVerb } from './calls-state';

const int = (v: string | undefined, fallback: number | null): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback);

function verbs(parent: XmlElement): HeardVerb[] {
	const out: HeardVerb[] = [];
	for (const child of parent.children) {
		if ('text' in child) continue;
		const a = child.attributes;
		switch (child.name) {
			case 'Say':
				out.push({ verb: 'Say', text: textOf(child).trim(), voice: a.voice ?? null, language: a.language ?? null, loop: int(a.loop, 1)! });
				break;
			case 'Play':
				out.push({ verb: 'Play', url: textOf(child).trim(), loop: int(a.loop, 1)! });
				break;
			case 'Pause':
				out.push({ verb: 'Pause', length: int(a.length, 1)! });
				break;
			case 'Gather':
				out.push({ verb: 'Gather', action: a.action ?? null, numDigits: int(a.numDigits, null), timeout: int(a.timeout, null), children: verbs(child) });
				break;
			default:
				out.push({ verb: child.name, attributes: { ...a } });
		}
	}
	return out;
}

/** Twilio's 12100 "Document parse failure" wording for a broken document. */
export function readCallTwiml(text: string): { ok: true; heard: HeardVerb[] } | { ok: false; error: string } {
	const parsed = parseXml(text);
	if (!parsed.ok) return { ok: false, error: `12100 Document parse failure: ${parsed.error} (line ${parsed.line}, column ${parsed.column})` };
	if (parsed.root.name !== 'Response') return { ok: false, error: `12100 Document parse failure: root element is <${parsed.root.name}>, not <Response>` };
	return { ok: true, heard: verbs(parsed.root) };
}
