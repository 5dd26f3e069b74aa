import { NodeOperationError, type INode } from 'n8n-workflow';
import { parseSendSmsInput, sendSmsSchema, type SendSmsInput } from '../../nodes/shared/validation';

const node: INode = {
	id: 'n1',
	name: 'Send SMS',
	type: 'n8n-nodes-comms.sendSms',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const NOW = new Date('2026-11-21T12:00:00Z');
const MG = `MG${'0123456789abcdef'.repeat(2)}`;
const HX = `HX${'fedcba9876543210'.repeat(2)}`;
const base: SendSmsInput = { channel: 'sms', to: '+14155550123', from: '+14155550100', body: 'Hello', now: NOW };

function minutesFromNow(minutes: number): string {
	return new Date(NOW.getTime() + minutes * 60_000).toISOString();
}

function ok(overrides: Partial<SendSmsInput> & Record<string, unknown>) {
	return parseSendSmsInput({ ...base, ...overrides }, { node, itemIndex: 0 });
}

function fail(overrides: Partial<SendSmsInput> & Record<string, unknown>, itemIndex = 2): NodeOperationError {
	try {
		parseSendSmsInput({ ...base, ...overrides }, { node, itemIndex });
	} catch (error) {
		expect(error).toBeInstanceOf(NodeOperationError);
		const e = error as NodeOperationError;
		expect(e.context.itemIndex).toBe(itemIndex);
		expect(e.message).toContain(`in item ${itemIndex}:`);
		expect(e.description).toBeTruthy();
		return e;
	}
	throw new Error(`expected ${JSON.stringify(overrides)} to fail`);
}

/** Asserts the message names the field by label and quotes the value (or says Missing). */
function expectField(error: NodeOperationError, label: string, value: unknown, reason?: RegExp) {
	const head = value === undefined ? `Missing ${label} in item` : `Invalid ${label} ${JSON.stringify(value)} in item`;
	expect(error.message.startsWith(head)).toBe(true);
	if (reason) expect(error.message).toMatch(reason);
}

describe('Send SMS input: To and From', () => {
	it('builds the SDK params for a plain SMS', () => {
		expect(ok({})).toEqual({ to: '+14155550123', from: '+14155550100', body: 'Hello' });
	});

	it('normalizes human-formatted numbers', () => {
		expect(ok({ to: '+1 (415) 555-0123', from: '+44 20 7946 0958' })).toMatchObject({
			to: '+14155550123',
			from: '+442079460958',
		});
	});

	it('requires To', () => {
		for (const to of [undefined, '', '   ']) {
			const error = fail({ to });
			expectField(error, 'To', undefined, /a recipient is required/);
		}
	});

	it('rejects a To that is not E.164, with the fix', () => {
		const error = fail({ to: '12345' }, 3);
		expect(error.message).toBe(
			'Invalid To "12345" in item 3: not a phone number in E.164 format (the leading + and country code are missing)',
		);
		expect(error.description).toBe('Use the international format with a leading + and country code, e.g. +14155550123');
		expectField(fail({ to: '+0123456789' }), 'To', '+0123456789', /never start with 0/);
	});

	it('explains a number given as a number', () => {
		expectField(fail({ to: 14155550123 as unknown as string }), 'To', 14155550123, /leading \+ and country code/);
	});

	it('accepts an alphanumeric sender ID or a short code as From on SMS', () => {
		expect(ok({ from: 'Acme Alerts' }).from).toBe('Acme Alerts');
		expect(ok({ from: '12345' }).from).toBe('12345');
	});

	it('rejects a bad From', () => {
		expectField(fail({ from: 'Acme Alerts Inc' }), 'From', 'Acme Alerts Inc', /alphanumeric sender ID \(1 to 11/);
		expectField(fail({ from: 'Acme-Alerts' }), 'From', 'Acme-Alerts', /not a phone number, short code or alphanumeric/);
		expectField(fail({ from: '4155550100' }), 'From', '4155550100', /leading \+ and country code/);
		expectField(fail({ from: '+1 415 555' }), 'From', '+1 415 555', /7 digits/);
	});

	it('needs From or a Messaging Service SID, and keeps both when both are given', () => {
		const error = fail({ from: '' });
		expectField(error, 'From', undefined, /a sender is required/);
		expect(error.description).toMatch(/Messaging Service SID/);
		expect(ok({ from: undefined, messagingServiceSid: MG })).toEqual({ to: '+14155550123', messagingServiceSid: MG, body: 'Hello' });
		expect(ok({ messagingServiceSid: MG })).toMatchObject({ from: '+14155550100', messagingServiceSid: MG });
	});

	it('checks the Messaging Service SID', () => {
		expectField(fail({ messagingServiceSid: 'MG123' }), 'Messaging Service SID', 'MG123', /MG followed by 32 hexadecimal/);
		const pn = `PN${'a'.repeat(32)}`;
		expectField(fail({ messagingServiceSid: pn }), 'Messaging Service SID', pn, /is a Phone Number SID/);
	});
});

describe('Send SMS input: WhatsApp', () => {
	it('adds the whatsapp: prefix on the WhatsApp channel', () => {
		expect(ok({ channel: 'whatsapp', to: '+1 415 555 0123' })).toMatchObject({
			to: 'whatsapp:+14155550123',
			from: 'whatsapp:+14155550100',
		});
	});

	it('keeps existing prefixes on the WhatsApp channel without doubling them', () => {
		expect(ok({ channel: 'whatsapp', to: 'whatsapp:+14155550123', from: 'WhatsApp:+14155550100' })).toMatchObject({
			to: 'whatsapp:+14155550123',
			from: 'whatsapp:+14155550100',
		});
	});

	it('sends WhatsApp through a Messaging Service without From', () => {
		expect(ok({ channel: 'whatsapp', from: '', messagingServiceSid: MG })).toEqual({
			to: 'whatsapp:+14155550123',
			messagingServiceSid: MG,
			body: 'Hello',
		});
	});

	it('refuses alphanumeric senders and short codes for WhatsApp', () => {
		expectField(fail({ channel: 'whatsapp', from: 'Acme' }), 'From', 'Acme', /alphanumeric sender IDs cannot send WhatsApp/);
		expectField(fail({ channel: 'whatsapp', from: '12345' }), 'From', '12345', /short codes cannot send WhatsApp/);
		expectField(fail({ to: 'whatsapp:+14155550123', from: 'Acme' }), 'From', 'Acme', /cannot send WhatsApp/);
	});

	it('on the SMS channel accepts whatsapp: only when both ends have it', () => {
		expect(ok({ to: 'whatsapp:+14155550123', from: 'whatsapp:+14155550100' })).toMatchObject({
			to: 'whatsapp:+14155550123',
			from: 'whatsapp:+14155550100',
		});
		expect(ok({ to: 'whatsapp:+14155550123', from: '', messagingServiceSid: MG }).to).toBe('whatsapp:+14155550123');

		const bareFrom = fail({ to: 'whatsapp:+14155550123', from: '+14155550100' });
		expectField(bareFrom, 'From', '+14155550100', /a WhatsApp number without the prefix/);
		expect(bareFrom.description).toMatch(/whatsapp: prefix to both/);
		const bareTo = fail({ to: '+14155550123', from: 'whatsapp:+14155550100' });
		expectField(bareTo, 'To', '+14155550123', /a WhatsApp number without the prefix/);
	});

	it('rejects a malformed WhatsApp address', () => {
		expectField(fail({ to: 'whatsapp:4155550123' }), 'To', 'whatsapp:4155550123', /not a WhatsApp address/);
	});
});

describe('Send SMS input: body and media', () => {
	it('allows 1,600 characters and refuses 1,601', () => {
		expect(ok({ body: 'a'.repeat(1600) }).body).toHaveLength(1600);
		const error = fail({ body: 'a'.repeat(1601) });
		expect(error.message).toMatch(/^Invalid Body "a{79}…" in item 2: is 1,601 characters long; the limit is 1,600$/);
	});

	it('counts an emoji as two characters toward the limit', () => {
		expect(ok({ body: '😀'.repeat(800) }).body).toBeDefined();
		expectField(fail({ body: `${'😀'.repeat(800)}a` }), 'Body', `${'😀'.repeat(79)}…`, /1,601 characters/);
	});

	it('requires a body unless there is media or a content template', () => {
		expectField(fail({ body: '' }), 'Body', undefined, /body is required unless you send media/);
		expectField(fail({ body: '  \n ' }), 'Body', undefined, /body is required/);
		expect(ok({ body: '', mediaUrls: ['https://example.com/cat.jpg'] })).toEqual({
			to: '+14155550123',
			from: '+14155550100',
			mediaUrl: ['https://example.com/cat.jpg'],
		});
		expect(ok({ body: undefined, contentSid: HX })).toEqual({ to: '+14155550123', from: '+14155550100', contentSid: HX });
	});

	it('accepts up to 10 media URLs, each http(s), ignoring blank rows', () => {
		const ten = Array.from({ length: 10 }, (_, i) => `https://example.com/${i}.png`);
		expect(ok({ mediaUrls: [...ten, ''] }).mediaUrl).toEqual(ten);
		const error = fail({ mediaUrls: [...ten, 'https://example.com/10.png'] });
		expect(error.message).toMatch(/^Invalid Media URLs \["https:\/\/example\.com\/0\.png",.*… in item 2: has 11 URLs; Twilio accepts at most 10/);
		expectField(fail({ mediaUrls: ['https://ok.com/a.jpg', 'ftp://x.com/b.jpg'] }), 'Media URLs[1]', 'ftp://x.com/b.jpg', /only http and https/);
		expectField(fail({ mediaUrls: ['cat.jpg'] }), 'Media URLs[0]', 'cat.jpg', /not an absolute URL/);
	});
});

describe('Send SMS input: delivery options', () => {
	it('checks the status callback URL', () => {
		expect(ok({ statusCallback: 'https://hooks.example.com/status' }).statusCallback).toBe('https://hooks.example.com/status');
		expectField(fail({ statusCallback: 'hooks.example.com' }), 'Status Callback URL', 'hooks.example.com', /absolute URL/);
		expectField(fail({ statusCallback: 'https://my_hooks.example.com/' }), 'Status Callback URL', 'https://my_hooks.example.com/', /underscore/);
		expect(ok({ statusCallback: '' }).statusCallback).toBeUndefined();
	});

	it('checks the validity period (1 to 36000 seconds)', () => {
		expect(ok({ validityPeriod: 1 }).validityPeriod).toBe(1);
		expect(ok({ validityPeriod: 36000 }).validityPeriod).toBe(36000);
		expectField(fail({ validityPeriod: 0 }), 'Validity Period', 0, /out of range \(1 to 36000\)/);
		expectField(fail({ validityPeriod: 36001 }), 'Validity Period', 36001, /out of range/);
		expectField(fail({ validityPeriod: 2.5 }), 'Validity Period', 2.5, /not a whole number/);
	});

	it('schedules with Send At through a Messaging Service', () => {
		const sendAt = minutesFromNow(60);
		expect(ok({ messagingServiceSid: MG, sendAt })).toMatchObject({
			messagingServiceSid: MG,
			sendAt: new Date(sendAt),
			scheduleType: 'fixed',
		});
		expect(ok({ messagingServiceSid: MG, sendAt: '' })).not.toHaveProperty('scheduleType');
	});

	it('enforces the 15 minute to 35 day window around now, inclusive', () => {
		expect(ok({ messagingServiceSid: MG, sendAt: minutesFromNow(15) }).sendAt).toEqual(new Date(minutesFromNow(15)));
		expect(ok({ messagingServiceSid: MG, sendAt: minutesFromNow(35 * 24 * 60) }).scheduleType).toBe('fixed');
		const soon = minutesFromNow(14.5);
		expectField(fail({ messagingServiceSid: MG, sendAt: soon }), 'Send At', soon, /only 14 minutes from now; Twilio needs at least 15/);
		const late = minutesFromNow(35 * 24 * 60 + 1);
		expectField(fail({ messagingServiceSid: MG, sendAt: late }), 'Send At', late, /at most 35 days ahead/);
		const past = minutesFromNow(-5);
		expectField(fail({ messagingServiceSid: MG, sendAt: past }), 'Send At', past, /is in the past/);
	});

	it('requires a Messaging Service and a parseable date for Send At', () => {
		const sendAt = minutesFromNow(60);
		const error = fail({ sendAt });
		expectField(error, 'Send At', sendAt, /scheduling needs a Messaging Service/);
		expectField(fail({ messagingServiceSid: MG, sendAt: 'next friday' }), 'Send At', 'next friday', /not an ISO 8601/);
	});

	it('reads a Send At without an offset as UTC', () => {
		expect(ok({ messagingServiceSid: MG, sendAt: '2026-11-22T08:00:00' }).sendAt).toEqual(new Date('2026-11-22T08:00:00Z'));
	});

	it('requires a Messaging Service for Shorten URLs', () => {
		expect(ok({ messagingServiceSid: MG, shortenUrls: true }).shortenUrls).toBe(true);
		expect(ok({ shortenUrls: false })).not.toHaveProperty('shortenUrls');
		expectField(fail({ shortenUrls: true }), 'Shorten URLs', true, /link shortening needs a Messaging Service/);
	});
});

describe('Send SMS input: content templates', () => {
	it('checks the Content SID', () => {
		expect(ok({ contentSid: HX }).contentSid).toBe(HX);
		expectField(fail({ contentSid: 'HX123' }), 'Content SID', 'HX123', /HX followed by 32 hexadecimal/);
	});

	it('accepts content variables as JSON text or an object and sends JSON text', () => {
		expect(ok({ contentSid: HX, contentVariables: '{"1":"Alice","2":"12/1"}' }).contentVariables).toBe('{"1":"Alice","2":"12/1"}');
		expect(ok({ contentSid: HX, contentVariables: { 1: 'Alice' } }).contentVariables).toBe('{"1":"Alice"}');
		expect(ok({ contentSid: HX, contentVariables: '' })).not.toHaveProperty('contentVariables');
	});

	it('rejects variables that are not a JSON object, or without a Content SID', () => {
		expectField(fail({ contentSid: HX, contentVariables: '{1: Alice}' }), 'Content Variables', '{1: Alice}', /not valid JSON/);
		expectField(fail({ contentSid: HX, contentVariables: '["Alice"]' }), 'Content Variables', '["Alice"]', /is an array, not a JSON object/);
		const error = fail({ contentVariables: '{"1":"Alice"}' });
		expectField(error, 'Content Variables', '{"1":"Alice"}', /only used with a content template/);
		expect(error.description).toMatch(/Set a Content SID/);
	});
});

describe('Send SMS input: reporting', () => {
	it('reports every problem of the item, the first in the message', () => {
		const error = fail({ to: '555', from: 'x'.repeat(20), body: '', validityPeriod: 0 }, 4);
		expect(error.message).toMatch(/^Invalid To "555" in item 4: /);
		expect(error.description).toContain('Other problems in this item:');
		expect(error.description).toContain(`- Invalid From "${'x'.repeat(20)}"`);
		expect(error.description).toContain('- Missing Body:');
		expect(error.description).toContain('- Invalid Validity Period 0:');
	});

	it('rejects an unknown channel', () => {
		expectField(fail({ channel: 'fax' as SendSmsInput['channel'] }), 'Channel', 'fax', /must be one of "sms", "whatsapp"/);
	});

	it('lets the node override labels', () => {
		try {
			parseSendSmsInput({ ...base, to: '1' }, { node, itemIndex: 0, labels: { to: 'Recipient' } });
		} catch (error) {
			expect((error as Error).message).toMatch(/^Invalid Recipient "1" in item 0/);
			return;
		}
		throw new Error('expected an error');
	});

	it('exposes the zod schema for other callers', () => {
		expect(sendSmsSchema.safeParse({ ...base }).success).toBe(true);
		expect(sendSmsSchema.safeParse({ ...base, now: 'today' }).success).toBe(false);
	});
});
