import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { buildVoiceMessageTwiml, demoTwiml, type VoiceMessageTwiml } from '../../nodes/shared/twilio/twiml';
import { checkTwiml, TWIML_MAX_CHARACTERS } from '../../nodes/shared/validation/twiml';
import { describeCodePoint, findNonXmlChar, xmlTextProblem } from '../../nodes/shared/validation/xml';
import { readCallTwiml } from '../../sandbox/twilio/calls-twiml';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const base: VoiceMessageTwiml = { message: 'Disk full', voice: 'Polly.Joanna', loop: 1, pauseSeconds: 0 };

describe('buildVoiceMessageTwiml', () => {
	it('one <Say> with the voice; language only when set', () => {
		expect(buildVoiceMessageTwiml(base)).toBe(`${XML}<Response><Say voice="Polly.Joanna">Disk full</Say></Response>`);
		expect(buildVoiceMessageTwiml({ ...base, voice: 'alice', language: 'de-DE' })).toBe(
			`${XML}<Response><Say voice="alice" language="de-DE">Disk full</Say></Response>`,
		);
	});

	it('escapes <, & and keeps quotes as text, exactly as the SDK does (oracle)', () => {
		const message = `Server <db1> & "primary" isn't up`;
		const oracle = new VoiceResponse();
		oracle.say({ voice: 'alice' }, message);
		const ours = buildVoiceMessageTwiml({ ...base, voice: 'alice', message });
		expect(ours).toBe(oracle.toString());
		expect(ours).toContain('Server &lt;db1&gt; &amp; "primary" isn\'t up');
		// Read back by the sandbox's independent parser (xmldom), not by ours.
		expect(readCallTwiml(ours)).toMatchObject({ ok: true, heard: [{ verb: 'Say', text: message }] });
	});

	it('a message cannot inject verbs', () => {
		const ours = buildVoiceMessageTwiml({ ...base, message: '</Say><Dial>+15550000000</Dial><Say>' });
		const read = readCallTwiml(ours);
		expect(read.ok && read.heard.map((v) => v.verb)).toEqual(['Say']);
	});

	it('Loop without pause uses the loop attribute; with a pause it repeats with <Pause>', () => {
		expect(buildVoiceMessageTwiml({ ...base, loop: 3 })).toBe(`${XML}<Response><Say voice="Polly.Joanna" loop="3">Disk full</Say></Response>`);
		const oracle = new VoiceResponse();
		oracle.say({ voice: 'Polly.Joanna' }, 'Disk full');
		oracle.pause({ length: 2 });
		oracle.say({ voice: 'Polly.Joanna' }, 'Disk full');
		expect(buildVoiceMessageTwiml({ ...base, loop: 2, pauseSeconds: 2 })).toBe(oracle.toString());
	});

	it('<Play> before the speech, or instead of it', () => {
		const url = 'https://cdn.example.com/alert.mp3?v=1&x=2';
		expect(buildVoiceMessageTwiml({ ...base, audioUrl: url, audioPlacement: 'before' })).toBe(
			`${XML}<Response><Play>https://cdn.example.com/alert.mp3?v=1&amp;x=2</Play><Say voice="Polly.Joanna">Disk full</Say></Response>`,
		);
		expect(buildVoiceMessageTwiml({ ...base, message: '', audioUrl: url, audioPlacement: 'instead', loop: 2 })).toBe(
			`${XML}<Response><Play loop="2">https://cdn.example.com/alert.mp3?v=1&amp;x=2</Play></Response>`,
		);
		const both = buildVoiceMessageTwiml({ ...base, audioUrl: url, loop: 2 });
		expect(readCallTwiml(both)).toMatchObject({ ok: true, heard: [{ verb: 'Play' }, { verb: 'Say' }, { verb: 'Play' }, { verb: 'Say' }] });
	});

	it('acknowledge wraps the message in <Gather> with the prompt, matching the SDK oracle', () => {
		const oracle = new VoiceResponse();
		const g = oracle.gather({ input: ['dtmf'], numDigits: 1, timeout: 7, action: 'https://n8n.example/ack', method: 'POST', actionOnEmptyResult: false });
		g.say({ voice: 'Polly.Joanna' }, 'Disk full');
		g.say({ voice: 'Polly.Joanna' }, 'Press a key');
		expect(buildVoiceMessageTwiml({ ...base, acknowledge: { prompt: 'Press a key', action: 'https://n8n.example/ack', timeoutSeconds: 7 } })).toBe(oracle.toString());
	});

	it('the demo TwiML is valid TwiML', () => {
		expect(checkTwiml(demoTwiml())).toMatchObject({ ok: true });
	});
});

