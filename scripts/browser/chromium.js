/*
 * Debian's Chromium for the editor tests. Playwright's own browser download cannot work here (no
 * network beyond npm and Debian), so the browser comes from apt. Plain JS with no dependencies:
 * `node scripts/runtime.js test` calls it before jest, and it also runs alone:
 *
 *   node scripts/browser/chromium.js     install Chromium if missing, print its path
 */
'use strict';
const fs = require('node:fs');
const { aptInstall } = require('../apt');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function findChromium() {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
	return CANDIDATES.find((p) => fs.existsSync(p));
}

function log(msg) {
	process.stderr.write(`[chromium] ${msg}\n`);
}

/** Returns Chromium's path, installing Debian's package first if needed; undefined if that is impossible here. */
function ensureChromium() {
	const found = findChromium();
	if (found) return found;
	log("installing Debian's chromium package for the editor tests (once, about 30 s)");
	const t0 = Date.now();
	if (!aptInstall('chromium')) {
		log('could not install chromium (needs root or password-less sudo); the browser tests will fail until `apt-get install chromium` is run');
		return undefined;
	}
	log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	return findChromium();
}

module.exports = { ensureChromium, findChromium };

if (require.main === module) {
	const p = ensureChromium();
	if (!p) process.exit(1);
	process.stdout.write(`${p}\n`);
}
