/**
 * A throwaway PostgreSQL for n8n's queue mode: Debian's server (scripts/postgres.js installs it) in
 * its own temp data directory on 127.0.0.1 and a free port, with trust authentication for the one
 * local user n8n, under the same watchdog as n8n. PostgreSQL refuses to run as root, so as root it
 * runs as the `postgres` user Debian's package creates.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';
import { freePorts, HOST } from './ports';
import { startService, type Service } from './service';

export interface PostgresServer extends Service {
	database: string;
	user: string;
}

const USER = 'n8n';
const DATABASE = 'n8n';

function binDir(): string {
	const { ensurePostgres } = require(path.join(REPO_ROOT, 'scripts', 'postgres.js')) as { ensurePostgres(): string | undefined };
	const dir = ensurePostgres();
	if (!dir) throw new Error('PostgreSQL is not installed and could not be installed: run `apt-get install postgresql` (the queue-mode set-up uses it)');
	return dir;
}

/** As root: the `postgres` account's ids, and the prefix that runs a command as it. */
function runAs(): { prefix: string[]; uid?: number; gid?: number } {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [] };
	const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (Debian\'s postgresql package creates it)');
	return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid: id('-g') };
}

function run(command: string[], what: string): void {
	const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 120_000 });
	if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
}

export async function startPostgres(opts: { readyTimeoutMs?: number; log?: (line: string) => void } = {}): Promise<PostgresServer> {
	const bin = binDir();
	const as = runAs();
	// Its own folder in the temp dir: the postgres account cannot enter n8n's user folder (mode 700, root's).
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-pg-'));
	if (as.uid !== undefined) fs.chownSync(dir, as.uid, as.gid ?? as.uid);
	const data = path.join(dir, 'data');
	run([...as.prefix, path.join(bin, 'initdb'), '-D', data, '-U', USER, '--auth=trust', '--encoding=UTF8', '--no-sync'], 'initdb');
	const [port] = await freePorts(1);
	// fsync off: the data is thrown away, and the tests should not wait on the disk.
	const args = ['-D', data, '-h', HOST, '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
	const isReady = () => spawnSync(path.join(bin, 'pg_isready'), ['-q', '-h', HOST, '-p', String(port)]).status === 0;
	const service = await startService({
		name: 'postgres',
		command: [...as.prefix, path.join(bin, 'postgres'), ...args],
		cwd: dir,
		port,
		logFile: path.join(dir, 'postgres.log'),
		ready: async () => isReady(),
		readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
		log: opts.log,
	});
	try {
		run([path.join(bin, 'createdb'), '-h', HOST, '-p', String(port), '-U', USER, DATABASE], 'createdb');
	} catch (e) {
		await service.stop();
		throw e;
	}
	return {
		...service,
		database: DATABASE,
		user: USER,
		stop: async () => {
			await service.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** n8n's settings for this database. */
export function postgresEnv(pg: PostgresServer): Record<string, string> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		// Trust authentication on 127.0.0.1; a production set-up sets a password here.
		DB_POSTGRESDB_PASSWORD: '',
	};
}
