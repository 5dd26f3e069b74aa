/**
 * Child processes for the set-up steps: output goes to a log file (npm is far too chatty for a
 * terminal or a jest run), every step has a time limit, and a failure quotes the log's tail.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StepOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs: number;
	logFile: string;
	/** Called every `heartbeatMs` while the step runs, to show progress. */
	heartbeat?: (elapsedMs: number) => void;
	heartbeatMs?: number;
}

/**
 * The environment for a child `npm`: Node 24 first on PATH, and none of the `npm_config_*` variables
 * that `npm run`/`npm test` export to their scripts. This repository's .npmrc says
 * ignore-scripts=true, and inherited through the environment it would silently turn
 * `npm rebuild sqlite3` into a no-op.
 */
export function npmEnv(nodeBin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^npm_(config|package|lifecycle)_/i.test(k)) env[k] = v;
	}
	return { ...env, PATH: [nodeBin, process.env.PATH ?? ''].join(path.delimiter), npm_config_update_notifier: 'false', ...extra };
}

export function tailOf(file: string, lines = 40): string {
	try {
		const text = fs.readFileSync(file, 'utf8');
		return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
	} catch {
		return '(no log)';
	}
}

/** Runs to completion or throws, quoting the log. The process group is killed on timeout. */
export function runStep(label: string, cmd: string, args: string[], opts: StepOptions): Promise<string> {
	fs.appendFileSync(opts.logFile, `\n$ ${cmd} ${args.join(' ')}   (in ${opts.cwd})\n`);
	const out = fs.openSync(opts.logFile, 'a');
	const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const beat = opts.heartbeat ? setInterval(() => opts.heartbeat?.(Date.now() - started), opts.heartbeatMs ?? 10_000) : null;
		const timer = setTimeout(() => {
			try {
				process.kill(-(child.pid ?? 0), 'SIGKILL');
			} catch {
				// already gone
			}
		}, opts.timeoutMs);
		const done = (err: Error | null) => {
			clearTimeout(timer);
			if (beat) clearInterval(beat);
			if (err) reject(err);
			else resolve(opts.logFile);
		};
		child.on('error', (e) => done(new Error(`${label}: cannot run ${cmd}: ${e.message}`)));
		child.on('exit', (code, signal) => {
			if (code === 0) return done(null);
			const why = Date.now() - started >= opts.timeoutMs ? `timed out after ${Math.round(opts.timeoutMs / 1000)} s` : `failed (exit ${code ?? signal})`;
			done(new Error(`${label} ${why}: ${cmd} ${args.join(' ')}\n--- last lines of ${opts.logFile} ---\n${tailOf(opts.logFile)}`));
		});
	});
}
