/**
 * How the sandbox reads any TwiML it is given, as Twilio does: with a strict XML parser of its own
 * (@xmldom/xmldom), never with the nodes' checker. The nodes validate TwiML before sending it; if
 * both sides used one reader, a document that reader wrongly accepts would pass every test here and
 * still fail on Twilio.
 */
import { DOMParser, ParseError, XMLSerializer, type Element } from '@xmldom/xmldom';

export type XmlRead = { ok: true; root: Element } | { ok: false; error: string };

interface Locator {
	lineNumber?: number;
	columnNumber?: number;
}

function failure(message: string, locator?: Locator): { ok: false; error: string } {
	const at = locator?.lineNumber ? ` (line ${locator.lineNumber}, column ${locator.columnNumber ?? 0})` : '';
	return { ok: false, error: `${message.trim()}${at}` };
}

export function readXml(text: string): XmlRead {
	let first: { message: string; locator?: Locator } | undefined;
	const parser = new DOMParser({
		// xmldom recovers from some mistakes with a warning (an unquoted attribute, say); Twilio does
		// not, so the first report of any level ends the parse.
		onError: (_level, message, context: { locator?: Locator } | undefined) => {
			first ??= { message, locator: context?.locator ? { ...context.locator } : undefined };
			throw new Error(message);
		},
	});
	let root: Element | null;
	try {
		root = parser.parseFromString(text, 'text/xml').documentElement;
	} catch (error) {
		if (first) return failure(first.message, first.locator);
		if (error instanceof ParseError) return failure(error.message, error.locator as Locator | undefined);
		throw error;
	}
	if (!root) return failure('there is no root element');
	try {
		// The parser keeps characters XML forbids (U+000B, say); serializing strictly finds them.
		new XMLSerializer().serializeToString(root, { requireWellFormed: true });
	} catch (error) {
		return failure((error as Error).message);
	}
	return { ok: true, root };
}

/** The element children of `parent`, in document order. */
export function childElements(parent: Element): Element[] {
	const out: Element[] = [];
	for (let node = parent.firstChild; node; node = node.nextSibling) {
		if (node.nodeType === node.ELEMENT_NODE) out.push(node as Element);
	}
	return out;
}

/** An attribute's value, or undefined when the element lacks it (getAttribute's null, typed away). */
export function attribute(element: Element, name: string): string | undefined {
	return element.hasAttribute(name) ? (element.getAttribute(name) ?? undefined) : undefined;
}
