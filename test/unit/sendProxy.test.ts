/**
 * send() through HTTPS_PROXY / HTTP_PROXY, against a local proxy that records what it sees. Nothing
 * here can reach a vendor: tunnels the proxy allows end at a local TLS server, all else is refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeApiError, type INode } from 'n8n-workflow';
import { ProxyError, send } from '../../nodes/shared/http/send';
import { describeProxyFailure, routeFor } from '../../nodes/shared/http/dispatcher';
import { toNodeError } from '../../nodes/shared/twilio/errors';
import { startFixedHostProxy, type FixedHostProxy } from '../../scripts/n8n/fixedHostProxy';
import { restoreProxyEnvAfterAll, setProxyEnv } from '../support/proxyEnv';

const FAST = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1000 };
const node: INode = { id: 'n', name: 'Send SMS', type: 'CUSTOM.sendSms', typeVersion: 1, position: [0, 0], parameters: {} };

let proxy: FixedHostProxy;
let authProxy: FixedHostProxy;
let server: http.Server;
let origin: string;
let hits = 0;

restoreProxyEnvAfterAll();

const post = (url: string) =>
	send({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'To=%2B15555550123' }, { kind: 'create', timeoutMs: 5000, retry: FAST });

beforeAll(async () => {
	proxy = await startFixedHostProxy({ hosts: ['api.twilio.com'], target: () => origin });
	authProxy = await startFixedHostProxy({ hosts: ['api.twilio.com'], target: () => origin, auth: 'alice:right-pass' });
	server = http.createServer((req, res) => {
		hits++;
		req.resume();
		req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM1"}'));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
	await Promise.all([proxy.close(), authProxy.close()]);
});
beforeEach(() => {
	hits = 0;
	proxy.reset();
	authProxy.reset();
});

describe('send() and the proxy variables', () => {
	it('NO_PROXY sends a local base URL directly: the proxy sees nothing', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.proxyUrl, HTTPS_PROXY: proxy.proxyUrl, NO_PROXY: 'localhost,127.0.0.1' });
		const res = await post(`${origin}/2010-04-01/Accounts/AC1/Messages.json`);
		expect(res.status).toBe(201);
		expect(hits).toBe(1);
		expect(proxy.seen()).toEqual({ connects: [], requests: [], plain: [] });
	});

	it('without NO_PROXY, a plain-http URL goes to HTTP_PROXY as an absolute-URI request (as n8n forwards it)', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.proxyUrl });
		const url = `${origin}/2010-04-01/Accounts/AC1/Messages.json`;
		const res = await post(url);
		// This proxy refuses plain requests; a forwarding proxy's refusal is an ordinary HTTP answer.
		expect(res.status).toBe(403);
		expect(hits).toBe(0);
		expect(proxy.seen().plain).toEqual([{ method: 'POST', url }]);
	});

	it('a CONNECT answered 403 fails at once, names the proxy and says nothing was sent', async () => {
		setProxyEnv({ HTTPS_PROXY: proxy.proxyUrl });
		const error = await post('https://api.resend.com/emails').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ProxyError);
		const { port } = new URL(proxy.proxyUrl);
		expect((error as ProxyError).message).toBe(
			`Could not connect to api.resend.com through the proxy 127.0.0.1:${port} (from HTTPS_PROXY): the proxy refused the connection (403); its policy must allow this host. The request did not reach api.resend.com, so nothing was sent (1 attempt(s))`,
		);
		expect((error as ProxyError).attempts).toBe(1);
		expect(proxy.seen().connects).toEqual([{ target: 'api.resend.com:443', allowed: false }]);
	});

	it('a 407 never shows the user and password of the proxy URL, in the error or the node error', async () => {
		const { port } = new URL(authProxy.proxyUrl);
		setProxyEnv({ https_proxy: `http://alice:wr0ng-s3cret@127.0.0.1:${port}` });
		const error = await post('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ProxyError);
		expect((error as Error).message).toMatch(new RegExp(`through the proxy 127\\.0\\.0\\.1:${port} \\(from https_proxy\\): the proxy wants authentication \\(407\\)`));
		const shown = toNodeError(node, error, 0, []);
		expect(shown).toBeInstanceOf(NodeApiError);
		expect(shown.message).toMatch(/^Twilio request failed: Could not connect to api\.twilio\.com through the proxy/);
		for (const text of [(error as Error).message, shown.message, shown.description ?? '', JSON.stringify(shown)]) {
			expect(text).not.toContain('wr0ng-s3cret');
			expect(text).not.toContain('alice');
		}
		expect(authProxy.counts().tunnels).toBe(0);
	});

	it("with the right proxy credentials the tunnel opens, and an untrusted certificate (a TLS-inspecting proxy) is 'not sent' too", async () => {
		const { port } = new URL(authProxy.proxyUrl);
		setProxyEnv({ HTTPS_PROXY: `http://alice:right-pass@127.0.0.1:${port}` });
		const error = await post('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ProxyError);
		expect((error as Error).message).toMatch(/the secure connection through the proxy failed \(.+\); a proxy that inspects TLS needs its CA in NODE_EXTRA_CA_CERTS/);
		expect((error as ProxyError).attempts).toBe(1);
		expect(authProxy.counts().tunnels).toBe(1);
		// The certificate was refused before any request byte: the TLS server behind the tunnel got none.
		expect(authProxy.seen().requests).toEqual([]);
		expect((error as Error).message).not.toContain('right-pass');
	});

	it('a proxy that refuses connections is "not sent": a create is retried, then the error names the proxy', async () => {
		const closed = http.createServer();
		await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
		const { port } = closed.address() as AddressInfo;
		await new Promise((r) => closed.close(r));
		setProxyEnv({ HTTPS_PROXY: `http://127.0.0.1:${port}` });
		const error = await post('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ProxyError);
		expect((error as ProxyError).attempts).toBe(FAST.maxAttempts);
		expect((error as Error).message).toContain(`through the proxy 127.0.0.1:${port} (from HTTPS_PROXY): connection refused (ECONNREFUSED)`);
		expect((error as Error).message).toContain('nothing was sent');
	});

	it('a proxy 5xx to CONNECT or an unknown network error may be retried; 4xx may not', () => {
		expect(describeProxyFailure('p:1', new Error('Proxy response (502) !== 200 when HTTP Tunneling'))).toMatchObject({ status: 502, final: false });
		expect(describeProxyFailure('p:1', new Error('Proxy response (403) !== 200 when HTTP Tunneling'))).toMatchObject({ status: 403, final: true });
		expect(describeProxyFailure('p:1', Object.assign(new Error('unreachable'), { code: 'EHOSTUNREACH' }))).toMatchObject({ final: false, reason: 'the connection through the proxy failed (EHOSTUNREACH)' });
	});
});

describe('dispatchers are built once per environment', () => {
	it('every request to the same proxy shares one agent; a changed environment gets a new one', () => {
		setProxyEnv({ HTTPS_PROXY: proxy.proxyUrl });
		const twilio = routeFor('https://api.twilio.com/x');
		expect(routeFor('https://api.twilio.com/y').dispatcher).toBe(twilio.dispatcher);
		expect(routeFor('https://verify.twilio.com/v2').dispatcher).toBe(twilio.dispatcher);
		expect(routeFor('https://api.resend.com/emails').proxy).toEqual({ url: proxy.proxyUrl, variable: 'HTTPS_PROXY' });
		const direct = routeFor(`${origin}/x`);
		expect(direct.proxy).toBeUndefined();
		setProxyEnv({ HTTPS_PROXY: proxy.proxyUrl, NO_PROXY: '.twilio.com' });
		expect(routeFor('https://api.twilio.com/x').proxy).toBeUndefined();
		expect(routeFor('https://api.twilio.com/x').dispatcher).toBe(direct.dispatcher);
		expect(routeFor('https://api.resend.com/emails').dispatcher).not.toBe(twilio.dispatcher);
	});

	it('an unusable proxy URL fails every request through it without echoing the URL', async () => {
		setProxyEnv({ HTTPS_PROXY: 'http://user:pa ss@bad host:x' });
		const error = await post('https://api.twilio.com/x').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ProxyError);
		expect((error as Error).message).toContain('(unparseable URL) (from HTTPS_PROXY): write the proxy as http://host:port');
		expect((error as Error).message).not.toContain('pa ss');
	});
});
