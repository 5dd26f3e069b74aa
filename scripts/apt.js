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

module.exports = { aptInstall };
