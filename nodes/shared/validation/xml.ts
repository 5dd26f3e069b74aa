/**
 * A small, strict XML reader for TwiML: enough to prove a document is well-formed, name the first
 * problem with its line and column, and hand back the element tree.
 *
 * Written here rather than pulled in as a dependency: the package's runtime dependencies stay
 * twilio, resend and zod, and TwiML needs no namespaces, DTDs or external entities. DOCTYPE is
 * refused outright, which also rules out entity-expansion attacks.
 */

export interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlNode[];
}

export type XmlNode = XmlElement | { text: string };

export type XmlParse =
	| { ok: true; root: XmlElement }
	| { ok: false; error: string; line: number; column: number };

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

class XmlSyntaxError extends Error {
	constructor(
		message: string,
		readonly offset: number,
	) {
		super(message);
	}
}

class Reader {
	pos = 0;

	constructor(readonly src: string) {}

	get done(): boolean {
		return this.pos >= this.src.length;
	}

	startsWith(s: string): boolean {
		return this.src.startsWith(s, this.pos);
	}

	fail(message: string, at = this.pos): never {
		throw new XmlSyntaxError(message, at);
	}

	skipSpace(): boolean {
		const start = this.pos;
		while (!this.done && /\s/.test(this.src[this.pos])) this.pos++;
		return this.pos > start;
	}

	expect(s: string, what: string): void {
		if (!this.startsWith(s)) this.fail(`expected ${what}`);
		this.pos += s.length;
	}

	name(what: string): string {
		const start = this.pos;
		if (this.done || !NAME_START.test(this.src[this.pos])) this.fail(`expected ${what}`);
		this.pos++;
		while (!this.done && NAME_CHAR.test(this.src[this.pos])) this.pos++;
		return this.src.slice(start, this.pos);
	}

	/** Text up to `end`, which is consumed; `what` names the construct for the error. */
	until(end: string, what: string): string {
		const at = this.src.indexOf(end, this.pos);
		if (at < 0) this.fail(`${what} is never closed (missing "${end}")`);
		const text = this.src.slice(this.pos, at);
		this.pos = at + end.length;
		return text;
	}
}

/** Replaces entity and character references; an unknown or malformed one is an error at its offset. */
function decode(raw: string, offset: number): string {
	return raw.replace(/&([^;&\s<]*)(;?)/g, (_match, body: string, semi: string, index: number) => {
		const at = offset + index;
		if (!semi) throw new XmlSyntaxError('"&" must start an entity such as &amp; (write & as &amp;)', at);
		if (body in PREDEFINED) return PREDEFINED[body];
		const num = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(body);
		if (num) {
			const code = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
			if (code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0x10ffff && (code < 0xfffe || code > 0xffff))) {
				return String.fromCodePoint(code);
			}
			throw new XmlSyntaxError(`character reference &${body}; is not a valid XML character`, at);
		}
		throw new XmlSyntaxError(`unknown entity &${body}; (XML knows only &amp; &lt; &gt; &quot; &apos;)`, at);
	});
}

function comment(r: Reader): void {
	const start = r.pos;
	r.pos += 4;
	const body = r.until('-->', 'A comment');
	if (body.includes('--')) r.fail('"--" is not allowed inside a comment', start);
}

function misc(r: Reader): void {
	for (;;) {
		r.skipSpace();
		if (r.startsWith('<!--')) comment(r);
		else if (r.startsWith('<?')) {
			const at = r.pos;
			r.pos += 2;
			const target = r.name('a processing instruction name');
			if (target.toLowerCase() === 'xml') r.fail('the XML declaration is only allowed at the very start', at);
			r.until('?>', 'A processing instruction');
		} else if (r.startsWith('<!DOCTYPE')) r.fail('DOCTYPE declarations are not allowed in TwiML');
		else return;
	}
}

