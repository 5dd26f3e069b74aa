import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { classify, formEncode, TwilioTransport } from '../../nodes/shared/twilio/transport';
import { NetworkError, OutcomeUnknownError, send } from '../../nodes/shared/http/send';

const FAST = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 };

describe('classify', () => {
	it('tells creates from reads and updates', () => {
		const base = 'http://127.0.0.1/2010-04-01/Accounts/AC00000000000000000000000000000000';
		expect(classify('post', `${base}/Messages.json`)).toBe('create');
		expect(classify('post', `${base}/Calls.json`)).toBe('create');
		expect(classify('get', `${base}/Messages.json`)).toBe('read');
		expect(classify('post', `${base}/IncomingPhoneNumbers/PN0123456789abcdef0123456789abcdef.json`)).toBe('read');
		expect(classify('post', 'http://127.0.0.1/v2/Services/VA0123456789abcdef0123456789abcdef/VerificationCheck')).toBe('create');
	});
});

describe('formEncode', () => {
	it('repeats keys for arrays and skips empty values', () => {
		expect(formEncode({ To: '+1 555', MediaUrl: ['https://a/1', 'https://a/2'], Body: undefined, X: null })).toBe(
			'To=%2B1+555&MediaUrl=https%3A%2F%2Fa%2F1&MediaUrl=https%3A%2F%2Fa%2F2',
		);
	});
});

describe('send against a scripted server', () => {
	let server: http.Server;
	let url: string;
	let script: Array<(res: http.ServerResponse, req: http.IncomingMessage) => void> = [];
	let hits = 0;

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			hits++;
			req.resume();
			req.on('end', () => (script.shift() ?? ((r: http.ServerResponse) => r.end('{}')))(res, req));
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/2010-04-01/Accounts/AC1/Messages.json`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((r) => server.close(r));
	});
	beforeEach(() => {
		hits = 0;
		script = [];
	});

	it('retries a create through 429s and returns the success', async () => {
		const tooMany = (res: http.ServerResponse) => {
			res.writeHead(429, { 'Retry-After': '0' });
			res.end('{"code":20429}');
		};
		script = [tooMany, tooMany, (res) => res.end('{"sid":"SM1"}')];
		const retries: string[] = [];
		const res = await send(
			{ method: 'POST', url, headers: {}, body: 'To=x' },
			{ kind: 'create', timeoutMs: 2000, retry: FAST, onRetry: (r) => retries.push(r.reason) },
		);
		expect(res.status).toBe(200);
		expect(res.body).toBe('{"sid":"SM1"}');
		expect(res.attempts).toBe(3);
		expect(hits).toBe(3);
		expect(retries).toEqual(['rate limited (429)', 'rate limited (429)']);
	});

	it('turns a 500 on a create into OutcomeUnknownError after exactly one request', async () => {
		script = [(res) => {
			res.writeHead(500);
			res.end('{"code":20500,"message":"Internal"}');
		}];
		const promise = send(
			{ method: 'POST', url, headers: {}, body: 'To=x', describe: { params: { To: '+15005550006' } } },
			{ kind: 'create', timeoutMs: 2000, retry: FAST },
		);
		await expect(promise).rejects.toBeInstanceOf(OutcomeUnknownError);
		const error = (await promise.catch((e: unknown) => e)) as OutcomeUnknownError;
		expect(error.status).toBe(500);
		expect(error.request).toMatchObject({ method: 'POST', params: { To: '+15005550006' } });
		expect(hits).toBe(1);
	});

	it('treats a reset socket on a create as outcome unknown, and retries it on a read', async () => {
		const reset = (_res: http.ServerResponse, req: http.IncomingMessage) => req.socket.destroy();
		script = [reset];
		await expect(send({ method: 'POST', url, headers: {}, body: 'a=b' }, { kind: 'create', timeoutMs: 2000, retry: FAST })).rejects.toBeInstanceOf(
			OutcomeUnknownError,
		);
		expect(hits).toBe(1);
		hits = 0;
		script = [reset, (res) => res.end('{"ok":true}')];
		const res = await send({ method: 'GET', url, headers: {} }, { kind: 'read', timeoutMs: 2000, retry: FAST });
		expect(res.body).toBe('{"ok":true}');
		expect(hits).toBe(2);
	});

	it('times out a slow create as outcome unknown', async () => {
		script = [(res) => setTimeout(() => res.end('{}'), 500)];
		await expect(send({ method: 'POST', url, headers: {}, body: 'a=b' }, { kind: 'create', timeoutMs: 100, retry: FAST })).rejects.toBeInstanceOf(
			OutcomeUnknownError,
		);
	});

	it('retries a refused connection, then reports a NetworkError', async () => {
		const closed = http.createServer();
		await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((r) => closed.close(r));
		const attempts: number[] = [];
		const error = await send(
			{ method: 'POST', url: `http://127.0.0.1:${port}/x/Messages.json`, headers: {}, body: '' },
			{ kind: 'create', timeoutMs: 1000, retry: FAST, onRetry: (r) => attempts.push(r.attempt) },
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).code).toBe('ECONNREFUSED');
		expect(attempts).toEqual([1, 2, 3]);
	});

	it('TwilioTransport sends Basic auth and form data, and hands the SDK a Response', async () => {
		let seen: { auth?: string; type?: string; body: string } = { body: '' };
		server.removeAllListeners('request');
		server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				seen = { auth: req.headers.authorization, type: req.headers['content-type'], body };
				res.writeHead(201, { 'content-type': 'application/json' });
				res.end('{"sid":"SM1"}');
			});
		});
		const t = new TwilioTransport({ timeoutMs: 2000, retry: FAST });
		const res = await t.request({
			method: 'post',
			uri: url,
			username: 'AC1',
			password: 'tok',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			data: { To: '+15005550006', MediaUrl: ['https://x/1', 'https://x/2'] },
		});
		expect(res.statusCode).toBe(201);
		expect(res.body).toBe('{"sid":"SM1"}');
		expect(seen.auth).toBe(`Basic ${Buffer.from('AC1:tok').toString('base64')}`);
		expect(seen.body).toBe('To=%2B15005550006&MediaUrl=https%3A%2F%2Fx%2F1&MediaUrl=https%3A%2F%2Fx%2F2');
	});
});
