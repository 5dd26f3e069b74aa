/*
 * Debian's Redis for the queue-mode tests: n8n's queue mode needs a Redis (Bull), and there is no
 * network beyond npm and Debian here, so it comes from apt. Plain JS with no dependencies:
 * `node scripts/runtime.js test` calls it before jest, and it also runs alone:
 *
 *   node scripts/redis.js     install redis-server if missing, print its path
 *
 * Only the binary is wanted: the tests start their own redis-server on a free port and stop it.
 */
'use strict';
const fs = require('node:fs');
const { ensureFromApt } = require('./apt');

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

function findRedis() {
	const fromEnv = process.env.REDIS_SERVER_PATH;
	if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
	return CANDIDATES.find((p) => fs.existsSync(p));
}

/** Returns redis-server's path, installing Debian's package first if needed; undefined if that is impossible here. */
function ensureRedis() {
	return ensureFromApt({ tag: 'redis', pkg: 'redis-server', service: 'redis-server', why: 'for the queue-mode tests (once, about 10 s)', find: findRedis });
}

module.exports = { ensureRedis, findRedis };

if (require.main === module) {
	const p = ensureRedis();
	if (!p) process.exit(1);
	process.stdout.write(`${p}\n`);
}