function attributes(r: Reader): Record<string, string> {
	const out: Record<string, string> = {};
	for (;;) {
		const spaced = r.skipSpace();
		if (r.done) r.fail('the document ends inside a tag');
		const c = r.src[r.pos];
		if (c === '>' || c === '/') return out;
		if (!spaced) r.fail('expected a space before the attribute');
		const at = r.pos;
		const name = r.name('an attribute name or the end of the tag');
		if (name in out) r.fail(`attribute "${name}" appears twice`, at);
		r.skipSpace();
		r.expect('=', `"=" after attribute "${name}"`);
		r.skipSpace();
		const quote = r.src[r.pos];
		if (quote !== '"' && quote !== "'") r.fail(`the value of attribute "${name}" must be in quotes`);
		r.pos++;
		const valueStart = r.pos;
		const raw = r.until(quote, `The value of attribute "${name}"`);
		const lt = raw.indexOf('<');
		if (lt >= 0) r.fail(`"<" is not allowed in attribute values (write &lt;)`, valueStart + lt);
		out[name] = decode(raw, valueStart);
	}
}

function element(r: Reader): XmlElement {
	r.expect('<', 'an element');
	const name = r.name('an element name');
	const node: XmlElement = { name, attributes: attributes(r), children: [] };
	if (r.startsWith('/>')) {
		r.pos += 2;
		return node;
	}
	r.expect('>', `">" to close the <${name}> tag`);
	for (;;) {
		if (r.done) r.fail(`<${name}> is never closed (missing </${name}>)`);
		const textStart = r.pos;
		const next = r.src.indexOf('<', r.pos);
		const end = next < 0 ? r.src.length : next;
		if (end > textStart) {
			const raw = r.src.slice(textStart, end);
			const bad = raw.indexOf(']]>');
			if (bad >= 0) r.fail('"]]>" is not allowed in text', textStart + bad);
			node.children.push({ text: decode(raw, textStart) });
			r.pos = end;
			continue;
		}
		if (r.startsWith('</')) {
			const at = r.pos;
			r.pos += 2;
			const closing = r.name('an element name after "</"');
			if (closing !== name) r.fail(`</${closing}> does not match the open <${name}>`, at);
			r.skipSpace();
			r.expect('>', `">" to end </${closing}>`);
			return node;
		}
		if (r.startsWith('<!--')) comment(r);
		else if (r.startsWith('<![CDATA[')) {
			r.pos += 9;
			node.children.push({ text: r.until(']]>', 'A CDATA section') });
		} else if (r.startsWith('<?')) {
			r.pos += 2;
			r.name('a processing instruction name');
			r.until('?>', 'A processing instruction');
		} else node.children.push(element(r));
	}
}

function position(src: string, offset: number): { line: number; column: number } {
	const before = src.slice(0, offset);
	const line = before.split('\n').length;
	return { line, column: offset - before.lastIndexOf('\n') };
}

export function parseXml(source: string): XmlParse {
	const src = source.replace(/^\uFEFF/, '');
	const r = new Reader(src);
	try {
		if (src.trim() === '') r.fail('the document is empty');
		if (r.startsWith('<?xml')) {
			r.pos += 5;
			if (!/\s/.test(src[r.pos] ?? '')) r.fail('malformed XML declaration');
			r.until('?>', 'The XML declaration');
		}
		misc(r);
		if (r.done) r.fail('there is no root element');
		if (r.src[r.pos] !== '<') r.fail('text is not allowed before the root element');
		const root = element(r);
		misc(r);
		if (!r.done) r.fail(r.src[r.pos] === '<' ? 'only one root element is allowed' : 'text is not allowed after the root element');
		return { ok: true, root };
	} catch (error) {
		if (!(error instanceof XmlSyntaxError)) throw error;
		return { ok: false, error: error.message, ...position(src, Math.min(error.offset, src.length)) };
	}
}

/** The concatenated text of an element and its descendants. */
export function textOf(node: XmlNode): string {
	return 'text' in node ? node.text : node.children.map(textOf).join('');
}
