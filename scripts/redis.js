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
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { aptInstall } = require('./apt');

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

function findRedis() {
	const fromEnv = process.env.REDIS_SERVER_PATH;
	if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
	return CANDIDATES.find((p) => fs.existsSync(p));
}

function log(msg) {
	process.stderr.write(`[redis] ${msg}\n`);
}

/**
 * Stops the service Debian's package starts on :6379: the tests run their own server, and a
 * system-wide one listening for good is not something a test run should leave behind.
 */
function stopPackagedService() {
	spawnSync('sh', ['-c', 'command -v systemctl >/dev/null && systemctl disable --now redis-server; command -v service >/dev/null && service redis-server stop'], {
		stdio: 'ignore',
		timeout: 30_000,
	});
}

/** Returns redis-server's path, installing Debian's package first if needed; undefined if that is impossible here. */
function ensureRedis() {
	const found = findRedis();
	if (found) return found;
	log("installing Debian's redis-server package for the queue-mode tests (once, about 10 s)");
	const t0 = Date.now();
	if (!aptInstall('redis-server')) {
		log('could not install redis-server (needs root or password-less sudo); the queue-mode tests will fail until `apt-get install redis-server` is run');
		return undefined;
	}
	stopPackagedService();
	log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	return findRedis();
}

module.exports = { ensureRedis, findRedis };

if (require.main === module) {
	const p = ensureRedis();
	if (!p) process.exit(1);
	process.stdout.write(`${p}\n`);
}
