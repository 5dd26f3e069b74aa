import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { buildVoiceMessageTwiml, demoTwiml, type VoiceMessageTwiml } from '../../nodes/shared/twilio/twiml';
import { checkTwiml, TWIML_MAX_CHARACTERS } from '../../nodes/shared/validation/twiml';
import { parseXml, textOf } from '../../nodes/shared/validation/xml';
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
		const parsed = parseXml(ours);
		expect(parsed.ok && textOf(parsed.root)).toBe(message);
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

describe('checkTwiml and the strict XML reader', () => {
	it.each([
		['<Response/>'],
		['<?xml version="1.0"?>\n<!-- hi --><Response><Say loop=\'2\'>a &amp; b &#x263A; &#65;</Say><Pause length="1"/></Response>\n'],
		['<Response><Say><![CDATA[<raw> & text]]></Say></Response>'],
	])('accepts %s', (text) => {
		expect(checkTwiml(text)).toMatchObject({ ok: true });
	});

	it.each([
		['', /is empty/],
		['   ', /is empty/],
		['<Response><Say>Hi</Response>', /<\/Response> does not match the open <Say>.*line 1, column 18/],
		['<Response><Say>a & b</Say></Response>', /"&" must start an entity/],
		['<Response><Say>&nbsp;</Say></Response>', /unknown entity &nbsp;/],
		['<Response><Say voice=alice>x</Say></Response>', /must be in quotes/],
		['<Response><Say a="1" a="2">x</Say></Response>', /appears twice/],
		['<Response>', /never closed/],
		['<Response/><Response/>', /only one root element/],
		['hello', /text is not allowed before the root/],
		['<Response/>trailing', /text is not allowed after the root/],
		['<!DOCTYPE x [<!ENTITY a "b">]><Response/>', /DOCTYPE/],
		['<Response><!-- a -- b --></Response>', /"--" is not allowed/],
		['<Say>Hello</Say>', /root element <Say>, but TwiML must have a <Response> root/],
		['<Response>\n  <Say>\n  </Sya>\n</Response>', /line 3, column 3/],
	])('rejects %j', (text, reason) => {
		const r = checkTwiml(text);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.message).toMatch(reason);
	});

	it('rejects more than 4,000 characters with the length', () => {
		const text = `<Response><Say>${'a'.repeat(TWIML_MAX_CHARACTERS)}</Say></Response>`;
		const r = checkTwiml(text);
		expect(!r.ok && r.message).toMatch(/is 4,032 characters long; Twilio accepts at most 4,000/);
	});
});
