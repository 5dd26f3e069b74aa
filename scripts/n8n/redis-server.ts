/**
 * A throwaway Redis for n8n's queue mode: Debian's redis-server (scripts/redis.js installs it) on
 * 127.0.0.1 and a free port, nothing written to disk, under the same watchdog as n8n so that it dies
 * with whoever started it.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';
import { freePorts, HOST } from './ports';
import { startService, type Service } from './service';

export type RedisServer = Service;

function findRedisServer(): string {
	const { ensureRedis } = require(path.join(REPO_ROOT, 'scripts', 'redis.js')) as { ensureRedis(): string | undefined };
	const bin = ensureRedis();
	if (!bin) throw new Error('redis-server is not installed and could not be installed: run `apt-get install redis-server` (n8n queue mode needs Redis)');
	return bin;
}

/** True once Redis answers PING; a server still loading its (empty) dataset answers -LOADING. */
function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: HOST, port });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('data', (d) => {
			answer += d.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
		socket.on('connect', () => socket.write('PING\r\n'));
	});
}

export async function startRedis(opts: { dir: string; readyTimeoutMs?: number; log?: (line: string) => void }): Promise<RedisServer> {
	const bin = findRedisServer();
	const [port] = await freePorts(1);
	// No RDB snapshots, no AOF: the queue lives as long as the test; `--dir` keeps any stray file in the temp folder.
	const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', opts.dir, '--daemonize', 'no'];
	return startService({
		name: 'redis-server',
		command: [bin, ...args],
		cwd: opts.dir,
		port,
		logFile: path.join(opts.dir, 'redis.log'),
		ready: () => ping(port),
		readyTimeoutMs: opts.readyTimeoutMs,
		log: opts.log,
	});
}
