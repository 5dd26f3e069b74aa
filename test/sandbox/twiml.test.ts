import { readCallTwiml } from '../../sandbox/twilio/calls-twiml';
import { parseMessagingTwiml } from '../../sandbox/twilio/twiml';

describe('sandbox TwiML reader', () => {
	it('reads plain and noun-style <Message> verbs with attributes and entities', () => {
		const r = parseMessagingTwiml(
			'<?xml version="1.0" encoding="UTF-8"?>\n<Response><!-- hi --><Message>Fish &amp; chips</Message>' +
				'<Message to="+15555550124" from="+15555550100" action="/status"><Body>Two</Body><Media>https://e.com/a.png</Media></Message></Response>',
		);
		expect(r).toEqual({
			ok: true,
			messages: [
				{ body: 'Fish & chips', media: [], to: undefined, from: undefined, action: undefined },
				{ body: 'Two', media: ['https://e.com/a.png'], to: '+15555550124', from: '+15555550100', action: '/status' },
			],
		});
	});

	it('accepts empty responses and rejects documents without a Response root', () => {
		expect(parseMessagingTwiml('<Response/>')).toEqual({ ok: true, messages: [] });
		expect(parseMessagingTwiml('<Response></Response>')).toEqual({ ok: true, messages: [] });
		expect(parseMessagingTwiml('hello')).toMatchObject({ ok: false });
		expect(parseMessagingTwiml('<Foo><Message>x</Message></Foo>')).toMatchObject({ ok: false });
	});

	it('decodes numeric entities and keeps CDATA literal', () => {
		const read = (inner: string) => parseMessagingTwiml(`<Response><Message>${inner}</Message></Response>`);
		expect(read('&#x1F600; &#65; &lt;b&gt;')).toEqual({ ok: true, messages: [expect.objectContaining({ body: '😀 A <b>' })] });
		expect(read('<![CDATA[a &amp; b]]>')).toEqual({ ok: true, messages: [expect.objectContaining({ body: 'a &amp; b' })] });
	});

	// Twilio's parser is strict; the sandbox must not accept what Twilio would answer with 12100.
	it.each([
		['<Response><Message>a</Response>', /line 1/],
		['<Response><Message voice=x>a</Message></Response>', /./],
		['<Response><Message>&nbsp;</Message></Response>', /nbsp/],
		['<Response/><Response/>', /./],
		['<Response><Message>a\u000Bb</Message></Response>', /characters outside the XML Char production/],
		['<Response><Message>&#11;</Message></Response>', /characters outside the XML Char production/],
	])('rejects the broken document %j', (text, reason) => {
		const r = parseMessagingTwiml(text);
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Document parse failure: /) });
		expect(!r.ok && r.error).toMatch(reason);
		expect(readCallTwiml(text)).toMatchObject({ ok: false, error: expect.stringMatching(reason) });
	});

	it('reads call verbs with their attributes, nested under <Gather>', () => {
		const text =
			'<Response><Gather action="https://x/ack" numDigits="1"><Say voice="alice" loop="2">Hi &amp; bye</Say></Gather>' +
			'<Play>https://a/b.mp3?x=1&amp;y=2</Play><Pause length="3"/><Hangup reason="done"/></Response>';
		expect(readCallTwiml(text)).toEqual({
			ok: true,
			heard: [
				{ verb: 'Gather', action: 'https://x/ack', numDigits: 1, timeout: null, children: [{ verb: 'Say', text: 'Hi & bye', voice: 'alice', language: null, loop: 2 }] },
				{ verb: 'Play', url: 'https://a/b.mp3?x=1&y=2', loop: 1 },
				{ verb: 'Pause', length: 3 },
				{ verb: 'Hangup', attributes: { reason: 'done' } },
			],
		});
		expect(readCallTwiml('<Say>x</Say>')).toEqual({ ok: false, error: '12100 Document parse failure: root element is <Say>, not <Response>' });
	});
});
