/**
 * One n8n process (`n8n start`, or in queue mode `n8n worker` / `n8n webhook`): fresh user folder,
 * its own free ports on 127.0.0.1, readiness with a time limit, and loud failures that quote n8n's log. Everything it starts lives in one process group
 * that stop() kills, and a watchdog kills that group if the process that started it dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tailOf } from './exec';
import { harnessFetch } from './http';
import { assertPortFree, freePorts, HOST, PortInUseError } from './ports';
import type { N8nRuntime } from './provision';

/** The editor/API main, a queue-mode worker (runs executions), or a queue-mode webhook process. */
export type N8nCommand = 'start' | 'worker' | 'webhook';

export interface StartOptions {
	runtime: N8nRuntime;
	/** Default `start`. A worker serves nothing but its health check, on `port`. */
	command?: N8nCommand;
	/** The log's file name inside the user folder (default n8n.log): processes sharing a folder need their own. */
	logName?: string;
	/** A fresh temporary folder by default. It receives `.n8n/` (database, settings, nodes) and n8n.log. */
	userFolder?: string;
	/** Editor/REST port (a worker's health check port); a free one by default. A given port that is taken is an error, never a silent switch. */
	port?: number;
	/** Task runner broker port; a free one by default. */
	brokerPort?: number;
	env?: Record<string, string>;
	/** Until /healthz/readiness answers 200; the first start of a folder runs migrations, about 40 s here. */
	readyTimeoutMs?: number;
	log?: (line: string) => void;
	/** Remove the user folder on stop (default: only when it was created here). */
	removeUserFolder?: boolean;
}

export interface N8nServer {
	url: string;
	port: number;
	brokerPort: number;
	userFolder: string;
	logFile: string;
	pid: number;
	logTail(lines?: number): string;
	/** Kills n8n and its task runners; resolves when they are gone. Idempotent. */
	stop(): Promise<void>;
}

export class N8nStartError extends Error {
	constructor(message: string, readonly logFile: string) {
		super(message);
		this.name = 'N8nStartError';
	}
}

/**
 * Runs a program (argv[2], n8n's node or redis-server) as its child and kills the whole process group
 * once the starter (argv[1]) is gone, so a killed jest or demo never leaves servers holding ports.
 * Plain JS for `node -e`, started detached (its own group): it must not need a build.
 */
export const WATCHDOG = `
const { spawn } = require('node:child_process');
const [starter, exe, ...args] = process.argv.slice(1);
const child = spawn(exe, args, { stdio: 'inherit' });
const killGroup = (sig) => { try { process.kill(-process.pid, sig); } catch {} };
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
setInterval(() => { try { process.kill(Number(starter), 0); } catch { killGroup('SIGKILL'); } }, 1000).unref();
`;

