/**
 * The status table against the vendors' published enums (read from the specs at test time, so a
 * status added upstream fails here until the table says how to treat it), plus the helpers built on
 * it: delivery-error explanations, id detection, the polling schedule and the summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALL_STATUSES, classifyStatus, EMAIL_EVENTS, MESSAGE_STATUSES, STATUS_TABLE } from '../../nodes/shared/status/table';
import { EXPLAINED_TWILIO_CODES, explainTwilioError } from '../../nodes/shared/status/deliveryErrors';
import { detectKind } from '../../nodes/MessageStatus/ids';
import { nextInterval, pollUntilFinal } from '../../nodes/MessageStatus/poll';
import { summarize } from '../../nodes/MessageStatus/summary';
import type { StatusOutput } from '../../nodes/MessageStatus/normalize';
import { resendDate } from '../../nodes/MessageStatus/normalize';

const SPECS = join(__dirname, '../../../shared/specs');
const spec = (name: string) => JSON.parse(readFileSync(join(SPECS, name), 'utf8'));

describe('status table', () => {
	it('covers every message and call status in the Twilio 2010 spec', () => {
		const twilio = spec('twilio_api_v2010.json');
		const messageEnum: string[] = twilio.components.schemas.message_enum_status.enum;
		const callEnum: string[] = twilio.components.schemas.call_enum_status.enum;
		expect(Object.keys(MESSAGE_STATUSES).sort()).toEqual([...messageEnum].sort());
		// `initiated` is not in the Call resource enum but arrives in status callbacks.
		expect(Object.keys(CALL_STATUSES).sort()).toEqual([...callEnum, 'initiated'].sort());
	});

	it("covers every Resend last_event in Resend's spec", () => {
		const resend = spec('resend.json');
		const lastEvent: string[] = resend.components.schemas.Email.properties.last_event.enum;
		expect(Object.keys(EMAIL_EVENTS).sort()).toEqual([...lastEvent].sort());
	});

	it.each([
		['message', 'delivered', true, true],
		['message', 'read', true, true],
		['message', 'received', true, true],
		['message', 'undelivered', true, false],
		['message', 'failed', true, false],
		['message', 'canceled', true, false],
		['message', 'partially_delivered', true, false],
		['message', 'sent', false, false],
		['message', 'accepted', false, false],
		['message', 'scheduled', false, false],
		['message', 'queued', false, false],
		['message', 'sending', false, false],
		['message', 'receiving', false, false],
		['call', 'completed', true, true],
		['call', 'busy', true, false],
		['call', 'no-answer', true, false],
		['call', 'failed', true, false],
		['call', 'canceled', true, false],
		['call', 'in-progress', false, false],
		['call', 'ringing', false, false],
		['call', 'initiated', false, false],
		['call', 'queued', false, false],
		['email', 'delivered', true, true],
		['email', 'opened', true, true],
		['email', 'clicked', true, true],
		['email', 'bounced', true, false],
		['email', 'complained', true, false],
		['email', 'suppressed', true, false],
		['email', 'failed', true, false],
		['email', 'canceled', true, false],
		['email', 'sent', false, false],
		['email', 'delivery_delayed', false, false],
		['email', 'queued', false, false],
		['email', 'scheduled', false, false],
	] as const)('%s %s: isFinal %s, isSuccess %s', (kind, status, isFinal, isSuccess) => {
		expect(classifyStatus(kind, status)).toMatchObject({ isFinal, isSuccess, known: true });
	});

	it('never calls a pending status a success, and gives every status a meaning', () => {
		for (const table of Object.values(STATUS_TABLE)) {
			for (const [status, rule] of Object.entries(table)) {
				if (rule.isSuccess) expect({ status, isFinal: rule.isFinal }).toEqual({ status, isFinal: true });
				expect(rule.meaning.length).toBeGreaterThan(5);
			}
		}
	});

	it('treats an unknown or missing status as pending, not as success', () => {
		expect(classifyStatus('message', 'teleported')).toMatchObject({ isFinal: false, isSuccess: false, known: false, meaning: 'Unknown message status "teleported"' });
		expect(classifyStatus('call', null)).toMatchObject({ isFinal: false, isSuccess: false, known: false });
		// Object prototype names are not statuses.
		expect(classifyStatus('email', 'constructor')).toMatchObject({ known: false });
	});
});

describe('Twilio delivery errors', () => {
	it('explains 30001-30010 and common send errors with text, hint and link', () => {
		for (let code = 30001; code <= 30010; code++) expect(EXPLAINED_TWILIO_CODES).toContain(code);
		expect(explainTwilioError(30007)).toEqual({
			code: 30007,
			text: 'Message filtered',
			hint: expect.stringContaining('spam'),
			moreInfo: 'https://www.twilio.com/docs/api/errors/30007',
		});
		expect(explainTwilioError(21610)?.text).toBe('Attempt to send to unsubscribed recipient');
	});

	it("falls back to the API's message and the generic link for other codes; no code, no error", () => {
		expect(explainTwilioError(30450, 'Message delivery blocked')).toMatchObject({ text: 'Message delivery blocked', moreInfo: 'https://www.twilio.com/docs/api/errors/30450' });
		expect(explainTwilioError(12345)?.text).toBe('Twilio error 12345');
		expect(explainTwilioError(null)).toBeUndefined();
		expect(explainTwilioError(0)).toBeUndefined();
	});
});

describe('id detection', () => {
	it.each([
		['SM0123456789abcdef0123456789abcdef', 'message'],
		['MM0123456789ABCDEF0123456789abcdef', 'message'],
		['CA0123456789abcdef0123456789abcdef', 'call'],
		['4ef9a417-02e9-4d39-ad75-9611e0fcc33c', 'email'],
		['SM0123', undefined],
		['PN0123456789abcdef0123456789abcdef', undefined],
		['4ef9a41702e94d39ad759611e0fcc33c', undefined],
		['', undefined],
	])('%s → %s', (id, kind) => {
		expect(detectKind(id)).toBe(kind);
	});
});

describe('polling', () => {
	it('grows the interval ×1.5 from the first one and caps it at 30 s', () => {
		const schedule: number[] = [1000];
		while (schedule.length < 12) schedule.push(nextInterval(schedule[schedule.length - 1]));
		expect(schedule.slice(0, 4)).toEqual([1000, 1500, 2250, 3375]);
		expect(schedule.at(-1)).toBe(30_000);
		expect(Math.max(...schedule)).toBe(30_000);
	});

	it('stops at the first final value', async () => {
		const values = ['queued', 'sent', 'delivered', 'read'];
		let calls = 0;
		const r = await pollUntilFinal(async () => values[calls++], (v) => v === 'delivered', { timeoutMs: 5000, firstIntervalMs: 5 });
		expect(r).toMatchObject({ last: 'delivered', polls: 3, timedOut: false });
	});

	// A fake clock: the schedule is checked exactly, whatever the machine's load.
	describe('on a fake clock', () => {
		beforeEach(() => jest.useFakeTimers({ now: 0 }));
		afterEach(() => jest.useRealTimers());

		it('times out with the last value, its last sleep cut to the deadline', async () => {
			const at: number[] = [];
			const done = pollUntilFinal(async () => at.push(Date.now()), () => false, { timeoutMs: 120, firstIntervalMs: 50 });
			await jest.advanceTimersByTimeAsync(1000);
			// Fetches at 0 and 50; the next would be at 125, so it is cut to the deadline at 120, and that is the last.
			expect(at).toEqual([0, 50, 120]);
			expect(await done).toEqual({ polls: 3, timedOut: true, last: 3, waitedMs: 120 });
		});

		it('stops at once when the execution is cancelled mid-sleep', async () => {
			const abort = new AbortController();
			let settled = false;
			const done = pollUntilFinal(async () => 'queued', () => false, { timeoutMs: 60_000, firstIntervalMs: 10_000, signal: abort.signal }).finally(() => {
				settled = true;
			});
			await jest.advanceTimersByTimeAsync(30);
			expect(settled).toBe(false);
			abort.abort();
			await jest.advanceTimersByTimeAsync(0);
			expect(settled).toBe(true);
			expect(await done).toMatchObject({ polls: 1, timedOut: true, waitedMs: 30 });
		});
	});
});

describe('summary', () => {
	const item = (status: string, isFinal: boolean, isSuccess: boolean, extra: Partial<StatusOutput> = {}): StatusOutput =>
		({ id: 'x', channel: 'sms', status, isFinal, isSuccess, price: null, priceUnit: null, createdAt: null, ...extra }) as StatusOutput;

	it('counts statuses, segments and price without float noise', () => {
		const s = summarize(
			[
				item('delivered', true, true, { price: -0.0079, priceUnit: 'USD', numSegments: 1, sentAt: '2026-01-02T00:00:00.000Z' }),
				item('delivered', true, true, { price: -0.0158, priceUnit: 'USD', numSegments: 2, sentAt: '2026-01-01T00:00:00.000Z' }),
				item('undelivered', true, false, { price: -0.0079, priceUnit: 'USD', numSegments: 1 }),
				item('queued', false, false, { numSegments: 3 }),
			],
			'message',
		);
		expect(s).toEqual({
			resource: 'message',
			total: 4,
			byStatus: { delivered: 2, undelivered: 1, queued: 1 },
			successful: 2,
			failed: 1,
			pending: 1,
			totalSegments: 7,
			totalPrice: -0.0316,
			pricedCount: 3,
			priceUnit: 'USD',
			firstAt: '2026-01-01T00:00:00.000Z',
			lastAt: '2026-01-02T00:00:00.000Z',
		});
	});

	it('sums call durations, marks mixed currencies, and handles an empty list', () => {
		const calls = summarize([item('completed', true, true, { duration: 12, price: -0.014, priceUnit: 'USD' }), item('busy', true, false, { duration: 0, price: -0.01, priceUnit: 'EUR' })], 'call');
		expect(calls).toMatchObject({ totalDuration: 12, priceUnit: 'MIXED', successful: 1, failed: 1 });
		expect(calls).not.toHaveProperty('totalSegments');
		expect(summarize([], 'message')).toMatchObject({ total: 0, totalPrice: 0, priceUnit: null, firstAt: null });
	});
});

describe('Resend dates', () => {
	it('reads Postgres-style timestamps as ISO', () => {
		expect(resendDate('2023-04-03 22:13:42.674981+00')).toBe('2023-04-03T22:13:42.674Z');
		expect(resendDate(null)).toBeNull();
	});
});
