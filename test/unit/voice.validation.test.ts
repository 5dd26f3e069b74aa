import { NodeOperationError, type INode } from 'n8n-workflow';
import { CALL_LABELS, outboundCallSchema, voiceMessageSchema, type OutboundCallInput, type VoiceMessageInput } from '../../nodes/shared/validation/call';
import { parseInput } from '../../nodes/shared/validation/errors';
import { voiceInfo } from '../../nodes/shared/twilio/voices';

const node: INode = { id: '1', name: 'Voice Message', type: 'CUSTOM.voiceMessage', typeVersion: 1, position: [0, 0], parameters: {} };
const TO = '+15555550123';
const FROM = '+15005550006';

const voice = (input: Partial<VoiceMessageInput>) =>
	parseInput(voiceMessageSchema, { to: TO, from: FROM, message: 'Disk full', voice: 'Polly.Joanna', ...input }, { node, itemIndex: 2, labels: CALL_LABELS });
const call = (input: Partial<OutboundCallInput>) =>
	parseInput(outboundCallSchema, { to: TO, from: FROM, instructions: 'demo', ...input }, { node, itemIndex: 0, labels: CALL_LABELS });
const failure = (fn: () => unknown): NodeOperationError => {
	try {
		fn();
	} catch (e) {
		return e as NodeOperationError;
	}
	throw new Error('expected a validation error');
};

describe('voice catalogue', () => {
	it('knows basic, Polly and Google voices with their languages', () => {
		expect(voiceInfo('alice')?.languages).toContain('ja-JP');
		expect(voiceInfo('man')?.languages).toEqual(['en-US', 'en-GB', 'es-ES', 'fr-FR', 'de-DE']);
		expect(voiceInfo('Polly.Amy-Neural')).toEqual({ voice: 'Polly.Amy-Neural', family: 'polly', languages: ['en-GB'] });
		expect(voiceInfo('Google.de-DE-Chirp3-HD-Kore')?.languages).toEqual(['de-DE']);
		expect(voiceInfo('Polly.Nobody')).toBeUndefined();
		expect(voiceInfo('Google.en-US')).toBeUndefined();
	});
});

