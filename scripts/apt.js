/*
 * Installs a Debian package for the tests that need a system program (Chromium, Redis): there is no
 * network here beyond npm and Debian. Plain JS with no dependencies, for scripts/runtime.js.
 */
'use strict';
const { spawnSync } = require('node:child_process');

/** apt-get as root, or through password-less sudo; anything else is for the user to do. */
function aptGet(args, timeoutMs) {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const [cmd, argv] = isRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
	const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: timeoutMs });
	return r.status === 0;
}

/** True once `pkg` is installed; the package lists are refreshed only when the first try fails. */
function aptInstall(pkg, timeoutMs = 15 * 60_000) {
	const install = ['install', '-y', '-q', '--no-install-recommends', pkg];
	return aptGet(install, timeoutMs) || (aptGet(['update', '-q'], timeoutMs) && aptGet(install, timeoutMs));
}

/**
 * The shared flow of scripts/redis.js and scripts/postgres.js: `find()` what is installed, else
 * install Debian's `pkg`, stop the service the package starts for good (the tests run their own
 * server on a free port), and find again. Undefined when installing is impossible here.
 */
function ensureFromApt({ tag, pkg, service, why, find }) {
	const log = (msg) => process.stderr.write(`[${tag}] ${msg}\n`);
	const found = find();
	if (found) return found;
	log(`installing Debian's ${pkg} package ${why}`);
	const t0 = Date.now();
	if (!aptInstall(pkg)) {
		log(`could not install ${pkg} (needs root or password-less sudo); the queue-mode tests will fail until \`apt-get install ${pkg}\` is run`);
		return undefined;
	}
	spawnSync('sh', ['-c', `command -v systemctl >/dev/null && systemctl disable --now ${service}; command -v service >/dev/null && service ${service} stop`], {
		stdio: 'ignore',
		timeout: 60_000,
	});
	log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	return find();
}

module.exports = { aptInstall, ensureFromApt };
