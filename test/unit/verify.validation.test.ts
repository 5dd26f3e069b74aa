import { NodeOperationError, type INode } from 'n8n-workflow';
import { parseInput } from '../../nodes/shared/validation/errors';
import { checkCodeSchema, codeProblem, sendCodeSchema, VERIFY_LABELS, type CheckCodeInput, type SendCodeInput } from '../../nodes/shared/validation/verify';
import { isFinalTwilioResponse } from '../../nodes/shared/twilio/transport';

const node: INode = { id: '1', name: 'Verify Phone', type: 'CUSTOM.verifyPhone', typeVersion: 1, position: [0, 0], parameters: {} };
const SERVICE = 'VA5a4db0c5e10000000000000000000001';
const VERIFICATION = 'VE0123456789abcdef0123456789abcdef';
const TO = '+15555550123';

const send = (input: SendCodeInput) =>
	parseInput(sendCodeSchema, { serviceSid: SERVICE, channel: 'sms', to: TO, ...input }, { node, itemIndex: 3, labels: VERIFY_LABELS });
const check = (input: CheckCodeInput) =>
	parseInput(checkCodeSchema, { serviceSid: SERVICE, checkBy: 'to', to: TO, code: '123456', ...input }, { node, itemIndex: 0, labels: VERIFY_LABELS });
const failure = (fn: () => unknown): NodeOperationError => {
	try {
		fn();
	} catch (e) {
		return e as NodeOperationError;
	}
	throw new Error('expected a validation error');
};

describe('Send Code input', () => {
	it('builds the SDK params, normalizing numbers and dropping empty options', () => {
		expect(send({ to: '+1 (555) 555-0123', locale: '', customFriendlyName: '  ' })).toEqual({ serviceSid: SERVICE, params: { to: TO, channel: 'sms' } });
		expect(send({ channel: 'call', locale: 'pt-BR', customFriendlyName: 'Acme Shop' }).params).toEqual({ to: TO, channel: 'call', locale: 'pt-BR', customFriendlyName: 'Acme Shop' });
		expect(send({ channel: 'whatsapp', to: 'WhatsApp:+1 555 555 0123' }).params).toEqual({ to: TO, channel: 'whatsapp' });
		expect(send({ channel: 'email', to: 'Ada <ada@example.com>' }).params).toEqual({ to: 'ada@example.com', channel: 'email' });
	});

	it('checks To against the channel', () => {
		expect(failure(() => send({ channel: 'email', to: TO })).message).toBe(`Invalid To "${TO}" in item 3: not an email address, which the email channel needs`);
		expect(failure(() => send({ channel: 'call', to: 'ada@example.com' })).message).toBe('Invalid To "ada@example.com" in item 3: is an email address, but the call channel needs a phone number');
		expect(failure(() => send({ to: '0044 20 7946 0000' })).message).toBe('Invalid To "0044 20 7946 0000" in item 3: not a phone number in E.164 format (it starts with 00; write + instead)');
		const missing = failure(() => send({ to: '' }));
		expect(missing.message).toBe('Missing To in item 3: a phone number is required');
		expect(failure(() => send({ channel: 'email', to: ' ' })).message).toBe('Missing To in item 3: an email address is required');
	});

	it('rejects unknown channels, bad locales and long friendly names, all at once', () => {
		const e = failure(() => send({ channel: 'pigeon', locale: 'english', customFriendlyName: 'x'.repeat(31) }));
		expect(e.message).toBe('Invalid Channel "pigeon" in item 3: must be one of sms, call, email, whatsapp');
		expect(e.description).toContain('- Invalid Locale "english": not a language code.');
		expect(e.description).toContain(`- Invalid Custom Friendly Name "${'x'.repeat(31)}": too long (at most 30 characters)`);
	});

	it('needs a Verify Service SID (VA…), from the node or the credential', () => {
		const missing = failure(() => send({ serviceSid: '' }));
		expect(missing.message).toBe('Missing Verify Service in item 3: no Verify Service is selected and the Twilio credential has no Default Verify Service SID');
		expect(missing.description).toMatch(/^Pick a Verify Service from the list/);
		expect(failure(() => send({ serviceSid: 'MG5a4db0c5360000000000000000000001' })).message).toBe(
			'Invalid Verify Service "MG5a4db0c5360000000000000000000001" in item 3: is a Messaging Service SID (MG…), not a Verify Service SID (VA…)',
		);
		expect(failure(() => send({ serviceSid: `VA${'g'.repeat(32)}` })).message).toMatch(/not a Verify Service SID \(VA followed by 32 hexadecimal characters\)$/);
		expect(send({ serviceSid: ` ${SERVICE} ` }).serviceSid).toBe(SERVICE);
	});
});

