/**
 * Sends the vendors' real host names (api.twilio.com, verify.twilio.com, ...) to the sandbox, without
 * touching n8n or the nodes: n8n runs with HTTPS_PROXY set to this local CONNECT proxy, the proxy hands
 * tunnels for the listed hosts to a local TLS server whose self-signed certificate (one, with every
 * host as a SAN) n8n trusts through NODE_EXTRA_CA_CERTS, and that server forwards each request to the
 * sandbox over plain http. Any other CONNECT is refused with 403, so n8n's own calls home fail fast as
 * they do offline, and nothing can reach the real vendors.
 *
 * It records what it saw, so tests can prove which host a node used: every CONNECT target, and for
 * every request inside a tunnel the TLS SNI and the Host header. Plain-http requests (what an
 * HTTP_PROXY receives) are recorded and refused.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface TunnelledRequest {
	/** The TLS server name the client asked for. */
	sni: string | undefined;
	host: string | undefined;
	method: string;
	path: string;
}

export interface ProxySightings {
	/** CONNECT targets (host:port), in order, allowed or not. */
	connects: Array<{ target: string; allowed: boolean }>;
	/** Requests that came through an allowed tunnel and were forwarded to the sandbox. */
	requests: TunnelledRequest[];
	/** Plain-http requests sent to the proxy itself (absolute URLs); all refused. */
	plain: Array<{ method: string; url: string }>;
}

export interface FixedHostProxy {
	/** For HTTPS_PROXY. */
	proxyUrl: string;
	/** For NODE_EXTRA_CA_CERTS. */
	caFile: string;
	counts(): { tunnels: number; refused: number; forwarded: number };
	/** A copy of everything seen since the start or the last reset(). */
	seen(): ProxySightings;
	reset(): void;
	close(): Promise<void>;
}

export interface FixedHostProxyOptions {
	/** Host names whose port-443 tunnels go to the sandbox. */
	hosts: string[];
	/** Read per request: n8n needs the proxy in its environment before the sandbox it forwards to exists. */
	target: () => string;
	/** "user:password": CONNECTs without this Proxy-Authorization get 407, as a company proxy would answer. */
	auth?: string;
}

/** A one-day self-signed certificate for `hosts`; openssl is part of the base system here. */
function selfSigned(hosts: string[], dir: string): { key: string; cert: string; certFile: string } {
	const keyFile = path.join(dir, 'key.pem');
	const certFile = path.join(dir, 'cert.pem');
	const san = hosts.map((h) => `DNS:${h}`).join(',');
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${hosts[0]}`, '-addext', `subjectAltName=${san}`], {
		stdio: 'ignore',
	});
	return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

const listen = (server: net.Server) =>
	new Promise<number>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
	});

const closeServer = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startFixedHostProxy(opts: FixedHostProxyOptions): Promise<FixedHostProxy> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixed-host-proxy-'));
	const { key, cert, certFile } = selfSigned(opts.hosts.length ? opts.hosts : ['localhost'], dir);
	const allowed = new Set(opts.hosts.map((h) => `${h}:443`));
	const expectedAuth = opts.auth === undefined ? undefined : `Basic ${Buffer.from(opts.auth).toString('base64')}`;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const counts = { tunnels: 0, refused: 0, forwarded: 0 };
	let seen: ProxySightings = { connects: [], requests: [], plain: [] };
	const sockets = new Set<net.Socket>();
	const track = (s: net.Socket) => {
		sockets.add(s);
		s.once('close', () => sockets.delete(s));
	};

	const tls = https.createServer({ key, cert }, (req, res) => {
		counts.forwarded++;
		seen.requests.push({ sni: (req.socket as TLSSocket & { servername?: string | false }).servername || undefined, host: req.headers.host, method: req.method ?? '', path: req.url ?? '' });
		const target = new URL(opts.target());
		const upstream = http.request(
			{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
			(up) => {
				res.writeHead(up.statusCode ?? 502, up.headers);
				up.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	tls.on('connection', track);
	const tlsPort = await listen(tls);

	const proxy = http.createServer((req, res) => {
		seen.plain.push({ method: req.method ?? '', url: req.url ?? '' });
		res.writeHead(403).end('this proxy only tunnels the fixed hosts\n');
	});
	proxy.on('connection', track);
	proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		const target = req.url ?? '';
		const ok = allowed.has(target);
		seen.connects.push({ target, allowed: ok });
		if (!ok) {
			counts.refused++;
			client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		if (expectedAuth !== undefined && req.headers['proxy-authorization'] !== expectedAuth) {
			client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
			return;
		}
		counts.tunnels++;
		const inner = net.connect(tlsPort, '127.0.0.1', () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) inner.write(head);
			inner.pipe(client);
			client.pipe(inner);
		});
		track(inner);
		const drop = () => {
			inner.destroy();
			client.destroy();
		};
		inner.on('error', drop);
		client.on('error', drop);
	});
	const proxyPort = await listen(proxy);

	return {
		proxyUrl: `http://127.0.0.1:${proxyPort}`,
		caFile: certFile,
		counts: () => ({ ...counts }),
		seen: () => structuredClone(seen),
		reset: () => {
			seen = { connects: [], requests: [], plain: [] };
		},
		async close() {
			for (const s of sockets) s.destroy();
			agent.destroy();
			await Promise.all([closeServer(proxy), closeServer(tls)]);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
