/**
 * Inline TwiML as Twilio's Calls API accepts it: well-formed XML, a <Response> root, and at most
 * 4,000 characters (Twilio's error 32018). Checked before sending, because Twilio reports a broken
 * document only when the call is answered, and then the callee hears "an application error".
 */
import { z } from 'zod';
import { addProblem } from './issues';
import { checkXml, NON_XML_CHARACTER_FIX } from './xml';

export const TWIML_MAX_CHARACTERS = 4000;

export type TwimlCheck = { ok: true } | { ok: false; message: string; fix: string };

export function checkTwiml(text: string): TwimlCheck {
	if (text.trim() === '') {
		return { ok: false, message: 'is empty', fix: 'Enter TwiML such as <Response><Say>Hello</Say></Response>' };
	}
	if (text.length > TWIML_MAX_CHARACTERS) {
		return {
			ok: false,
			message: `is ${text.length.toLocaleString('en-US')} characters long; Twilio accepts at most 4,000 characters of inline TwiML`,
			fix: 'Shorten it, or host the TwiML at a URL (a TwiML Bin or a webhook) and use "TwiML URL" instead',
		};
	}
	const parsed = checkXml(text);
	if (!parsed.ok) {
		return {
			ok: false,
			message: `is not well-formed XML: ${parsed.error} (line ${parsed.line}, column ${parsed.column})`,
			fix: parsed.character ? NON_XML_CHARACTER_FIX : 'Fix the XML; every tag must be closed, attribute values quoted, and & written as &amp;',
		};
	}
	if (parsed.root !== 'Response') {
		return {
			ok: false,
			message: `has the root element <${parsed.root}>, but TwiML must have a <Response> root`,
			fix: 'Wrap the verbs in <Response>…</Response>',
		};
	}
	return { ok: true };
}

/** A TwiML document, returned trimmed and otherwise as typed. */
export const twimlDocument = z.string().transform((raw, ctx) => {
	const text = raw.trim();
	const check = checkTwiml(text);
	if (check.ok) return text;
	addProblem(ctx, { message: check.message, fix: check.fix });
	return z.NEVER;
});
