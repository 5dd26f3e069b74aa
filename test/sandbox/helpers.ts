/** Shared helpers for the sandbox suites: a real twilio SDK client, raw HTTP, and a webhook receiver. */
import http, { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import { FULL_ACCOUNT } from '../../sandbox/fixtures';

export type TwilioClient = ReturnType<typeof twilio>;

/** The real SDK, pointed at the sandbox (Domain.baseUrl is writable and joined with each path). */
export function sdk(sandbox: Sandbox, username = FULL_ACCOUNT.sid, password = FULL_ACCOUNT.authToken, accountSid = FULL_ACCOUNT.sid): TwilioClient {
	const client = twilio(username, password, { accountSid });
	client.api.baseUrl = sandbox.url;
	client.messaging.baseUrl = sandbox.url;
	return client;
}

export const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

export interface RawResponse {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

/** node:http without keep-alive, so no client socket outlives a test. */
export function request(
	url: string,
	opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		req.end(opts.body);
	});
}

export function formBody(params: Record<string, string | string[]>): string {
	const s = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) s.append(k, x);
	return s.toString();
}

export function postForm(url: string, params: Record<string, string | string[]>, auth?: string): Promise<RawResponse> {
	return request(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(auth ? { Authorization: auth } : {}) },
		body: formBody(params),
	});
}

export function postJson(url: string, body: unknown): Promise<RawResponse> {
	return request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export const messagesUrl = (sandbox: Sandbox, accountSid = FULL_ACCOUNT.sid): string =>
	`${sandbox.url}/2010-04-01/Accounts/${accountSid}/Messages.json`;

/** Create a message with raw form params and the full account's token. */
export function createRaw(sandbox: Sandbox, params: Record<string, string | string[]>, auth = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken), accountSid = FULL_ACCOUNT.sid) {
	return postForm(messagesUrl(sandbox, accountSid), params, auth);
}

export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

export interface ReceivedRequest {
	method: string;
	/** Full URL as the sender addressed it (what Twilio signs). */
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
	params: Record<string, string | string[]>;
}

export interface Receiver {
	url: string;
	requests: ReceivedRequest[];
	close(): Promise<void>;
}

type Answer = { status?: number; contentType?: string; body?: string };

/** A local webhook endpoint on 127.0.0.1 that records what it gets and answers with `answer`. */
export async function startReceiver(answer: (r: ReceivedRequest) => Answer = () => ({ status: 200 })): Promise<Receiver> {
	const requests: ReceivedRequest[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const params: Record<string, string | string[]> = {};
			for (const [k, v] of new URLSearchParams(body)) {
				const prev = params[k];
				params[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
			}
			const received: ReceivedRequest = { method: req.method ?? '', url: `http://${req.headers.host}${req.url}`, headers: req.headers, body, params };
			requests.push(received);
			const a = answer(received);
			res.writeHead(a.status ?? 200, a.contentType ? { 'Content-Type': a.contentType } : {});
			res.end(a.body ?? '');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** Runs an SDK call that must fail, and returns Twilio's status and code from the RestException. */
export async function twilioFailure(p: Promise<unknown>): Promise<{ status: number; code: number; message: string; moreInfo: string }> {
	try {
		await p;
	} catch (err) {
		const e = err as { status: number; code: number; message: string; moreInfo: string };
		return { status: e.status, code: e.code, message: e.message, moreInfo: e.moreInfo };
	}
	throw new Error('expected the Twilio call to fail');
}

/**
 * A sandbox and a webhook receiver for every test of a file: started once, reset before each test,
 * closed at the end. `bind` hands them to the file's own variables.
 */
export function useSandboxAndReceiver(
	opts: { statusStepMs: number; answer?: (r: ReceivedRequest) => Answer },
	bind: (sandbox: Sandbox, receiver: Receiver) => void,
): void {
	let sandbox: Sandbox | undefined;
	let receiver: Receiver | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox({ statusStepMs: opts.statusStepMs });
		receiver = await startReceiver(opts.answer);
		bind(sandbox, receiver);
	});
	afterAll(async () => {
		await sandbox?.close();
		await receiver?.close();
	});
	beforeEach(() => {
		sandbox?.reset();
		if (receiver) receiver.requests.length = 0;
	});
}

/** A sandbox for every test of a file: started once, reset before each test, closed at the end. */
export function useSandbox(opts: SandboxOptions, bind: (sandbox: Sandbox) => void): void {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox(opts);
		bind(sandbox);
	});
	afterAll(() => sandbox?.close());
	beforeEach(() => sandbox?.reset());
}
