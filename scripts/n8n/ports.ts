/** Ports on 127.0.0.1: a free one for each server n8n starts, and a clear error for a taken one. */
import * as net from 'node:net';

export const HOST = '127.0.0.1';

export class PortInUseError extends Error {
	constructor(
		readonly port: number,
		readonly purpose: string,
		hint = '',
	) {
		super(`port ${port} on ${HOST} (${purpose}) is already in use${hint ? `: ${hint}` : ''}. Stop whatever listens there (\`ss -ltnp | grep :${port}\`) or choose another port.`);
		this.name = 'PortInUseError';
	}
}

function tryListen(port: number): Promise<number | null> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' || e.code === 'EACCES' ? resolve(null) : reject(e)));
		server.listen({ port, host: HOST, exclusive: true }, () => {
			const got = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(got));
		});
	});
}

/** Throws PortInUseError when something already listens on `port`. */
export async function assertPortFree(port: number, purpose: string, hint?: string): Promise<void> {
	if ((await tryListen(port)) === null) throw new PortInUseError(port, purpose, hint);
}

/**
 * Distinct free ports. There is a window between closing the probe and the server binding it;
 * n8n's own EADDRINUSE is still detected and reported if someone takes it meanwhile.
 */
export async function freePorts(count: number): Promise<number[]> {
	const ports = new Set<number>();
	while (ports.size < count) {
		const p = await tryListen(0);
		if (p !== null) ports.add(p);
	}
	return [...ports];
}
