import { NodeOperationError, type INode } from 'n8n-workflow';
import { emailAddressOf, parseSendEmailInput, scheduleTime, splitAddresses, type SendEmailInput } from '../../nodes/shared/validation/email';

const node: INode = { id: 'n', name: 'Send Email', type: 'CUSTOM.sendEmail', typeVersion: 1, position: [0, 0], parameters: {} };
const NOW = new Date('2026-11-20T12:00:00Z');
const base: SendEmailInput = { from: 'Ops <ops@example.com>', to: 'ada@example.com', subject: 'Hi', text: 'Body', now: NOW };

const parse = (patch: Partial<SendEmailInput>) => parseSendEmailInput({ ...base, ...patch }, { node, itemIndex: 2 });
const fail = (patch: Partial<SendEmailInput>): NodeOperationError => {
	try {
		parse(patch);
	} catch (e) {
		return e as NodeOperationError;
	}
	throw new Error('expected a validation error');
};

describe('email addresses', () => {
	it.each([
		['ada@example.com', 'ada@example.com'],
		['Ada Lovelace <ada@example.com>', 'ada@example.com'],
		['"Lovelace, Ada" <ada@example.com>', 'ada@example.com'],
		['a.b+tag@sub.example.co.uk', 'a.b+tag@sub.example.co.uk'],
	])('accepts %s', (raw, bare) => expect(emailAddressOf(raw)).toBe(bare));

	it.each(['ada', 'ada@', '@example.com', 'ada@example', 'a da@example.com', 'Ada <ada@example>', 'ada@@example.com'])('rejects %s', (raw) =>
		expect(emailAddressOf(raw)).toBeUndefined(),
	);

	it('splits lists on commas, semicolons and newlines, but not inside quotes or brackets', () => {
		expect(splitAddresses('"Lovelace, Ada" <ada@example.com>, grace@example.com;\nlin@example.com')).toEqual([
			'"Lovelace, Ada" <ada@example.com>',
			'grace@example.com',
			'lin@example.com',
		]);
		expect(splitAddresses(['a@example.com', 'b@example.com, c@example.com'])).toHaveLength(3);
	});
});

describe('parseSendEmailInput', () => {
	it('builds the SDK options, text and/or HTML', () => {
		expect(parse({})).toEqual({ from: 'Ops <ops@example.com>', to: ['ada@example.com'], subject: 'Hi', text: 'Body' });
		expect(parse({ text: '', html: '<p>x</p>' })).toEqual({ from: 'Ops <ops@example.com>', to: ['ada@example.com'], subject: 'Hi', html: '<p>x</p>' });
		expect(parse({ html: '<p>x</p>' })).toMatchObject({ html: '<p>x</p>', text: 'Body' });
	});

	it('passes tags, headers, topic and attachments through in SDK form', () => {
		const out = parse({
			tags: [{ name: 'category', value: 'alert' }, { name: '', value: '' }],
			headers: [{ name: 'X-Entity-Ref-ID', value: '1' }],
			topicId: 'topic_1',
			attachments: [
				{ source: { kind: 'binary', property: 'data' }, found: true, content: 'aGk=', filename: 'a.txt', contentType: 'text/plain', contentId: 'a' },
				{ source: { kind: 'url', url: 'https://example.com/x.pdf' }, found: true, filename: 'x.pdf' },
			],
		});
		expect(out).toMatchObject({
			tags: [{ name: 'category', value: 'alert' }],
			headers: { 'X-Entity-Ref-ID': '1' },
			topicId: 'topic_1',
			attachments: [
				{ content: 'aGk=', filename: 'a.txt', contentType: 'text/plain', contentId: 'a' },
				{ path: 'https://example.com/x.pdf', filename: 'x.pdf' },
			],
		});
	});

	it('names the field, the value and the item', () => {
		const e = fail({ to: 'ada@example.com, nope' });
		expect(e.message).toBe('Invalid To "ada@example.com, nope" in item 2: contains "nope", which is not an email address');
		expect(e.description).toMatch(/Lovelace <ada@example.com>/);
		expect(e.context.itemIndex).toBe(2);
	});

	it.each<[string, Partial<SendEmailInput>, RegExp]>([
		['no From', { from: '' }, /Missing From.*a sender is required/],
		['a bad From', { from: 'ops' }, /Invalid From "ops"/],
		['no To', { to: '' }, /Missing To/],
		['51 recipients', { to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) }, /51 addresses; Resend accepts at most 50/],
		['a bad CC', { cc: 'x@' }, /Invalid CC/],
		['a bad BCC', { bcc: 'nope' }, /Invalid BCC/],
		['no subject', { subject: ' ' }, /Missing Subject/],
		['no body', { text: '' }, /no content/],
		['a bad tag name', { tags: [{ name: 'has space', value: 'x' }] }, /not a valid tag name/],
		['a bad tag value', { tags: [{ name: 'ok', value: 'é' }] }, /not a valid tag value/],
		['a schedule in the past', { scheduledAt: '2026-11-19T00:00:00Z' }, /in the past/],
		['a schedule 31 days ahead', { scheduledAt: 'in 31 days' }, /31 days ahead/],
		['a nonsense schedule', { scheduledAt: '2026-13-45' }, /not a valid date/],
		['a missing binary property', { attachments: [{ source: { kind: 'binary', property: 'pdf' }, found: false }] }, /no binary property "pdf"/],
		['a non-http attachment URL', { attachments: [{ source: { kind: 'url', url: 'ftp://x/y' }, found: true }] }, /not an http\(s\) URL/],
		[
			'over 40 MB of attachments',
			{ attachments: [{ source: { kind: 'binary', property: 'big' }, found: true, content: 'A'.repeat(40 * 1024 * 1024 + 4), filename: 'big' }] },
			/Resend accepts at most 40 MB/,
		],
		['attachments in batch mode', { batch: true, attachments: [{ source: { kind: 'url', url: 'https://x.io/a' }, found: true }] }, /batch endpoint does not accept attachments/],
		['a schedule in batch mode', { batch: true, scheduledAt: 'in 1 hour' }, /batch endpoint does not accept scheduled/],
	])('rejects %s', (_name, patch, pattern) => expect(fail(patch).message).toMatch(pattern));

	it('reports every problem of the item at once', () => {
		const e = fail({ to: 'nope', subject: '', text: '' });
		expect(e.message).toMatch(/Invalid To/);
		expect(e.description).toMatch(/Other problems in this item:\n- Missing Subject.*\n- Missing Text/);
	});

	it('accepts Resend natural language and keeps ISO schedules as ISO', () => {
		expect(parse({ scheduledAt: 'tomorrow at 9am' }).scheduledAt).toBe('tomorrow at 9am');
		expect(parse({ scheduledAt: 'in 2 hours' }).scheduledAt).toBe('in 2 hours');
		expect(parse({ scheduledAt: '2026-11-21T09:00:00+01:00' }).scheduledAt).toBe('2026-11-21T08:00:00.000Z');
		expect(scheduleTime('in 15 min', NOW)!.toISOString()).toBe('2026-11-20T12:15:00.000Z');
	});
});
