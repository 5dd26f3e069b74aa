/**
 * A throwaway Redis for n8n's queue mode: Debian's redis-server (scripts/redis.js installs it) on
 * 127.0.0.1 and a free port, nothing written to disk, under the same watchdog as n8n so that it dies
 * with whoever started it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tailOf } from './exec';
import { REPO_ROOT } from './paths';
import { freePorts, HOST } from './ports';
import { killGroupNow, stopGroup, WATCHDOG } from './server';

export interface RedisServer {
	host: string;
	port: number;
	logFile: string;
	/** Kills redis-server; resolves when it is gone. Idempotent. */
	stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
	const logFile = path.join(opts.dir, 'redis.log');
	const out = fs.openSync(logFile, 'a');
	// No RDB snapshots, no AOF: the queue lives as long as the test; `--dir` keeps any stray file in the temp folder.
	const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', opts.dir, '--daemonize', 'no'];
	const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), bin, ...args], { cwd: opts.dir, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not start ${bin}`);
	let exited = false;
	child.once('exit', () => (exited = true));
	const kill = killGroupNow(pid);
	process.once('exit', kill);
	let stopping: Promise<void> | null = null;
	const server: RedisServer = {
		host: HOST,
		port,
		logFile,
		stop: () =>
			(stopping ??= (async () => {
				process.removeListener('exit', kill);
				await stopGroup(pid, 5_000);
			})()),
	};
	const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
	while (!(await ping(port))) {
		if (exited || Date.now() > deadline) {
			await server.stop();
			throw new Error(`redis-server ${exited ? 'exited during start-up' : 'did not answer PING in time'} (port ${port}). Last lines of ${logFile}:\n${tailOf(logFile, 20)}`);
		}
		await sleep(50);
	}
	opts.log?.(`redis-server listening on ${HOST}:${port}`);
	return server;
}
