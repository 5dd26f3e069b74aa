#!/usr/bin/env node
/*
 * Runs one of the scripts/n8n entry points (demo, sandbox-sms) under Node 24, compiling them first
 * only when the sources changed, so `npm run sandbox:sms` answers in a second.
 *   node scripts/n8n/run.js <demo|sandbox-sms> [args...]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'dist-sandbox', 'scripts', 'n8n');
const [name, ...args] = process.argv.slice(2);
if (!name || !fs.existsSync(path.join(__dirname, `${name}.ts`))) {
	process.stderr.write('usage: node scripts/n8n/run.js <demo|sandbox-sms> [args...]\n');
	process.exit(2);
}

function newest(dir) {
	let t = 0;
	for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (e.isFile() && e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
	}
	return t;
}

const runtime = (cmd) => spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'runtime.js'), 'run', ...cmd], { stdio: 'inherit', cwd: ROOT });
const out = path.join(OUT, `${name}.js`);
const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
if (built < Math.max(newest(__dirname), newest(path.join(ROOT, 'sandbox')))) {
	const r = runtime(['tsc', '-p', path.join('scripts', 'n8n', 'tsconfig.json')]);
	if (r.status !== 0) process.exit(r.status ?? 1);
}
// The child handles Ctrl-C itself (it must stop n8n first); this wrapper only waits for it.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
const r = runtime(['node', out, ...args]);
process.exit(r.status ?? 1);
