/**
 * Points a node that hard-codes `https://api.twilio.com` (n8n's built-in Twilio node) at the sandbox,
 * without touching n8n: n8n runs with HTTPS_PROXY set to a local CONNECT proxy, the proxy hands
 * api.twilio.com:443 tunnels to a local TLS server whose self-signed certificate n8n trusts through
 * NODE_EXTRA_CA_CERTS, and that server forwards each request to the sandbox over plain http.
 * Any other CONNECT is refused, so n8n's own calls home fail fast as they do offline.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FixedHostProxy {
	/** For HTTPS_PROXY. */
	proxyUrl: string;
	/** For NODE_EXTRA_CA_CERTS. */
	caFile: string;
	/** Tunnels opened to the fake host, and requests forwarded to the sandbox. */
	counts(): { tunnels: number; refused: number; forwarded: number };
	close(): Promise<void>;
}

/** A one-day self-signed certificate for `host`; openssl is part of the base system here. */
function selfSigned(host: string, dir: string): { key: string; cert: string; certFile: string } {
	const keyFile = path.join(dir, 'key.pem');
	const certFile = path.join(dir, 'cert.pem');
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`], {
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

/** `target` is read per request: n8n needs the proxy in its environment before the sandbox it forwards to exists. */
export async function startFixedHostProxy(opts: { host: string; target: () => string }): Promise<FixedHostProxy> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixed-host-proxy-'));
	const { key, cert, certFile } = selfSigned(opts.host, dir);
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const counts = { tunnels: 0, refused: 0, forwarded: 0 };
	const sockets = new Set<net.Socket>();
	const track = (s: net.Socket) => {
		sockets.add(s);
		s.once('close', () => sockets.delete(s));
	};

	const tls = https.createServer({ key, cert }, (req, res) => {
		counts.forwarded++;
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

	const proxy = http.createServer((_req, res) => res.writeHead(405).end('CONNECT only\n'));
	proxy.on('connection', track);
	proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		if (req.url !== `${opts.host}:443`) {
			counts.refused++;
			client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
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
		async close() {
			for (const s of sockets) s.destroy();
			agent.destroy();
			await Promise.all([closeServer(proxy), closeServer(tls)]);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
