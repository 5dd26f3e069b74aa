/**
 * A cross-process lock as a directory: mkdir is atomic, so two test runs or a demo and a test run
 * started together install n8n once. The owner's pid is written inside, and a lock whose owner is
 * gone (killed mid-install) is taken over instead of blocking forever.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LockOptions {
	timeoutMs: number;
	/** Called now and then while another process holds the lock. */
	onWait?: (holderPid: number | null, waitedMs: number) => void;
	pollMs?: number;
}

function holder(dir: string): number | null {
	try {
		const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
		return Number.isInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null;
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with a release function once this process holds `dir`. */
export async function acquireLock(dir: string, opts: LockOptions): Promise<() => void> {
	const started = Date.now();
	let lastReport = 0;
	const pollMs = opts.pollMs ?? 500;
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	for (;;) {
		try {
			fs.mkdirSync(dir);
			fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
			return () => fs.rmSync(dir, { recursive: true, force: true });
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		const pid = holder(dir);
		const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
		// No pid yet is normal for a moment between mkdir and writeFile; after a few seconds it is a crash.
		if ((pid !== null && !alive(pid)) || (pid === null && age > 5_000)) {
			fs.rmSync(dir, { recursive: true, force: true });
			continue;
		}
		const waited = Date.now() - started;
		if (waited > opts.timeoutMs) {
			throw new Error(`timed out after ${Math.round(waited / 1000)} s waiting for the lock ${dir} held by pid ${pid ?? '?'}; remove it if that process is gone`);
		}
		if (opts.onWait && waited - lastReport >= 10_000) {
			lastReport = waited;
			opts.onWait(pid, waited);
		}
		await sleep(pollMs);
	}
}