describe('Voice Message input', () => {
	it('builds the call with inline TwiML and normalized numbers', () => {
		const r = voice({ to: '+1 (555) 555-0123', options: undefined } as never);
		expect(r.params).toEqual({ to: TO, from: FROM, twiml: r.twiml });
		expect(r.twiml).toContain('<Say voice="Polly.Joanna">Disk full</Say>');
	});

	it('passes every call option through', () => {
		const r = voice({
			statusCallback: 'https://n8n.example/status',
			statusCallbackEvents: ['answered', 'completed'],
			timeout: '30',
			record: true,
			machineDetection: 'DetectMessageEnd',
			machineDetectionTimeout: 20,
		});
		expect(r.params).toMatchObject({
			statusCallback: 'https://n8n.example/status',
			statusCallbackEvent: ['answered', 'completed'],
			statusCallbackMethod: 'POST',
			timeout: 30,
			record: true,
			machineDetection: 'DetectMessageEnd',
			machineDetectionTimeout: 20,
		});
	});

	it('acknowledge sends the digit to the Acknowledge URL, or else the Status Callback', () => {
		expect(voice({ acknowledge: true, acknowledgeUrl: 'https://n8n.example/ack' }).twiml).toContain('action="https://n8n.example/ack"');
		expect(voice({ acknowledge: true, statusCallback: 'https://n8n.example/s' }).twiml).toContain('<Gather input="dtmf" numDigits="1" timeout="5" action="https://n8n.example/s"');
		expect(failure(() => voice({ acknowledge: true })).message).toMatch(/Missing Acknowledge URL in item 2: a URL to receive the key press/);
	});

	it.each([
		[{ voice: 'Polly.Nobody' }, /Invalid Voice "Polly.Nobody" in item 2: is not a voice Twilio offers/],
		[{ voice: 'Polly.Hans', language: 'fr-FR' }, /Invalid Language "fr-FR" in item 2: is not spoken by the voice Polly.Hans \(it speaks de-DE\)/],
		[{ voice: 'man', language: 'ja-JP' }, /is not spoken by the voice man/],
		[{ loop: 0 }, /Invalid Loop 0 in item 2: out of range \(1 to 10\)/],
		[{ loop: 11 }, /Invalid Loop 11/],
		[{ pauseSeconds: -1 }, /Invalid Pause Between Loops/],
		[{ to: '0044 20' }, /Invalid To "0044 20"/],
		[{ to: '' }, /Missing To in item 2/],
		[{ from: 'abc' }, /Invalid From "abc"/],
		[{ from: '' }, /Missing From in item 2: a caller number is required/],
		[{ message: '  ' }, /Missing Message in item 2/],
		[{ audioUrl: 'ftp://x/a.mp3' }, /Invalid Audio URL "ftp:\/\/x\/a.mp3" in item 2: uses ftp/],
		[{ timeout: 601 }, /Invalid Timeout 601/],
		[{ timeout: 0 }, /Invalid Timeout 0/],
		[{ machineDetection: 'Sometimes' }, /Invalid Machine Detection "Sometimes"/],
		[{ statusCallbackEvents: ['answered'] }, /Invalid Status Callback Events .* no Status Callback URL/],
		[{ statusCallback: 'https://a.example/s', statusCallbackEvents: ['hangup'] }, /unknown event "hangup"/],
		[{ message: 'x'.repeat(3990) }, /Invalid Message .* are \d,\d{3} characters long; Twilio accepts at most 4,000/],
		[{ message: 'x'.repeat(500), loop: 10, pauseSeconds: 1 }, /are 5,550 characters long/],
	])('%j is refused with a clear error', (input, message) => {
		const error = failure(() => voice(input as Partial<VoiceMessageInput>));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(2);
	});

	it('a TwiML too long because of Loop and Pause suggests dropping the pause', () => {
		expect(failure(() => voice({ message: 'x'.repeat(500), loop: 10, pauseSeconds: 1 })).description).toMatch(/Pause Between Loops to 0/);
	});

	it('speech is optional when audio plays instead; a long message fits with loop and no pause', () => {
		expect(voice({ message: '', audioUrl: 'https://x.example/a.mp3', audioPlacement: 'instead' }).twiml).toContain('<Play>https://x.example/a.mp3</Play>');
		expect(voice({ message: 'x'.repeat(500), loop: 10, pauseSeconds: 0 }).twiml).toContain('loop="10"');
	});

	const ACK = { acknowledge: true, acknowledgeUrl: 'https://n8n.example/ack' };
	it.each([
		['Message', { message: 'Disk\u000Bfull' }, 5],
		['Message', { message: 'Disk full\u0000' }, 10],
		['Message', { message: '😀\uFFFE' }, 2],
		['Audio URL', { audioUrl: 'https://x.example/a\u0001.mp3' }, 20],
		['Acknowledge Prompt', { ...ACK, acknowledgePrompt: 'Press\u001Fa key' }, 6],
		['Acknowledge URL', { ...ACK, acknowledgeUrl: 'https://n8n.example/a\u0008ck' }, 22],
		['Status Callback URL', { acknowledge: true, statusCallback: 'https://n8n.example/s\u000Ct' }, 22],
	])('a character XML cannot carry in %s is a validation error naming field, code point and item', (label, input, at) => {
		const error = failure(() => voice(input));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.context.itemIndex).toBe(2);
		expect(error.message).toMatch(new RegExp(`^Invalid ${label} ".*" in item 2: contains U\\+[0-9A-F]{4} \\(.*\\) at character ${at}, which TwiML \\(XML\\) cannot carry$`));
		expect(error.description).toMatch(/^Remove the character/);
		// The raw character never reaches the message: JSON quoting escapes controls, the code point names the rest.
		expect(error.message).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE]/);
	});

	it('a lone surrogate is named by its code point', () => {
		expect(failure(() => voice({ message: 'a\uD83Db' })).message).toMatch(/contains U\+D83D \(half of a surrogate pair, without its other half\) at character 2/);
	});

	it('text that stays out of the TwiML is not checked: the message when audio plays instead', () => {
		expect(voice({ message: 'x\u000B', audioUrl: 'https://x.example/a.mp3', audioPlacement: 'instead' }).twiml).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Play>https://x.example/a.mp3</Play></Response>',
		);
	});

	// Whatever a field holds, the outcome is a call or a NodeOperationError, never the SDK's raw throw.
	it.each(['\u0000', '\u000B', '\uD800', '\uFFFF'])('every text field with %j fails as a validation error, if at all', (bad) => {
		const fields = ['to', 'from', 'message', 'voice', 'language', 'audioUrl', 'acknowledgePrompt', 'acknowledgeUrl', 'statusCallback', 'sendDigits', 'callerId'] as const;
		const base: Partial<VoiceMessageInput> = { ...ACK, audioUrl: 'https://x.example/a.mp3', statusCallback: 'https://n8n.example/s', language: 'en-US' };
		for (const field of fields) {
			for (const value of [`${bad}x`, `a${bad}b`, `x${bad}`]) {
				const input = { ...base, [field]: `${base[field] ?? 'Disk full'}${value}` };
				try {
					voice(input);
				} catch (error) {
					expect({ field, value, type: (error as Error).constructor.name }).toEqual({ field, value, type: 'NodeOperationError' });
				}
			}
		}
	});

	it('reports every problem of the item at once', () => {
		const e = failure(() => voice({ to: 'nope', loop: 99, voice: 'robot' }));
		expect(e.description).toMatch(/Other problems in this item:\n- Invalid Voice "robot".*\n- Invalid Loop 99/s);
	});
});