describe('checkTwiml', () => {
	it.each([
		['<Response/>'],
		['<?xml version="1.0"?>\n<!-- hi --><Response><Say loop=\'2\'>a &amp; b &#x263A; &#65; &#x1F600;</Say><Pause length="1"/></Response>\n'],
		['<Response><Say><![CDATA[<raw> & text &nbsp; &#11;]]></Say><!-- &nbsp; <!DOCTYPE --></Response>'],
		['\uFEFF<Response/>  <?pi x?> <!-- after --> '],
		['<Response><Say>tab\tnew\nline\r😀</Say></Response>'],
	])('accepts %s', (text) => {
		expect(checkTwiml(text)).toMatchObject({ ok: true });
	});

	it.each([
		['', /is empty/],
		['   ', /is empty/],
		['<Response><Say>Hi</Response>', /closing tag 'Say' .*instead of closing tag 'Response' \(line 1, column 18\)/],
		['<Response><Say>a & b</Say></Response>', /"&" must start an entity such as &amp; \(write & as &amp;\) \(line 1, column 18\)/],
		['<Response><Say>&nbsp;</Say></Response>', /unknown entity &nbsp; .*\(line 1, column 16\)/],
		['<Response><Say voice=alice>x</Say></Response>', /the value of attribute "voice" must be in quotes/],
		['<Response><Say a="1" a="2">x</Say></Response>', /Attribute 'a' is repeated/],
		['<Response>', /Unclosed tag 'Response'/],
		['<Response/><Response/>', /only one root element is allowed \(line 1, column 12\)/],
		['<Response></Response>\n<!-- c -->\n<Response/>', /only one root element is allowed \(line 3, column 1\)/],
		['hello', /text is not allowed before the root element \(line 1, column 1\)/],
		['<Response/>trailing', /text is not allowed after the root element \(line 1, column 12\)/],
		['<!DOCTYPE x [<!ENTITY a "b">]><Response/>', /DOCTYPE declarations are not allowed/],
		['<Say>Hello</Say>', /root element <Say>, but TwiML must have a <Response> root/],
		['<Response>\n  <Say>\n  </Sya>\n</Response>', /line 3, column 3/],
		['<Response>\n<Say>a\u000Bb</Say></Response>', /U\+000B \(a control character\) is not allowed in XML \(line 2, column 7\)/],
		['<Response><Say>\u0000</Say></Response>', /U\+0000 \(a control character\)/],
		['<Response><Say>\uD800x</Say></Response>', /U\+D800 \(half of a surrogate pair/],
		['<Response><Say>\uFFFE</Say></Response>', /U\+FFFE \(a noncharacter\)/],
		['<Response><Say a="\u001F">x</Say></Response>', /U\+001F/],
		['<Response><Say>&#11;</Say></Response>', /the character reference &#11; stands for U\+000B .*\(line 1, column 16\)/],
		['<Response><Say>&#xFFFF;</Say></Response>', /&#xFFFF; stands for U\+FFFF/],
		['<Response><Say>&#x110000;</Say></Response>', /&#x110000;/],
	])('rejects %j', (text, reason) => {
		const r = checkTwiml(text);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.message).toMatch(reason);
	});

	it('tells how to remove a character XML cannot carry, rather than how to fix markup', () => {
		expect(checkTwiml('<Response><Say>a\u000Bb</Say></Response>')).toMatchObject({ ok: false, fix: expect.stringMatching(/^Remove the character/) });
		expect(checkTwiml('<Response><Say>&#8;</Say></Response>')).toMatchObject({ ok: false, fix: expect.stringMatching(/^Remove the character/) });
		expect(checkTwiml('<Response><Say>&nbsp;</Say></Response>')).toMatchObject({ ok: false, fix: expect.stringMatching(/^Fix the XML/) });
	});

	it('rejects more than 4,000 characters with the length', () => {
		const text = `<Response><Say>${'a'.repeat(TWIML_MAX_CHARACTERS)}</Say></Response>`;
		const r = checkTwiml(text);
		expect(!r.ok && r.message).toMatch(/is 4,032 characters long; Twilio accepts at most 4,000/);
	});
});

describe('characters XML cannot carry', () => {
	// XML 1.0's Char production, written out by code point.
	const allowed = (code: number) => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;

	it('agrees with the SDK\'s XML builder on every BMP code unit', () => {
		const response = new VoiceResponse();
		const disagreements: Array<{ code: string; ours: boolean; sdk: boolean; xml: boolean }> = [];
		for (let code = 0; code <= 0xffff; code++) {
			const text = `a${String.fromCharCode(code)}b`;
			let sdk = true;
			try {
				response.say({}, text);
			} catch {
				sdk = false;
			}
			const ours = findNonXmlChar(text) === undefined;
			if (ours !== allowed(code) || sdk !== allowed(code)) disagreements.push({ code: code.toString(16), ours, sdk, xml: allowed(code) });
		}
		expect(disagreements).toEqual([]);
	});

	it('accepts a surrogate pair and finds the lone half after it, at its UTF-16 offset', () => {
		expect(findNonXmlChar('😀 ok')).toBeUndefined();
		expect(findNonXmlChar('😀\uDC00')).toEqual({ code: 0xdc00, index: 2 });
	});

	it('names the character by code point and where it is, counting characters as a person would', () => {
		expect(describeCodePoint(0x0b)).toBe('U+000B (a control character)');
		expect(xmlTextProblem('Disk full')).toBeUndefined();
		expect(xmlTextProblem('😀 Disk\u000Bfull')).toEqual({
			message: 'contains U+000B (a control character) at character 7, which TwiML (XML) cannot carry',
			fix: expect.stringMatching(/^Remove the character/),
		});
	});
});
