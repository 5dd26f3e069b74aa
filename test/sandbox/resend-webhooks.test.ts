/**
 * The sandbox's Resend webhooks: the API (create, list, retrieve, delete and the event log), and the
 * signed deliveries that follow an email's progress, checked by a receiver that verifies each Svix
 * signature with its own few lines of HMAC (not the trigger's verifier, not the sandbox's signer).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resend } from 'resend';
import { startSandbox, type Sandbox } from '../../sandbox';
import { RESEND_FROM, RESEND_FULL_KEY, RESEND_MAGIC_TO, RESEND_SENDING_KEY } from '../../sandbox/fixtures';

interface Received {
	headers: http.IncomingHttpHeaders;
	raw: string;
	json: { type: string; created_at: string; data: Record<string, unknown> };
}

/** A webhook receiver on 127.0.0.1 that keeps every request and answers `status`. */
class Receiver {
	readonly got: Received[] = [];
	status = 200;
	private server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			this.got.push({ headers: req.headers, raw, json: JSON.parse(raw) as Received['json'] });
			res.writeHead(this.status, { 'content-type': 'text/plain' });
			res.end(this.status === 200 ? 'ok' : 'nope');
		});
	});

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}

	async waitFor(count: number, timeoutMs = 5_000): Promise<Received[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.got.length < count) {
			if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${this.got.length}: ${this.got.map((g) => g.json.type).join(', ')}`);
			await sleep(10);
		}
		return this.got;
	}
}

/** The oracle: Svix's scheme, written out here. */
function svixValid(secret: string, r: Received): boolean {
	const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
	const expected = createHmac('sha256', key).update(`${String(r.headers['svix-id'])}.${String(r.headers['svix-timestamp'])}.${r.raw}`).digest('base64');
	return String(r.headers['svix-signature']).split(' ').includes(`v1,${expected}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sandbox: Sandbox;
let receiver: Receiver;
let endpoint: string;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(async () => {
	sandbox.reset();
	receiver = new Receiver();
	endpoint = await receiver.start();
});
afterEach(async () => {
	await receiver.close();
});

async function api(method: string, path: string, body?: unknown, key = RESEND_FULL_KEY.token) {
	const res = await fetch(`${sandbox.url}${path}`, {
		method,
		headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
		body: body !== undefined ? JSON.stringify(body) : undefined,
	});
	return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const createHook = async (events: string[], url = endpoint) => {
	const r = await api('POST', '/webhooks', { endpoint: url, events });
	expect(r.status).toBe(201);
	return r.body as { object: string; id: string; signing_secret: string };
};

const sendEmail = (to: string, extra: Record<string, unknown> = {}) =>
	api('POST', '/emails', { from: RESEND_FROM, to: [to], subject: 'Webhook test', text: 'Hi', ...extra }).then((r) => r.body.id as string);

describe('sandbox: Resend webhooks API', () => {
	it('creates, retrieves, lists and deletes a webhook', async () => {
		const created = await createHook(['email.sent', 'email.delivered']);
		expect(created).toEqual({ object: 'webhook', id: expect.stringMatching(/^[0-9a-f-]{36}$/), signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/) });
		expect(Buffer.from(created.signing_secret.slice(6), 'base64')).toHaveLength(24);

		const got = await api('GET', `/webhooks/${created.id}`);
		expect(got.status).toBe(200);
		expect(got.headers.get('ratelimit-limit')).toBe('5');
		expect(got.body).toEqual({
			object: 'webhook',
			id: created.id,
			endpoint,
			events: ['email.sent', 'email.delivered'],
			status: 'enabled',
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\+00$/),
			signing_secret: created.signing_secret,
		});

		const second = await createHook(['email.bounced']);
		const list = await api('GET', '/webhooks');
		expect(list.body).toMatchObject({ object: 'list', has_more: false });
		// Newest first, and no secrets in the list.
		expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([second.id, created.id]);
		expect(list.body.data[0]).not.toHaveProperty('signing_secret');
		const paged = await api('GET', '/webhooks?limit=1');
		expect(paged.body).toMatchObject({ has_more: true, data: [{ id: second.id }] });
		expect((await api('GET', `/webhooks?limit=1&after=${second.id}`)).body).toMatchObject({ has_more: false, data: [{ id: created.id }] });

		const deleted = await api('DELETE', `/webhooks/${created.id}`);
		expect(deleted).toMatchObject({ status: 200, body: { object: 'webhook', id: created.id, deleted: true } });
		expect(await api('GET', `/webhooks/${created.id}`)).toMatchObject({ status: 404, body: { statusCode: 404, name: 'not_found', message: 'Webhook not found' } });
		expect((await api('DELETE', `/webhooks/${created.id}`)).status).toBe(404);
	});

	it('works through the resend SDK', async () => {
		const resend = new Resend(RESEND_FULL_KEY.token, { baseUrl: sandbox.url });
		const created = await resend.webhooks.create({ endpoint, events: ['email.delivered'] });
		expect(created.error).toBeNull();
		const got = await resend.webhooks.get(created.data!.id);
		expect(got.data).toMatchObject({ endpoint, events: ['email.delivered'], signing_secret: created.data!.signing_secret });
		expect((await resend.webhooks.list()).data!.data).toHaveLength(1);
		expect((await resend.webhooks.remove(created.data!.id)).data).toMatchObject({ deleted: true });
	});

	it('validates like Resend', async () => {
		expect(await api('POST', '/webhooks', { events: ['email.sent'] })).toMatchObject({ status: 422, body: { name: 'missing_required_field', message: 'Missing `endpoint` field.' } });
		expect(await api('POST', '/webhooks', { endpoint })).toMatchObject({ status: 422, body: { name: 'missing_required_field' } });
		expect(await api('POST', '/webhooks', { endpoint: 'not a url', events: ['email.sent'] })).toMatchObject({ status: 422, body: { name: 'validation_error' } });
		expect(await api('POST', '/webhooks', { endpoint, events: [] })).toMatchObject({ status: 422, body: { name: 'validation_error' } });
		expect(await api('POST', '/webhooks', { endpoint, events: ['email.sent', 'email.exploded'] })).toMatchObject({ status: 422, body: { message: expect.stringContaining('"email.exploded"') } });
		expect(await api('GET', '/webhooks?limit=0')).toMatchObject({ status: 422 });
		// Managing webhooks needs a full-access key, as every non-sending call does.
		expect(await api('POST', '/webhooks', { endpoint, events: ['email.sent'] }, RESEND_SENDING_KEY.token)).toMatchObject({ status: 401, body: { name: 'restricted_api_key' } });
		expect(await api('GET', '/webhooks', undefined, RESEND_SENDING_KEY.token)).toMatchObject({ status: 401 });
		expect((await api('GET', '/webhooks')).body.data).toEqual([]);
	});
});

