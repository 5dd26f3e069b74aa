/**
 * node:http plumbing shared by the sandbox's servers (the vendor APIs and the scripted chat model):
 * reading a bounded body, answering JSON, listening and closing without stranded sockets.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new BodyTooLarge());
				req.pause();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export interface JsonResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/** Writes `r` as JSON, bytes as they are (a Buffer body), or an empty body for 204 / no body; a closed response is left alone. */
export function send(res: ServerResponse, r: JsonResponse, extraHeaders: Record<string, string> = {}): void {
	if (res.destroyed || res.writableEnded) return;
	const headers: Record<string, string | number> = { ...extraHeaders, ...r.headers };
	if (r.body === undefined || r.status === 204) {
		res.writeHead(r.status, headers);
		res.end();
		return;
	}
	if (Buffer.isBuffer(r.body)) {
		// Media (recordings): the route sets its own Content-Type.
		res.writeHead(r.status, { 'Content-Type': 'application/octet-stream', 'Content-Length': r.body.length, ...headers });
		res.end(r.body);
		return;
	}
	const text = JSON.stringify(r.body);
	res.writeHead(r.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

export function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve(server.address() as AddressInfo);
		});
	});
}

/** Stops accepting and drops every connection: idle keep-alive sockets and parked requests would hold close() open. */
export function closeServer(server: http.Server): Promise<void> {
	return new Promise((resolve) => {
		if (!server.listening) return resolve();
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

/** `http://host:port` for an address, with brackets for IPv6. */
export function origin(address: AddressInfo): string {
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return `http://${host}:${address.port}`;
}
