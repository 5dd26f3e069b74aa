import { startSandbox, type Sandbox } from '../../sandbox';
import { RESEND_FROM, RESEND_FULL_KEY, RESEND_QUOTA_KEY } from '../../sandbox/fixtures';
import { runEmailNode } from '../support/resendWorkflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 50 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

// Tests lift the 2 requests/second default so they run fast; the default is tested on its own.
const FAST = { maxPerSecond: 0, maxConcurrency: 10 };

const email = (parameters: Record<string, unknown>, items: Record<string, unknown>[] = [{}], extra: { continueOnFail?: boolean; credential?: Record<string, unknown> | null; withFiles?: boolean } = {}) =>
	runEmailNode({
		parameters: { to: 'ada@example.com', subject: 'Disk almost full', text: 'Server 3 is at 91%', ...parameters, options: { ...FAST, ...(parameters.options as object) } } as never,
		items: items as never,
		baseUrl: sandbox.url,
		...(extra as object),
	});

const emails = () => [...sandbox.state.emails.values()];

describe('Send Email in WorkflowExecute against the sandbox', () => {
	it('sends text from the credential default From, with a flat, paired output and rate-limit headers', async () => {
		const r = await email({});
		expect(r.error).toBeUndefined();
		const [item] = r.outputs(r.nodeName);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({ from: RESEND_FROM, to: ['ada@example.com'], subject: 'Disk almost full', scheduledAt: null, rateLimit: { limit: 5 } });
		expect(item.json.idempotencyKey).toMatch(/^n8n-[0-9a-f]{64}$/);
		const [stored] = emails();
		expect(stored).toMatchObject({ id: item.json.id, text: 'Server 3 is at 91%', html: null, idempotencyKey: item.json.idempotencyKey });
	});

	it('sends HTML, and HTML with text, with CC, BCC, Reply-To, tags, headers and a schedule', async () => {
		const html = await email({ bodyFormat: 'html', html: '<p>Hi</p>' });
		expect(html.error).toBeUndefined();
		const at = new Date(Date.now() + 3600_000).toISOString();
		const both = await email({
			from: 'Ops <ops@example.com>',
			to: '"Lovelace, Ada" <ada@example.com>, grace@example.com',
			bodyFormat: 'both',
			html: '<b>Hi</b>',
			text: 'Hi',
			options: {
				cc: 'cc@example.com',
				bcc: 'bcc@example.com',
				replyTo: 'help@example.com',
				tags: { values: [{ name: 'category', value: 'alert' }] },
				headers: { values: [{ name: 'X-Entity-Ref-ID', value: '42' }] },
				scheduledAt: at,
			},
		});
		expect(both.error).toBeUndefined();
		expect(both.outputs(both.nodeName)[0].json).toMatchObject({ scheduledAt: at, to: ['"Lovelace, Ada" <ada@example.com>', 'grace@example.com'] });
		const [first, second] = emails();
		expect(first).toMatchObject({ html: '<p>Hi</p>', text: null });
		expect(second).toMatchObject({
			from: 'Ops <ops@example.com>',
			html: '<b>Hi</b>',
			text: 'Hi',
			cc: ['cc@example.com'],
			bcc: ['bcc@example.com'],
			replyTo: ['help@example.com'],
			tags: [{ name: 'category', value: 'alert' }],
			headers: { 'X-Entity-Ref-ID': '42' },
			lastEvent: 'scheduled',
		});
	});

	it('attaches binary data byte for byte, plus a URL attachment with an inline Content ID', async () => {
		const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
		const r = await email(
			{
				options: {
					binaryProperties: 'report',
					attachments: { values: [{ source: 'binary', property: 'logo', contentId: 'logo' }, { source: 'url', url: 'https://example.com/files/terms.pdf' }] },
				},
			},
			[{ files: { report: { base64: bytes.toString('base64'), fileName: 'report.bin', mimeType: 'application/octet-stream' }, logo: { text: '<svg/>', fileName: 'logo.svg', mimeType: 'image/svg+xml' } } }],
			{ withFiles: true },
		);
		expect(r.error).toBeUndefined();
		const [stored] = emails();
		expect(stored.attachments.map((a) => [a.filename, a.contentType, a.contentId, a.path])).toEqual([
			['report.bin', 'application/octet-stream', null, null],
			['logo.svg', 'image/svg+xml', 'logo', null],
			['terms.pdf', null, null, 'https://example.com/files/terms.pdf'],
		]);
		expect(Buffer.from(stored.attachments[0].content!, 'base64').equals(bytes)).toBe(true);
	});

	it('rejects bad input per item before any request (continueOnFail)', async () => {
		const items = [
			{ to: 'ok@example.com' },
			{ to: 'not-an-address' },
			{ to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`).join(',') },
			{ to: 'ok@example.com', subject: '' },
			{ to: 'ok@example.com', text: '' },
			{ to: 'ok@example.com', tag: 'bad tag' },
			{ to: 'ok@example.com', at: '2020-01-01T00:00:00Z' },
			{ to: 'ok@example.com', at: new Date(Date.now() + 40 * 86_400_000).toISOString() },
			{ to: 'ok@example.com', file: 'missing' },
			{ to: 'ok@example.com', cc: 'bad cc' },
		];
		const r = await email(
			{
				to: '={{ $json.to }}',
				subject: '={{ $json.subject ?? "Hi" }}',
				text: '={{ $json.text ?? "Body" }}',
				options: {
					cc: '={{ $json.cc ?? "" }}',
					scheduledAt: '={{ $json.at ?? "" }}',
					tags: { values: [{ name: '={{ $json.tag ?? "ok" }}', value: 'v' }] },
					binaryProperties: '={{ $json.file ?? "" }}',
				},
			},
			items,
			{ continueOnFail: true },
		);
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(out[0].json.id).toBeDefined();
		const errors = out.slice(1).map((o) => String(o.json.error));
		expect(errors[0]).toMatch(/Invalid To "not-an-address" in item 1/);
		expect(errors[1]).toMatch(/at most 50/);
		expect(errors[2]).toMatch(/Missing Subject in item 3/);
		expect(errors[3]).toMatch(/no content/);
		expect(errors[4]).toMatch(/tag name/);
		expect(errors[5]).toMatch(/in the past/);
		expect(errors[6]).toMatch(/at most 30/);
		expect(errors[7]).toMatch(/no binary property "missing"/);
		expect(errors[8]).toMatch(/Invalid CC/);
		expect(emails()).toHaveLength(1);
		expect(sandbox.stats().requestsTotal).toBe(1);
	});

	it('sends 250 items in batch mode with exactly 3 requests and 250 paired outputs', async () => {
		const items = Array.from({ length: 250 }, (_, i) => ({ to: `user${i}@example.com`, n: i }));
		const r = await email({ batch: true, to: '={{ $json.to }}', subject: '=Report {{ $json.n }}', options: {} }, items);
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out).toHaveLength(250);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(new Set(out.map((o) => o.json.id)).size).toBe(250);
		expect(out[249].json).toMatchObject({ to: ['user249@example.com'], subject: 'Report 249', batch: { size: 50, position: 49 } });
		expect(sandbox.stats().requestsByRoute['resend.emails.batch']).toBe(3);
		expect(sandbox.stats().requestsTotal).toBe(3);
		const stored = new Map(emails().map((e) => [e.id, e]));
		out.forEach((o, i) => expect(stored.get(String(o.json.id))!.subject).toBe(`Report ${i}`));
	});

	it('batch mode: bad items get their own errors (continueOnFail), attachments are refused with an explanation', async () => {
		const items = [{ to: 'a@example.com' }, { to: 'nope' }, { to: 'b@example.com', file: 'data' }, { to: 'c@example.com' }];
		const r = await email(
			{ batch: true, to: '={{ $json.to }}', options: { binaryProperties: '={{ $json.file ?? "" }}' } },
			items,
			{ continueOnFail: true },
		);
		const out = r.outputs(r.nodeName);
		expect(out).toHaveLength(4);
		expect(out[1].json.error).toMatch(/Invalid To "nope" in item 1/);
		expect(out[2].json.error).toMatch(/Attachments/);
		expect(String(out[2].json.errorDescription)).toMatch(/Turn off Batch Mode/);
		expect([out[0].json.id, out[3].json.id].every(Boolean)).toBe(true);
		expect(sandbox.stats().requestsByRoute['resend.emails.batch']).toBe(1);
	});

	it('batch mode without continueOnFail: a bad item fails the node and nothing is sent', async () => {
		const r = await email({ batch: true, to: '={{ $json.to }}' }, [{ to: 'a@example.com' }, { to: 'nope' }]);
		expect(r.error!.message).toMatch(/Invalid To "nope" in item 1/);
		expect(sandbox.stats().requestsTotal).toBe(0);
	});

	// Its retries sleep with random backoff: a second or two alone, more when CI runs the e2e n8n beside it.
	it('sends exactly once through 429s and 5xx, proven by the idempotency counters', async () => {
		sandbox.faults.set({ rate429: 0.2, rate5xx: 0.15, rate5xxBefore: 0.05, retryAfterSec: 0, seed: 11, routes: ['resend.*'] });
		const items = Array.from({ length: 30 }, (_, i) => ({ n: i }));
		const r = await email({ subject: '=Burst {{ $json.n }}' }, items);
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName).every((o) => typeof o.json.id === 'string')).toBe(true);
		const stats = sandbox.stats();
		expect(stats.faults.rate429 + stats.faults.rate5xx + stats.faults.rate5xxBefore).toBeGreaterThan(5);
		expect(stats.faults.rate5xx).toBeGreaterThan(0);
		// Every 500-after-processing was retried with the same key and answered from the idempotency store.
		expect(stats.emails.idempotentReplays).toBe(stats.faults.rate5xx);
		expect(stats.uniqueSends).toBe(30);
		expect(stats.duplicates).toBe(0);
		expect(emails()).toHaveLength(30);
	}, 30_000);

	it('batch mode is exactly once under faults too', async () => {
		sandbox.faults.set({ rate429: 0.25, rate5xx: 0.25, retryAfterSec: 0, seed: 5, routes: ['resend.*'] });
		const items = Array.from({ length: 250 }, (_, i) => ({ n: i }));
		const r = await email({ batch: true, subject: '=Batch {{ $json.n }}' }, items);
		expect(r.error).toBeUndefined();
		expect(emails()).toHaveLength(250);
		expect(sandbox.stats()).toMatchObject({ uniqueSends: 250, duplicates: 0 });
	});

	it('a quota error is not retried and says so', async () => {
		const r = await email({}, [{}], { credential: { apiKey: RESEND_QUOTA_KEY.token }, continueOnFail: true });
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toMatch(/quota exceeded daily_quota_exceeded/);
		expect(String(item.json.errorDescription)).toMatch(/not retried/);
		expect(sandbox.stats().requestsTotal).toBe(1);
	});

	it('a wrong key gives a clear error that never contains the key', async () => {
		const badKey = 're_this_is_a_wrong_key_123456';
		const r = await email({}, [{}], { credential: { apiKey: badKey } });
		expect(r.error!.message).toMatch(/invalid_api_key/);
		const text = JSON.stringify({ message: r.error!.message, description: (r.error as { description?: string }).description, run: r.run.data.resultData });
		expect(text).not.toContain(badKey);
		expect(text).not.toContain(RESEND_FULL_KEY.token);
	});

	it('the same item sent again in the same execution replays instead of sending twice', async () => {
		const r = await email({ options: { idempotencyKey: 'order-42' } }, [{}, {}]);
		expect(r.error).toBeUndefined();
		const [a, b] = r.outputs(r.nodeName);
		expect(a.json.id).toBe(b.json.id);
		expect(emails()).toHaveLength(1);
	});

	it('honours the 2 requests/second default', async () => {
		const started = Date.now();
		const r = await runEmailNode({ parameters: { to: 'ada@example.com', subject: 'S', text: 'T' }, items: [{}, {}, {}, {}, {}], baseUrl: sandbox.url });
		expect(r.error).toBeUndefined();
		// Five starts 500 ms apart: the last starts at 2 s.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
	});
});

describe('Send Email: Skip Duplicates Within (Minutes)', () => {
	// This process remembers guarded sends for their window, so every test uses its own subject.
	const alert = (subject: string) => email({ subject, options: { skipDuplicatesMinutes: 10 } });
	const listRequests = () => sandbox.stats().requestsByRoute['resend.emails.list'] ?? 0;

	it('the same email twice within the window: one email, the second skipped with the earlier id', async () => {
		const a = await alert('Guarded once');
		const b = await alert('Guarded once');
		const first = a.outputs(a.nodeName)[0].json;
		expect(first.skipped).toBeUndefined();
		expect(b.outputs(b.nodeName)[0].json).toMatchObject({ skipped: 'duplicate', duplicateOf: first.id, id: first.id });
		expect(emails().filter((e) => e.subject === 'Guarded once')).toHaveLength(1);
	});

	const sendElsewhere = async (subject: string): Promise<string> => {
		const res = await fetch(`${sandbox.url}/emails`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ from: RESEND_FROM, to: ['ada@example.com'], subject, text: 'x' }),
		});
		return ((await res.json()) as { id: string }).id;
	};

	it('found in Resend’s list (sent by something else): skipped, at one list request for an account this small', async () => {
		const earlier = await sendElsewhere('Sent elsewhere');
		const before = listRequests();
		const r = await alert('Sent elsewhere');
		expect(r.outputs(r.nodeName)[0].json).toMatchObject({ skipped: 'duplicate', duplicateOf: earlier });
		expect(listRequests() - before).toBe(1);
		expect(emails().filter((e) => e.subject === 'Sent elsewhere')).toHaveLength(1);
	});

	it('outside the window (the earlier one is 20 minutes old): sent', async () => {
		const earlier = await sendElsewhere('Old alert');
		(sandbox.state.emails.get(earlier) as { createdAt: Date }).createdAt = new Date(Date.now() - 20 * 60_000);
		const r = await alert('Old alert');
		expect(r.outputs(r.nodeName)[0].json.skipped).toBeUndefined();
		expect(emails().filter((e) => e.subject === 'Old alert')).toHaveLength(2);
	});

	it('the same subject to another recipient is not a duplicate', async () => {
		await alert('Per recipient');
		const r = await email({ subject: 'Per recipient', to: 'grace@example.com', options: { skipDuplicatesMinutes: 10 } });
		expect(r.outputs(r.nodeName)[0].json.skipped).toBeUndefined();
		expect(emails().filter((e) => e.subject === 'Per recipient')).toHaveLength(2);
	});
});