/** n8n's settings that make a local, quiet, offline instance. */
export function n8nEnv(opts: { userFolder: string; port: number; brokerPort: number; runtime: N8nRuntime; command?: N8nCommand }): Record<string, string> {
	const url = `http://${HOST}:${opts.port}`;
	// A worker has no web server of its own; its health check server is what says it is up.
	const worker: Record<string, string> =
		opts.command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(opts.port), N8N_WORKER_SERVER_ADDRESS: HOST } : {};
	return {
		...worker,
		N8N_USER_FOLDER: opts.userFolder,
		N8N_PORT: String(opts.port),
		N8N_LISTEN_ADDRESS: HOST,
		N8N_HOST: HOST,
		N8N_PROTOCOL: 'http',
		// Production webhook URLs (and the Twilio Trigger's registered SmsUrl) are built from this.
		WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: `${url}/`,
		N8N_RUNNERS_BROKER_PORT: String(opts.brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// The editor runs on plain http at 127.0.0.1.
		N8N_SECURE_COOKIE: 'false',
		// Community nodes may be used as AI Agent tools only with this.
		N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		// Node 24 first, for the task runner n8n spawns with `node`.
		PATH: [opts.runtime.node.NODE_BIN, process.env.PATH ?? ''].join(path.delimiter),
		HOME: process.env.HOME ?? os.homedir(),
	};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function get(url: string, timeoutMs = 2_000): Promise<number | null> {
	try {
		const res = await harnessFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
		await res.arrayBuffer();
		return res.status;
	} catch {
		return null;
	}
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** SIGTERM to a watchdog's process group, SIGKILL after `graceMs`; resolves once the group is gone. */
export async function stopGroup(pid: number, graceMs: number): Promise<void> {
	if (!groupAlive(pid)) return;
	signalGroup(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
	if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
}

/** A synchronous last resort for a process 'exit' handler, which cannot await: the group's SIGKILL. */
export const killGroupNow = (pid: number) => () => signalGroup(pid, 'SIGKILL');

export async function startN8n(opts: StartOptions): Promise<N8nServer> {
	const log = opts.log ?? (() => undefined);
	const createdFolder = !opts.userFolder;
	const userFolder = opts.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-'));
	fs.mkdirSync(userFolder, { recursive: true });
	if (opts.port !== undefined) await assertPortFree(opts.port, 'n8n editor', 'set N8N_PORT or --n8n-port to use another');
	if (opts.brokerPort !== undefined) await assertPortFree(opts.brokerPort, 'n8n task broker');
	const free = await freePorts(2);
	const ports = { port: opts.port ?? free[0], brokerPort: opts.brokerPort ?? free[1] };

	const command = opts.command ?? 'start';
	const logFile = path.join(userFolder, opts.logName ?? 'n8n.log');
	const out = fs.openSync(logFile, 'a');
	const env: NodeJS.ProcessEnv = { ...process.env, ...n8nEnv({ userFolder, ...ports, runtime: opts.runtime, command }), ...opts.env };
	// Started from jest, n8n would see NODE_ENV=test and refuse to load nodes ("Not available in tests").
	// npm's exported settings (`npm run demo`) would also reach the npm that n8n runs for community packages.
	for (const k of Object.keys(env)) if (/^(JEST_|N8N_COMMS_E2E|npm_(config|package|lifecycle)_)/i.test(k)) delete env[k];
	if (env.NODE_ENV === 'test') env.NODE_ENV = 'production';
	log(`starting n8n ${opts.runtime.version} ${command} on http://${HOST}:${ports.port} (user folder ${userFolder}, log ${logFile})`);
	const child: ChildProcess = spawn(opts.runtime.nodeExec, ['-e', WATCHDOG, String(process.pid), opts.runtime.nodeExec, opts.runtime.cli, command], {
		cwd: userFolder,
		env,
		stdio: ['ignore', out, out],
		detached: true,
	});
	fs.closeSync(out);
	const pid = child.pid;
	if (pid === undefined) throw new N8nStartError(`could not start n8n (${opts.runtime.nodeExec} ${opts.runtime.cli})`, logFile);

	let exited: string | null = null;
	const exitPromise = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exited = `exit code ${code ?? signal}`;
			resolve();
		}),
	);
	const onExit = killGroupNow(pid);
	process.once('exit', onExit);

	let stopping: Promise<void> | null = null;
	let removeFolder = opts.removeUserFolder ?? createdFolder;
	const server: N8nServer = {
		url: `http://${HOST}:${ports.port}`,
		...ports,
		userFolder,
		logFile,
		pid,
		logTail: (lines = 40) => tailOf(logFile, lines),
		stop: () =>
			(stopping ??= (async () => {
				process.removeListener('exit', onExit);
				await stopGroup(pid, 10_000);
				// Bounded, and without a timer left behind (jest waits for pending timers before exiting).
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([exitPromise, new Promise<void>((r) => (timer = setTimeout(r, 2_000)))]);
				clearTimeout(timer);
				if (removeFolder) fs.rmSync(userFolder, { recursive: true, force: true });
			})()),
	};

	try {
		await waitReady(server, () => exited, opts.readyTimeoutMs ?? 180_000, log, command === 'start');
	} catch (e) {
		// Keep the folder (and its log) for a post-mortem when n8n did not come up.
		removeFolder = false;
		await server.stop();
		throw e;
	}
	return server;
}

async function waitReady(server: N8nServer, exited: () => string | null, timeoutMs: number, log: (l: string) => void, restReady: boolean): Promise<void> {
	const started = Date.now();
	let lastBeat = started;
	// n8n, n8n-worker-1, ...: which of several processes sharing a folder this is.
	const who = path.basename(server.logFile, '.log');
	for (;;) {
		const logText = fs.readFileSync(server.logFile, 'utf8');
		// n8n's words: "n8n's port 5678 is already in use…", "n8n Task Broker's port 5679 is already in use…", a worker's "Port 5680 is already in use…".
		const inUse = /port (\d+) is already in use/i.exec(logText) ?? (/EADDRINUSE/.test(logText) ? ['', ''] : null);
		if (inUse) {
			const p = Number(inUse[1]) || server.port;
			throw new PortInUseError(p, p === server.brokerPort ? 'n8n task broker' : 'n8n', `n8n could not bind it. Last lines of ${server.logFile}:\n${server.logTail(15)}`);
		}
		const why = exited();
		if (why) throw new N8nStartError(`${who} exited during start-up (${why}). Last lines of ${server.logFile}:\n${server.logTail()}`, server.logFile);
		// The main's readiness turns 200 once the database is migrated; n8n 1.x registers its REST
		// controllers later still, so the main is ready when its (public) settings answer too.
		if ((await get(`${server.url}/healthz/readiness`)) === 200 && (!restReady || (await get(`${server.url}/rest/settings`)) === 200)) {
			log(`${who} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			return;
		}
		const waited = Date.now() - started;
		if (waited > timeoutMs) {
			throw new N8nStartError(`${who} did not become ready within ${Math.round(timeoutMs / 1000)} s (GET ${server.url}/healthz/readiness). Last lines of ${server.logFile}:\n${server.logTail()}`, server.logFile);
		}
		if (Date.now() - lastBeat >= 10_000) {
			lastBeat = Date.now();
			const last = server.logTail(1).split('\n').pop()?.slice(0, 120) ?? '';
			log(`  waiting for ${who}: ${Math.round(waited / 1000)} s${last ? ` (${last.trim()})` : ''}`);
		}
		await sleep(250);
	}
}