describe('Check Code input', () => {
	it('checks by To (phone or email) or by Verification SID', () => {
		expect(check({})).toEqual({ serviceSid: SERVICE, params: { code: '123456', to: TO } });
		expect(check({ to: 'ada@example.com' }).params).toEqual({ code: '123456', to: 'ada@example.com' });
		expect(check({ checkBy: 'verificationSid', verificationSid: VERIFICATION, to: 'ignored' }).params).toEqual({ code: '123456', verificationSid: VERIFICATION });
	});

	it('accepts 4 to 10 digits, as text or number, with spaces or dashes', () => {
		expect(check({ code: '1234' }).params.code).toBe('1234');
		expect(check({ code: '0123456789' }).params.code).toBe('0123456789');
		expect(check({ code: 123456 }).params.code).toBe('123456');
		expect(check({ code: ' 123 456 ' }).params.code).toBe('123456');
		expect(check({ code: '123-456' }).params.code).toBe('123456');
	});

	it.each([
		['123', 'has 3 digits; verification codes have 4 to 10'],
		['12345678901', 'has 11 digits; verification codes have 4 to 10'],
		['12a456', 'contains characters other than digits'],
		['１２３４５６', 'contains characters other than digits'],
	])('rejects the code %j', (code, reason) => {
		const e = failure(() => check({ code }));
		expect(e.message).toBe(`Invalid Code ${JSON.stringify(code)} in item 0: ${reason}`);
		expect(e.description).toMatch(/4 to 10 digits/);
		expect(codeProblem(code)).toBe(reason);
	});

	it('reports a missing code, To or Verification SID, and a malformed SID', () => {
		expect(failure(() => check({ code: '' })).message).toBe('Missing Code in item 0: the code the user received is required');
		expect(failure(() => check({ to: '' })).message).toBe('Missing To in item 0: the phone number or email address the code was sent to is required');
		expect(failure(() => check({ checkBy: 'verificationSid', verificationSid: '' })).message).toBe(
			'Missing Verification SID in item 0: the Verification SID is required when checking by SID',
		);
		expect(failure(() => check({ checkBy: 'verificationSid', verificationSid: 'CA0123456789abcdef0123456789abcdef' })).message).toBe(
			'Invalid Verification SID "CA0123456789abcdef0123456789abcdef" in item 0: is a Call SID (CA…), not a Verification SID (VE…)',
		);
		expect(failure(() => check({ checkBy: 'verificationSid', verificationSid: 'VE123' })).message).toBe(
			'Invalid Verification SID "VE123" in item 0: not a Verification SID (VE followed by 32 hexadecimal characters)',
		);
		expect(failure(() => check({ to: 'ada@' })).message).toBe('Invalid To "ada@" in item 0: not an email address, which the email channel needs');
	});
});

describe('Twilio 429s that must not be retried', () => {
	const answer = (status: number, code?: number) => ({ status, body: JSON.stringify({ code, status }) });

	it('treats the Verify attempt limits as final, and real rate limits as retryable', () => {
		expect(isFinalTwilioResponse(answer(429, 60202))).toBe(true);
		expect(isFinalTwilioResponse(answer(429, 60203))).toBe(true);
		expect(isFinalTwilioResponse(answer(429, 20429))).toBe(false);
		expect(isFinalTwilioResponse(answer(429))).toBe(false);
		expect(isFinalTwilioResponse({ status: 429, body: 'Too Many Requests' })).toBe(false);
		expect(isFinalTwilioResponse(answer(400, 60202))).toBe(false);
	});
});
