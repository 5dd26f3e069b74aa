/**
 * n8n in queue mode, locally: a Redis, a PostgreSQL, one main (`n8n start`: editor, REST, activation), a webhook
 * process (`n8n webhook`: production webhooks) and workers (`n8n worker`: every execution), all
 * sharing one user folder, so one encryption key (.n8n/config) and one installed package
 * (.n8n/nodes), and one PostgreSQL database. Our package is installed and the instance set up as in startStack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { installPackage, type InstalledPackage } from './install-package';
import { freePorts, HOST } from './ports';
import { ensureN8nRuntime } from './provision';
import { postgresEnv, startPostgres, type PostgresServer } from './postgres-server';
import { startRedis, type RedisServer } from './redis-server';
import { startN8n, type N8nServer } from './server';
import { setUpInstance, timer, type InstanceSetup } from './stack';

export interface QueueStackOptions {
	/** Default 2. */
	workers?: number;
	/** Webhook processes behind the one WEBHOOK_URL, as behind a load balancer; default 2. */
	webhookProcesses?: number;
	/** Workflow files to import and activate on the main; default every examples/*.json. */
	examples?: string[];
	statusStepMs?: number;
	log?: (line: string) => void;
	/** Keep the user folder (logs, database) after stop; it is always kept when start-up fails. */
	keepUserFolder?: boolean;
	/** Extra environment for the workers only, e.g. N8N_CONCURRENCY_PRODUCTION_LIMIT=1 (one job each). */
	workerEnv?: Record<string, string>;
}

export interface QueueStack extends InstanceSetup {
	sandbox: Sandbox;
	redis: RedisServer;
	/** The database every process shares: n8n's docs do not support queue mode on SQLite. */
	postgres: PostgresServer;
	main: N8nServer;
	/** Receives production webhooks: WEBHOOK_URL points here. */
	webhook: N8nServer;
	/** Every webhook process, `webhook` first; the others serve the same webhooks on their own ports. */
	webhooks: N8nServer[];
	workers: N8nServer[];
	pkg: InstalledPackage;
	userFolder: string;
	timings: Record<string, number>;
	stop(): Promise<void>;
}

/** What makes the processes one queue-mode instance. */
export function queueEnv(opts: { redis: RedisServer; mainUrl: string; webhookUrl: string }): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: opts.redis.host,
		QUEUE_BULL_REDIS_PORT: String(opts.redis.port),
		// Every process builds production webhook URLs (and the Twilio trigger's SmsUrl) from this.
		WEBHOOK_URL: `${opts.webhookUrl}/`,
		N8N_EDITOR_BASE_URL: `${opts.mainUrl}/`,
		// A stopping worker waits this long for running executions; the test never leaves any running.
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
	};
}

export async function startQueueStack(opts: QueueStackOptions = {}): Promise<QueueStack> {
	const log = opts.log ?? (() => undefined);
	const timings: Record<string, number> = {};
	const time = timer(timings);
	const runtime = await time('n8nRuntime', () => ensureN8nRuntime({ log }));
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-queue-'));
	let keepFolder = opts.keepUserFolder ?? false;
	const processes: N8nServer[] = [];
	const services: Array<() => Promise<void>> = [];
	const stop = async () => {
		// n8n first, all at once: a process shutting down still talks to Redis (and its executions to the sandbox).
		await Promise.all(processes.splice(0).map((p) => p.stop().catch(() => undefined)));
		for (const s of services.splice(0).reverse()) await s().catch(() => undefined);
		if (!keepFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	};
	const started = (p: N8nServer): N8nServer => {
		processes.push(p);
		return p;
	};
	try {
		const pkg = await time('installPackage', () => installPackage({ userFolder, runtime, log }));
		const redis = await time('redis', () => startRedis({ dir: userFolder, log }));
		services.push(() => redis.stop());
		const postgres = await time('postgres', () => startPostgres({ log }));
		services.push(() => postgres.stop());
		const sandbox = await time('sandbox', () => startSandbox({ port: 0, host: HOST, statusStepMs: opts.statusStepMs ?? 1000 }));
		services.push(() => sandbox.close());
		log(`sandbox listening on ${sandbox.url}`);

		const [mainPort, webhookPort] = await freePorts(2);
		const env = { ...queueEnv({ redis, mainUrl: `http://${HOST}:${mainPort}`, webhookUrl: `http://${HOST}:${webhookPort}` }), ...postgresEnv(postgres) };
		const common = { runtime, userFolder, env, log, removeUserFolder: false };
		// The main alone first: it creates the database and the encryption key the others read.
		const main = started(await time('main', () => startN8n({ ...common, port: mainPort })));
		// Set-up through the main's REST API overlaps with the other processes starting.
		const setupP = setUpInstance({ n8n: main, pkg, sandboxUrl: sandbox.url, chatModel: sandbox.chatModel, examples: opts.examples, log });
		// Awaited below, after the processes settle; until then a failure must not count as unhandled.
		setupP.catch(() => undefined);
		const webhookCount = Math.max(1, opts.webhookProcesses ?? 2);
		const webhookPs = Array.from({ length: webhookCount }, (_, i) =>
			startN8n({ ...common, command: 'webhook', port: i === 0 ? webhookPort : undefined, logName: i === 0 ? 'n8n-webhook.log' : `n8n-webhook-${i + 1}.log` }),
		);
		const workerPs = Array.from({ length: opts.workers ?? 2 }, (_, i) => startN8n({ ...common, env: { ...env, ...opts.workerEnv }, command: 'worker', logName: `n8n-worker-${i + 1}.log` }));
		// Settled, not Promise.all: a process still starting when another fails must be stopped too.
		const settled = await time('others', () => Promise.allSettled([...webhookPs, ...workerPs]));
		for (const r of settled) if (r.status === 'fulfilled') started(r.value);
		const setup = await setupP;
		const failed = settled.find((r) => r.status === 'rejected');
		if (failed) throw failed.reason;
		const all = settled.map((r) => (r as PromiseFulfilledResult<N8nServer>).value);
		const webhooks = all.slice(0, webhookCount);
		const workers = all.slice(webhookCount);
		const webhook = webhooks[0];
		log(`queue mode ready: ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
		return { sandbox, redis, postgres, main, webhook, webhooks, workers, pkg, userFolder, ...setup, timings, stop };
	} catch (e) {
		keepFolder = opts.keepUserFolder ?? true;
		await stop();
		if (keepFolder) log(`kept ${userFolder} for its logs`);
		throw e;
	}
}
