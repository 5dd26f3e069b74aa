import { Resend } from 'resend';
import { startSandbox, type Sandbox } from '../../sandbox';
import { RESEND_FROM, RESEND_FULL_KEY, RESEND_MAGIC_TO, RESEND_QUOTA_KEY, RESEND_SENDING_KEY } from '../../sandbox/fixtures';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const EMAIL = { from: RESEND_FROM, to: ['ada@example.com'], subject: 'Hello', text: 'Hi Ada' };

async function post(path: string, body: unknown, headers: Record<string, string> = {}, key = RESEND_FULL_KEY.token) {
	const res = await fetch(`${sandbox.url}${path}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const get = async (path: string, key = RESEND_FULL_KEY.token) => {
	const res = await fetch(`${sandbox.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sandbox: Resend emails', () => {
	it('sends with the resend SDK, and last_event progresses to delivered', async () => {
		const resend = new Resend(RESEND_FULL_KEY.token, { baseUrl: sandbox.url });
		const sent = await resend.emails.send({ ...EMAIL, tags: [{ name: 'category', value: 'alert' }] });
		expect(sent.error).toBeNull();
		expect(sent.data!.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(sent.headers).toMatchObject({ 'ratelimit-limit': '5' });
		const first = await resend.emails.get(sent.data!.id);
		expect(first.data).toMatchObject({ object: 'email', to: ['ada@example.com'], subject: 'Hello', tags: [{ name: 'category', value: 'alert' }] });
		// Steps are 20 ms apart, so a busy machine may already be past `queued`; poll for the end.
		expect(['queued', 'sent', 'delivered']).toContain(first.data!.last_event);
		for (let i = 0; i < 100 && sandbox.state.emails.get(sent.data!.id)!.lastEvent !== 'delivered'; i++) await sleep(20);
		expect((await resend.emails.get(sent.data!.id)).data!.last_event).toBe('delivered');
		expect(sandbox.state.emails.get(sent.data!.id)!.events.map((e) => e.event)).toEqual(['queued', 'sent', 'delivered']);
	});

	it("ends on the magic recipients' events", async () => {
		const ids: Record<string, string> = {};
		for (const [name, to] of Object.entries(RESEND_MAGIC_TO)) ids[name] = String((await post('/emails', { ...EMAIL, to, subject: name })).body.id);
		const done = () => Object.entries(ids).every(([name, id]) => sandbox.state.emails.get(id)!.lastEvent === name);
		for (let i = 0; i < 100 && !done(); i++) await sleep(20);
		for (const [name, id] of Object.entries(ids)) expect(sandbox.state.emails.get(id)!.lastEvent).toBe(name);
	});

	it('validates like Resend, with {statusCode, name, message}', async () => {
		expect((await post('/emails', { ...EMAIL, to: undefined })).body).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `to` field.' });
		expect((await post('/emails', { ...EMAIL, to: 'not-an-address' })).body).toMatchObject({ statusCode: 422, name: 'validation_error' });
		expect((await post('/emails', { ...EMAIL, from: 'nobody' })).body).toMatchObject({ statusCode: 422, name: 'invalid_from_address' });
		const unverified = await post('/emails', { ...EMAIL, from: 'a@unverified.org' });
		expect(unverified.status).toBe(403);
		expect(unverified.body.message).toMatch(/unverified\.org domain is not verified/);
		expect((await post('/emails', { ...EMAIL, to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) })).body.message).toMatch(/Max 50/);
		expect((await post('/emails', { ...EMAIL, text: undefined })).body.name).toBe('missing_required_field');
		expect((await post('/emails', { ...EMAIL, tags: [{ name: 'bad tag', value: 'x' }] })).body.name).toBe('validation_error');
		expect((await post('/emails', { ...EMAIL, scheduled_at: '2020-01-01T00:00:00Z' })).body.message).toMatch(/future/);
		expect((await post('/emails', { ...EMAIL, attachments: [{ filename: 'a.txt' }] })).body.name).toBe('invalid_attachment');
		expect(sandbox.state.emails.size).toBe(0);
	});

	it('stores attachment bytes intact', async () => {
		const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
		const r = await post('/emails', { ...EMAIL, attachments: [{ filename: 'a.bin', content: bytes.toString('base64'), content_type: 'application/octet-stream', content_id: 'x1' }] });
		expect(r.status).toBe(200);
		const [att] = sandbox.state.emails.get(String(r.body.id))!.attachments;
		expect(Buffer.from(att.content!, 'base64').equals(bytes)).toBe(true);
		expect(att).toMatchObject({ filename: 'a.bin', contentType: 'application/octet-stream', contentId: 'x1', size: 7 });
	});

	it('honours Idempotency-Key: same body replays the id, another body is 409', async () => {
		const a = await post('/emails', EMAIL, { 'Idempotency-Key': 'k-1' });
		const b = await post('/emails', EMAIL, { 'Idempotency-Key': 'k-1' });
		expect(b.status).toBe(200);
		expect(b.body.id).toBe(a.body.id);
		const c = await post('/emails', { ...EMAIL, subject: 'Other' }, { 'Idempotency-Key': 'k-1' });
		expect(c.status).toBe(409);
		expect(c.body).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
		expect((await post('/emails', EMAIL, { 'Idempotency-Key': 'x'.repeat(257) })).body.name).toBe('invalid_idempotency_key');
		expect(sandbox.state.emails.size).toBe(1);
		expect(sandbox.stats().emails).toMatchObject({ idempotentReplays: 1, idempotencyConflicts: 1 });
		expect(sandbox.stats().duplicates).toBe(0);
	});

	it('counts a re-send without a key as a duplicate', async () => {
		await post('/emails', EMAIL);
		await post('/emails', EMAIL);
		expect(sandbox.stats()).toMatchObject({ uniqueSends: 1, duplicates: 1 });
	});

	it('sends batches strictly or permissively, and refuses attachments and schedules in them', async () => {
		const resend = new Resend(RESEND_FULL_KEY.token, { baseUrl: sandbox.url });
		const ok = await resend.batch.send([EMAIL, { ...EMAIL, to: ['grace@example.com'] }]);
		expect(ok.data!.data).toHaveLength(2);
		const strict = await post('/emails/batch', [EMAIL, { ...EMAIL, to: 'bad' }]);
		expect(strict.status).toBe(422);
		expect(strict.body.message).toMatch(/^emails\[1\]/);
		const permissive = await post('/emails/batch', [EMAIL, { ...EMAIL, to: 'bad' }, EMAIL], { 'x-batch-validation': 'permissive' });
		expect(permissive.status).toBe(200);
		expect(permissive.body.data).toHaveLength(2);
		expect(permissive.body.errors).toEqual([{ index: 1, message: expect.stringMatching(/Invalid `to` field/) }]);
		expect((await post('/emails/batch', [{ ...EMAIL, attachments: [{ path: 'https://example.com/a.pdf' }] }])).body.message).toMatch(/attachments/);
		expect((await post('/emails/batch', Array.from({ length: 101 }, () => EMAIL))).status).toBe(422);
		expect(sandbox.stats().emails.batches).toBe(2);
	});

	it('cancels scheduled emails only', async () => {
		const at = new Date(Date.now() + 3600_000).toISOString();
		const scheduled = await post('/emails', { ...EMAIL, scheduled_at: at });
		const now = await post('/emails', EMAIL);
		expect((await get(`/emails/${scheduled.body.id}`)).body.last_event).toBe('scheduled');
		expect((await post(`/emails/${scheduled.body.id}/cancel`, undefined)).body).toEqual({ object: 'email', id: scheduled.body.id });
		expect((await get(`/emails/${scheduled.body.id}`)).body.last_event).toBe('canceled');
		expect((await post(`/emails/${now.body.id}/cancel`, undefined)).status).toBe(422);
		expect((await get('/emails/00000000-0000-4000-8000-000000000000')).status).toBe(404);
	});

	it('Bearer auth: missing, invalid, sending-only and quota keys', async () => {
		const none = await fetch(`${sandbox.url}/emails`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
		expect(await none.json()).toMatchObject({ statusCode: 401, name: 'missing_api_key' });
		expect((await post('/emails', EMAIL, {}, 're_wrong')).body).toMatchObject({ statusCode: 403, name: 'invalid_api_key' });
		expect((await post('/emails', EMAIL, {}, RESEND_SENDING_KEY.token)).status).toBe(200);
		expect((await get('/domains', RESEND_SENDING_KEY.token)).body).toMatchObject({ statusCode: 401, name: 'restricted_api_key' });
		expect((await get('/domains')).body).toMatchObject({ object: 'list', data: [{ name: 'example.com', status: 'verified' }, { name: 'resend.dev' }] });
		expect((await post('/emails', EMAIL, {}, RESEND_QUOTA_KEY.token)).body).toMatchObject({ statusCode: 429, name: 'daily_quota_exceeded' });
	});

	it('injects 429s in Resend\'s shape through the fault settings, with rate-limit headers', async () => {
		sandbox.faults.set({ rate429: 1, retryAfterSec: 2, routes: ['resend.*'] });
		const r = await post('/emails', EMAIL);
		expect(r.status).toBe(429);
		expect(r.body).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
		expect(r.headers.get('retry-after')).toBe('2');
		expect(r.headers.get('ratelimit-remaining')).toBe('0');
		expect(sandbox.state.emails.size).toBe(0);
	});

	it('a 500 after processing plus a retry with the same key still sends once', async () => {
		sandbox.faults.set({ rate5xx: 1, routes: ['resend.emails.send'] });
		const first = await post('/emails', EMAIL, { 'Idempotency-Key': 'k-5xx' });
		expect(first.body).toMatchObject({ statusCode: 500, name: 'internal_server_error' });
		sandbox.faults.clear();
		const retry = await post('/emails', EMAIL, { 'Idempotency-Key': 'k-5xx' });
		expect(retry.status).toBe(200);
		expect(sandbox.state.emails.size).toBe(1);
		expect(sandbox.stats()).toMatchObject({ duplicates: 0, emails: { idempotentReplays: 1 } });
	});
});
