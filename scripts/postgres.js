/*
 * Debian's PostgreSQL for the queue-mode tests: n8n's docs say queue mode on SQLite "isn't
 * supported", so the scale-out tests and `npm run demo -- --queue` run on PostgreSQL, which comes
 * from apt (no network beyond npm and Debian here). Plain JS with no dependencies, for
 * `node scripts/runtime.js test`; it also runs alone:
 *
 *   node scripts/postgres.js     install postgresql if missing, print its bin directory
 *
 * Only the binaries are wanted: the tests start their own server in a throw-away data directory on
 * a free port and stop it (scripts/n8n/postgres-server.ts).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { aptInstall } = require('./apt');

const ROOT = '/usr/lib/postgresql';

/** The newest installed major version's bin directory (Debian keeps one per version). */
function findPostgresBin() {
	const fromEnv = process.env.POSTGRES_BIN_DIR;
	if (fromEnv) return fs.existsSync(path.join(fromEnv, 'postgres')) ? fromEnv : undefined;
	if (!fs.existsSync(ROOT)) return undefined;
	const versions = fs
		.readdirSync(ROOT)
		.filter((v) => fs.existsSync(path.join(ROOT, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(ROOT, versions[0], 'bin') : undefined;
}

function log(msg) {
	process.stderr.write(`[postgres] ${msg}\n`);
}

/** The package starts a cluster on :5432 for good; the tests run their own, so it is stopped. */
function stopPackagedService() {
	spawnSync('sh', ['-c', 'command -v systemctl >/dev/null && systemctl disable --now postgresql; command -v service >/dev/null && service postgresql stop'], {
		stdio: 'ignore',
		timeout: 60_000,
	});
}

/** Returns PostgreSQL's bin directory, installing Debian's package first if needed; undefined if that is impossible here. */
function ensurePostgres() {
	const found = findPostgresBin();
	if (found) return found;
	log("installing Debian's postgresql package for the queue-mode tests (once, about a minute)");
	const t0 = Date.now();
	if (!aptInstall('postgresql')) {
		log('could not install postgresql (needs root or password-less sudo); the queue-mode tests will fail until `apt-get install postgresql` is run');
		return undefined;
	}
	stopPackagedService();
	log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	return findPostgresBin();
}

module.exports = { ensurePostgres, findPostgresBin };

if (require.main === module) {
	const p = ensurePostgres();
	if (!p) process.exit(1);
	process.stdout.write(`${p}\n`);
}
