/**
 * A throwaway system service for n8n's queue mode (Redis, PostgreSQL): Debian's binary on 127.0.0.1
 * and a free port, under the same watchdog as n8n so that it dies with whoever started it, and
 * ready once `ready()` says so.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tailOf } from './exec';
import { HOST } from './ports';
import { killGroupNow, stopGroup, WATCHDOG } from './server';

export interface Service {
	host: string;
	port: number;
	logFile: string;
	/** Kills the service's process group; resolves when it is gone. Idempotent. */
	stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startService(opts: {
	name: string;
	/** The program and its arguments, e.g. [redis-server, --port, …] or [runuser, -u, postgres, --, postgres, …]. */
	command: string[];
	cwd: string;
	port: number;
	logFile: string;
	ready(): Promise<boolean>;
	readyTimeoutMs?: number;
	log?: (line: string) => void;
}): Promise<Service> {
	const out = fs.openSync(opts.logFile, 'a');
	const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), ...opts.command], { cwd: opts.cwd, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not start ${opts.command[0]}`);
	let exited = false;
	child.once('exit', () => (exited = true));
	const kill = killGroupNow(pid);
	process.once('exit', kill);
	let stopping: Promise<void> | null = null;
	const service: Service = {
		host: HOST,
		port: opts.port,
		logFile: opts.logFile,
		stop: () =>
			(stopping ??= (async () => {
				process.removeListener('exit', kill);
				await stopGroup(pid, 5_000);
			})()),
	};
	const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
	while (!(await opts.ready())) {
		if (exited || Date.now() > deadline) {
			await service.stop();
			throw new Error(`${opts.name} ${exited ? 'exited during start-up' : 'was not ready in time'} (port ${opts.port}). Last lines of ${opts.logFile}:\n${tailOf(opts.logFile, 20)}`);
		}
		await sleep(50);
	}
	opts.log?.(`${opts.name} listening on ${HOST}:${opts.port}`);
	return service;
}