describe('Outbound Call input', () => {
	it('demo is the default and sends built-in TwiML', () => {
		const r = call({});
		expect(r.params.twiml).toContain('test call from your n8n workflow');
		expect(r.twiml).toBe(r.params.twiml);
	});

	it('URL with method, inline TwiML, and an Application SID', () => {
		expect(call({ instructions: 'url', url: 'https://x.example/t', method: 'get' }).params).toMatchObject({ url: 'https://x.example/t', method: 'GET' });
		expect(call({ instructions: 'twiml', twiml: ' <Response><Hangup/></Response> ' })).toMatchObject({ twiml: '<Response><Hangup/></Response>' });
		const ap = `AP${'a'.repeat(32)}`;
		expect(call({ instructions: 'application', applicationSid: ap }).params).toEqual({ to: TO, from: FROM, applicationSid: ap });
	});

	it('send digits, caller ID, recording callback', () => {
		expect(call({ sendDigits: 'ww1234#', callerId: '+15555550100', record: true, recordingStatusCallback: 'https://x.example/r' }).params).toMatchObject({
			sendDigits: 'ww1234#',
			callerId: '+15555550100',
			record: true,
			recordingStatusCallback: 'https://x.example/r',
		});
	});

	it.each([
		[{ instructions: 'twiml', twiml: '' }, /Missing TwiML in item 0: is empty/, /Enter TwiML/],
		[{ instructions: 'twiml', twiml: '<Response><Say>x</Response>' }, /TwiML .*is not well-formed XML: Expected closing tag 'Say' .*instead of closing tag 'Response' \(line 1, column 17\)/, /every tag must be closed/],
		[{ instructions: 'twiml', twiml: '<Response>\n<Say>Disk\u000Bfull</Say></Response>' }, /Invalid TwiML ".*\\u000b.*" in item 0: is not well-formed XML: U\+000B \(a control character\) is not allowed in XML \(line 2, column 10\)/, /^Remove the character/],
		[{ instructions: 'twiml', twiml: '<Response><Say>&#x1B;</Say></Response>' }, /&#x1B; stands for U\+001B/, /^Remove the character/],
		[{ sendDigits: '1\u000B2' }, /Invalid Send Digits "1\\u000b2" in item 0: contains characters other than/, /./],
		[{ instructions: 'twiml', twiml: '<Say>x</Say>' }, /TwiML must have a <Response> root/, /./],
		[{ instructions: 'twiml', twiml: `<Response><Say>${'a'.repeat(4000)}</Say></Response>` }, /at most 4,000/, /TwiML URL/],
		[{ instructions: 'url', url: 'file:///etc/passwd' }, /Invalid TwiML URL "file:\/\/\/etc\/passwd" in item 0: uses file/, /./],
		[{ instructions: 'url', url: '' }, /Missing TwiML URL/, /./],
		[{ instructions: 'url', url: 'https://x.example/t', method: 'PUT' }, /Invalid Method "PUT"/, /./],
		[{ instructions: 'application', applicationSid: 'MG123' }, /Invalid Application SID "MG123"/, /AP/],
		[{ sendDigits: '12x' }, /Invalid Send Digits "12x"/, /./],
		[{ sendDigits: '1'.repeat(33) }, /has more than 32 keys/, /./],
		[{ machineDetection: 'Enable', machineDetectionTimeout: 2 }, /Invalid Machine Detection Timeout 2/, /./],
		[{ recordingStatusCallback: 'https://x.example/r' }, /not recorded/, /./],
		[{ callerId: 'abc' }, /Invalid Caller ID "abc"/, /./],
	])('%j is refused', (input, message, fix) => {
		const error = failure(() => call(input as Partial<OutboundCallInput>));
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(fix);
	});
});