describe('sandbox: signed event delivery', () => {
	it('POSTs email.sent then email.delivered, signed the Svix way, with the spec payload', async () => {
		const hook = await createHook(['email.sent', 'email.delivered']);
		const emailId = await sendEmail('ada@example.com', { tags: [{ name: 'category', value: 'alert' }] });
		const got = await receiver.waitFor(2);
		await sleep(100);
		expect(got.map((g) => g.json.type)).toEqual(['email.sent', 'email.delivered']);
		for (const g of got) {
			expect(svixValid(hook.signing_secret, g)).toBe(true);
			expect(g.headers['content-type']).toBe('application/json');
			expect(g.headers['svix-id']).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
			expect(Math.abs(Number(g.headers['svix-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
			expect(g.json).toEqual({
				type: g.json.type,
				created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
				data: { email_id: emailId, created_at: expect.any(String), from: RESEND_FROM, to: ['ada@example.com'], subject: 'Webhook test', tags: { category: 'alert' } },
			});
		}
		expect(new Set(got.map((g) => g.headers['svix-id'])).size).toBe(2);
		// A different secret does not verify: the oracle is not trivially true.
		expect(svixValid('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', got[0])).toBe(false);
	});

	it('reports a bounce for the magic bounce address, only to webhooks that chose it', async () => {
		const bouncesOnly = await createHook(['email.bounced']);
		const other = new Receiver();
		const otherUrl = await other.start();
		try {
			await createHook(['email.delivered'], otherUrl);
			const emailId = await sendEmail(RESEND_MAGIC_TO.bounced);
			const [bounce] = await receiver.waitFor(1);
			expect(svixValid(bouncesOnly.signing_secret, bounce)).toBe(true);
			expect(bounce.json).toMatchObject({
				type: 'email.bounced',
				data: { email_id: emailId, to: [RESEND_MAGIC_TO.bounced], bounce: { type: 'Permanent', subType: 'General', message: expect.any(String), diagnosticCode: [expect.any(String)] } },
			});
			await sleep(150);
			expect(receiver.got).toHaveLength(1);
			expect(other.got).toHaveLength(0);
		} finally {
			await other.close();
		}
	});

	it('reports scheduled and suppressed emails', async () => {
		await createHook(['email.scheduled', 'email.suppressed']);
		await sendEmail('later@example.com', { scheduled_at: new Date(Date.now() + 3600_000).toISOString() });
		await sendEmail(RESEND_MAGIC_TO.suppressed);
		const got = await receiver.waitFor(2);
		expect(got.map((g) => g.json.type).sort()).toEqual(['email.scheduled', 'email.suppressed']);
		expect(got.find((g) => g.json.type === 'email.suppressed')!.json.data.suppressed).toMatchObject({ reason: 'previous_bounce', type: 'OnAccountSuppressionList' });
	});

	it('records each attempt, and a replay re-sends the same svix-id freshly signed', async () => {
		const hook = await createHook(['email.sent']);
		receiver.status = 500;
		await sendEmail('ada@example.com');
		const [first] = await receiver.waitFor(1);
		await sleep(50);
		const events = await api('GET', `/webhooks/${hook.id}/events`);
		expect(events.body).toMatchObject({ object: 'list', has_more: false, data: [{ id: first.headers['svix-id'], type: 'email.sent', status: 'failed' }] });
		const eventId = events.body.data[0].id as string;
		const event = await api('GET', `/webhooks/${hook.id}/events/${eventId}`);
		expect(event.body).toMatchObject({ object: 'webhook_event', id: eventId, status: 'failed', payload: JSON.parse(first.raw) });

		receiver.status = 200;
		await sleep(1100); // a new second, so the replay's svix-timestamp differs
		expect(await api('POST', `/webhooks/${hook.id}/events/${eventId}/replay`)).toMatchObject({ status: 200, body: { object: 'webhook_event', id: eventId } });
		const [, replayed] = receiver.got;
		expect(replayed.headers['svix-id']).toBe(first.headers['svix-id']);
		expect(replayed.raw).toBe(first.raw);
		expect(Number(replayed.headers['svix-timestamp'])).toBeGreaterThan(Number(first.headers['svix-timestamp']));
		expect(replayed.headers['svix-signature']).not.toBe(first.headers['svix-signature']);
		expect(svixValid(hook.signing_secret, replayed)).toBe(true);

		const attempts = await api('GET', `/webhooks/${hook.id}/events/${eventId}/attempts`);
		expect(attempts.body.data.map((a: { http_status_code: number }) => a.http_status_code)).toEqual([200, 500]);
		expect((await api('GET', `/webhooks/${hook.id}/events/${eventId}`)).body.status).toBe('success');
		expect((await api('POST', `/webhooks/${hook.id}/events/msg_nope/replay`)).status).toBe(404);
	});

	it('stops delivering once the webhook is deleted, and reset() forgets webhooks', async () => {
		const hook = await createHook(['email.sent', 'email.delivered']);
		await api('DELETE', `/webhooks/${hook.id}`);
		await sendEmail('ada@example.com');
		await sleep(200);
		expect(receiver.got).toHaveLength(0);

		await createHook(['email.sent']);
		sandbox.reset();
		expect((await api('GET', '/webhooks')).body.data).toEqual([]);
		await sendEmail('ada@example.com');
		await sleep(200);
		expect(receiver.got).toHaveLength(0);
	});

	it('records a receiver that cannot be reached as a failed attempt', async () => {
		const hook = await createHook(['email.sent'], 'http://127.0.0.1:1/nobody');
		await sendEmail('ada@example.com');
		let events: Record<string, any> = {};
		for (let i = 0; i < 100; i++) {
			events = (await api('GET', `/webhooks/${hook.id}/events`)).body;
			if (events.data?.[0]?.status === 'failed') break;
			await sleep(20);
		}
		expect(events.data[0]).toMatchObject({ type: 'email.sent', status: 'failed' });
		const attempts = await api('GET', `/webhooks/${hook.id}/events/${events.data[0].id}/attempts`);
		expect(attempts.body.data[0]).toMatchObject({ http_status_code: 0, response: expect.stringContaining('ECONNREFUSED') });
	});
});
