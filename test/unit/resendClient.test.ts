/**
 * The resend SDK's fetchRequest is our hook into it (see nodes/shared/resend/client.ts): these
 * tests fail if an SDK upgrade stops routing through it or changes what it sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeApiError, type INode } from 'n8n-workflow';
import { ResendClient } from '../../nodes/shared/resend/client';
import { ResendApiError, toNodeError } from '../../nodes/shared/resend/errors';

const KEY = 're_unit_test_key_0123456789';
const FAST = { timeoutMs: 5000, retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1000 } };
const node: INode = { id: 'n', name: 'Send Email', type: 'CUSTOM.sendEmail', typeVersion: 1, position: [0, 0], parameters: {} };

type Call = { url: string; headers: Record<string, string>; body: unknown };
let calls: Call[];
let answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>;
// A real server rather than a stubbed fetch: send() uses undici's fetch with its own dispatcher.
let server: http.Server;
let base: string;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (c: Buffer) => (raw += c.toString()));
		req.on('end', () => {
			calls.push({ url: `${base}${req.url}`, headers: req.headers as Record<string, string>, body: raw ? JSON.parse(raw) : undefined });
			const a = answers.shift() ?? { status: 200, body: { id: 'e1' } };
			res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(JSON.stringify(a.body));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
	calls = [];
	answers = [];
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
});

const email = { from: 'a@example.com', to: ['b@example.com'], subject: 'Hi', text: 'x', attachments: [{ content: Buffer.from('hi'), filename: 'a.txt' }] };

describe('ResendClient (the SDK over our send())', () => {
	it('sends the SDK-built body with the Idempotency-Key, to the credential base URL', async () => {
		answers.push({ status: 200, body: { id: 'e1' }, headers: { 'ratelimit-limit': '5', 'ratelimit-remaining': '4', 'ratelimit-reset': '1' } });
		const sent = await new ResendClient(KEY, base, FAST).sendEmail(email, 'key-1');
		expect(sent).toEqual({ id: 'e1', rateLimit: { limit: 5, remaining: 4, reset: 1 } });
		expect(calls[0].url).toBe(`${base}/emails`);
		expect(calls[0].headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'idempotency-key': 'key-1', 'content-type': 'application/json' });
		expect(calls[0].body).toEqual({ from: 'a@example.com', to: ['b@example.com'], subject: 'Hi', text: 'x', attachments: [{ content: 'aGk=', filename: 'a.txt' }] });
	});

	it('retries 429 and 5xx with the same key, then succeeds', async () => {
		answers.push({ status: 429, body: { statusCode: 429, name: 'rate_limit_exceeded', message: 'slow down' }, headers: { 'retry-after': '0' } });
		answers.push({ status: 500, body: { statusCode: 500, name: 'internal_server_error', message: 'oops' } });
		answers.push({ status: 200, body: { id: 'e2' } });
		const sent = await new ResendClient(KEY, base, FAST).sendEmail(email, 'key-2');
		expect(sent.id).toBe('e2');
		expect(calls.map((c) => c.headers['idempotency-key'])).toEqual(['key-2', 'key-2', 'key-2']);
	});

	it.each(['daily_quota_exceeded', 'monthly_quota_exceeded'])('does not retry %s', async (name) => {
		answers.push({ status: 429, body: { statusCode: 429, name, message: 'quota' }, headers: { 'retry-after': '0' } });
		await expect(new ResendClient(KEY, base, FAST).sendEmail(email, 'k')).rejects.toMatchObject({ resendName: name, statusCode: 429 });
		expect(calls).toHaveLength(1);
	});

	it('sends batches with x-batch-validation and reads permissive errors', async () => {
		answers.push({ status: 200, body: { data: [{ id: 'a' }], errors: [{ index: 1, message: 'bad to' }] } });
		const sent = await new ResendClient(KEY, base, FAST).sendBatch([{ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' }], 'bk', 'permissive');
		expect(sent.errors).toEqual([{ index: 1, message: 'bad to' }]);
		expect(calls[0].url).toBe(`${base}/emails/batch`);
		expect(calls[0].headers).toMatchObject({ 'x-batch-validation': 'permissive', 'idempotency-key': 'bk' });
	});

	it('maps errors to NodeApiError with Resend\'s name and no key', () => {
		const err = toNodeError(node, new ResendApiError({ statusCode: 403, name: 'invalid_api_key', message: `API key ${KEY} is invalid` }, null), 0, [KEY]);
		expect(err).toBeInstanceOf(NodeApiError);
		expect(err.message).toBe('Resend error invalid_api_key: API key [redacted] is invalid');
		expect(err.description).toMatch(/resend.com\/api-keys/);
		expect(JSON.stringify(err)).not.toContain(KEY);
	});
});
