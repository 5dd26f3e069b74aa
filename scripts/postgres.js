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
const fs = require('node:fs');
const path = require('node:path');
const { ensureFromApt } = require('./apt');

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

/** Returns PostgreSQL's bin directory, installing Debian's package first if needed; undefined if that is impossible here. */
function ensurePostgres() {
	return ensureFromApt({ tag: 'postgres', pkg: 'postgresql', service: 'postgresql', why: 'for the queue-mode tests (once, about a minute)', find: findPostgresBin });
}

module.exports = { ensurePostgres, findPostgresBin };

if (require.main === module) {
	const p = ensurePostgres();
	if (!p) process.exit(1);
	process.stdout.write(`${p}\n`);
}
