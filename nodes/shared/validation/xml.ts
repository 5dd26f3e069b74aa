/**
 * Is this text a well-formed XML document, and if not, where is the first problem? The parsing is
 * fast-xml-parser's: its validator reports the error with line and column, and its parser finds
 * the root element. What follows here is only what that validator does not check but Twilio's
 * parser refuses (answering the call with "an application error"), each with its position:
 * - characters XML cannot carry at all (control characters, lone surrogates, U+FFFE, U+FFFF),
 *   typed raw or as a character reference; also used on plain text bound for TwiML;
 * - entities other than XML's five, such as &nbsp; pasted from HTML;
 * - a DOCTYPE, which TwiML never needs;
 * - anything after a self-closing root (the validator only notices it after a closing tag).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Problem } from './issues';

/** `character` marks a character XML cannot carry, whose fix differs from a markup mistake's. */
type XmlFailure = { ok: false; error: string; line: number; column: number; character?: true };
export type XmlCheck = { ok: true; root: string } | XmlFailure;

/** XML 1.0's Char production. */
function isXmlChar(code: number): boolean {
	return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

/** "U+000B (a control character)": the code point, because the character itself is invisible or unprintable. */
export function describeCodePoint(code: number): string {
	const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
	if (code < 0x20) return `${hex} (a control character)`;
	if (code >= 0xd800 && code <= 0xdfff) return `${hex} (half of a surrogate pair, without its other half)`;
	return code > 0x10ffff ? `${hex} (beyond Unicode)` : `${hex} (a noncharacter)`;
}

/** The first character XML cannot carry, with its offset in UTF-16 units. */
export function findNonXmlChar(text: string): { code: number; index: number } | undefined {
	let index = 0;
	// for…of walks code points, and yields a lone surrogate on its own.
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (!isXmlChar(code)) return { code, index };
		index += char.length;
	}
	return undefined;
}

export const NON_XML_CHARACTER_FIX =
	'Remove the character. If the text comes from an expression, strip such characters there, e.g. {{ $json.text.replace(/[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]/g, " ") }}';

/** For plain text that will become part of TwiML (a <Say>, a URL in <Play>). */
export function xmlTextProblem(text: string): Omit<Problem, 'path'> | undefined {
	const bad = findNonXmlChar(text);
	if (!bad) return undefined;
	const at = [...text.slice(0, bad.index)].length + 1;
	return { message: `contains ${describeCodePoint(bad.code)} at character ${at}, which TwiML (XML) cannot carry`, fix: NON_XML_CHARACTER_FIX };
}

function position(text: string, offset: number): { line: number; column: number } {
	const before = text.slice(0, offset);
	return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** Blanks out comments, CDATA and processing instructions, whose text may hold anything, keeping offsets. */
function markupOnly(text: string): string {
	return text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, (m) => ' '.repeat(m.length));
}

function referenceProblem(name: string): string | undefined {
	const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
	if (numeric) {
		const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
		return code <= 0x10ffff && isXmlChar(code) ? undefined : `the character reference &${name}; stands for ${describeCodePoint(code)}, which XML cannot carry`;
	}
	return PREDEFINED.has(name) ? undefined : `unknown entity &${name}; (XML knows only &amp; &lt; &gt; &quot; &apos;)`;
}

/** The library's wording, except where it names a symptom rather than the mistake a person made. */
function libraryMessage(msg: string): string {
	if (msg === "char '&' is not expected.") return '"&" must start an entity such as &amp; (write & as &amp;)';
	// Its only other "char … not expected" is text where the root element should start.
	if (/^char '.+' is not expected\.$/.test(msg)) return 'text is not allowed before the root element';
	const unquoted = /^Attribute '(.+)' is without value\.$/.exec(msg);
	if (unquoted) return `the value of attribute "${unquoted[1]}" must be in quotes`;
	return msg.replace(/\.$/, '');
}

const parser = new XMLParser({ preserveOrder: true, captureMetaData: true, ignoreAttributes: true, processEntities: false });
// Typed as the `Symbol` wrapper object by the library, though it is a plain symbol.
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

export function checkXml(source: string): XmlCheck {
	const text = source.replace(/^\uFEFF/, '');
	const fail = (error: string, offset: number): XmlFailure => ({ ok: false, error, ...position(text, offset) });

	const bad = findNonXmlChar(text);
	if (bad) return { ...fail(`${describeCodePoint(bad.code)} is not allowed in XML`, bad.index), character: true };
	const valid = XMLValidator.validate(text);
	if (valid !== true) return { ok: false, error: libraryMessage(valid.err.msg), line: valid.err.line, column: valid.err.col };

	const markup = markupOnly(text);
	const doctype = markup.indexOf('<!DOCTYPE');
	if (doctype >= 0) return fail('DOCTYPE declarations are not allowed in TwiML', doctype);
	for (const ref of markup.matchAll(/&([^;&\s<]+);/g)) {
		const problem = referenceProblem(ref[1]);
		if (problem) return ref[1].startsWith('#') ? { ...fail(problem, ref.index), character: true } : fail(problem, ref.index);
	}

	let nodes: Array<Record<string | symbol, unknown>>;
	try {
		nodes = parser.parse(text) as typeof nodes;
	} catch (error) {
		// Not expected after the validator passed; the parser's own reason is still the best answer.
		return fail((error as Error).message, 0);
	}
	const root = nodes.find((node) => Object.keys(node).some((key) => key !== '#text' && !key.startsWith('?')));
	if (!root) return fail('there is no root element', 0);
	const end = (root[META] as { endIndex?: number } | undefined)?.endIndex ?? text.length;
	const extra = markup.slice(end).search(/\S/);
	if (extra >= 0) {
		return fail(markup[end + extra] === '<' ? 'only one root element is allowed' : 'text is not allowed after the root element', end + extra);
	}
	return { ok: true, root: Object.keys(root).find((key) => key !== ':@')! };
}
