import { decodeXml, parseMessagingTwiml } from '../../sandbox/twilio/twiml';

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
		expect(decodeXml('&#x1F600; &#65; &lt;b&gt;')).toBe('😀 A <b>');
		expect(decodeXml('<![CDATA[a &amp; b]]>')).toBe('a &amp; b');
	});
});
