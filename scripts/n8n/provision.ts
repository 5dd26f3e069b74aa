/**
 * A pinned n8n (n8n-runtime/ for 2.x, n8n-runtime-1.x/ for 1.x: package.json + its committed lockfile), installed once per lockfile
 * into the per-user cache with Node 24, following DESIGN.md §6:
 *   npm ci --legacy-peer-deps --ignore-scripts   (native builds that would download things are skipped)
 *   npm rebuild sqlite3 against Node 24's headers (n8n's default database driver)
 * The install happens in a staging folder that is renamed into place only when complete, under a
 * lock, so a killed install or two concurrent callers never leave a half-installed n8n behind.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { npmEnv, runStep } from './exec';
import { acquireLock } from './lock';
import { N8N_LINES, runtimeInfo, runtimeManifestDir, type N8nLine, type RuntimeInfo } from './paths';

export interface N8nRuntime {
	/** The install folder: `<cache>/n8n-<hash>`. */
	dir: string;
	/** n8n's CLI entry point, run with `nodeExec`. */
	cli: string;
	version: string;
	line: N8nLine;
	/** Node 24's binary. */
	nodeExec: string;
	node: RuntimeInfo;
}

export interface ProvisionOptions {
	/** Which pinned n8n; default 2.x. */
	line?: N8nLine;
	log?: (line: string) => void;
	/** For the whole install; CI allows 90 minutes for everything, a cold install takes about 4. */
	timeoutMs?: number;
}

const MANIFEST_FILES = ['package.json', 'package-lock.json'];

function runtimeHash(node: RuntimeInfo, line: N8nLine): string {
	const h = crypto.createHash('sha256');
	for (const f of MANIFEST_FILES) h.update(fs.readFileSync(path.join(runtimeManifestDir(line), f)));
	h.update(node.NODE_VERSION);
	return h.digest('hex').slice(0, 12);
}

export function pinnedVersion(line: N8nLine = '2.x'): string {
	const pkg = JSON.parse(fs.readFileSync(path.join(runtimeManifestDir(line), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
	return pkg.dependencies.n8n;
}

/** Install paths from the lockfile (`node_modules/a`, `node_modules/a/node_modules/b`). */
function lockfilePackagePaths(line: N8nLine): string[] {
	const lock = JSON.parse(fs.readFileSync(path.join(runtimeManifestDir(line), 'package-lock.json'), 'utf8')) as { packages: Record<string, { link?: boolean }> };
	return Object.entries(lock.packages)
		.filter(([k, v]) => k !== '' && !v.link)
		.map(([k]) => k);
}

/**
 * Packages unpacked so far, for the progress line. npm ci creates every package folder at once and
 * fills them later, so a folder's package.json, not the folder, says that a package has arrived.
 */
function unpacked(root: string, paths: string[]): number {
	return paths.filter((p) => fs.existsSync(path.join(root, p, 'package.json'))).length;
}

function describe(dir: string, node: RuntimeInfo, line: N8nLine): N8nRuntime {
	return {
		dir,
		cli: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		version: pinnedVersion(line),
		line,
		nodeExec: path.join(node.NODE_BIN, 'node'),
		node,
	};
}

/** The runtime's folder if it is already installed, without installing anything. */
export function installedN8nRuntime(line: N8nLine = '2.x'): N8nRuntime | null {
	const node = runtimeInfo();
	const dir = path.join(node.CACHE, `n8n-${runtimeHash(node, line)}`);
	return fs.existsSync(path.join(dir, '.ready')) ? describe(dir, node, line) : null;
}

export async function ensureN8nRuntime(opts: ProvisionOptions = {}): Promise<N8nRuntime> {
	const log = opts.log ?? ((line: string) => process.stderr.write(`[n8n] ${line}\n`));
	const line = opts.line ?? '2.x';
	const node = runtimeInfo();
	const dir = path.join(node.CACHE, `n8n-${runtimeHash(node, line)}`);
	const ready = path.join(dir, '.ready');
	if (fs.existsSync(ready)) return describe(dir, node, line);

	const release = await acquireLock(`${dir}.lock`, {
		timeoutMs: opts.timeoutMs ?? 45 * 60_000,
		onWait: (pid, ms) => log(`waiting for another install of n8n (pid ${pid ?? '?'}) to finish: ${Math.round(ms / 1000)} s`),
	});
	try {
		if (fs.existsSync(ready)) return describe(dir, node, line);
		await install(dir, node, line, log, opts.timeoutMs ?? 45 * 60_000);
		return describe(dir, node, line);
	} finally {
		release();
	}
}

async function install(dir: string, node: RuntimeInfo, line: N8nLine, log: (l: string) => void, timeoutMs: number): Promise<void> {
	const version = pinnedVersion(line);
	const staging = `${dir}.partial`;
	fs.rmSync(staging, { recursive: true, force: true });
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(staging, { recursive: true });
	for (const f of MANIFEST_FILES) fs.copyFileSync(path.join(runtimeManifestDir(line), f), path.join(staging, f));
	const logFile = path.join(staging, 'install.log');
	// The machine's npmrc may point nodedir at another Node's headers; sqlite3 must build against 24's.
	const env = npmEnv(node.NODE_BIN, { npm_config_nodedir: node.NODE_HOME });
	const packages = lockfilePackagePaths(line);
	const started = Date.now();
	const deadline = started + timeoutMs;
	log(`installing n8n ${version} with Node ${node.NODE_VERSION} into ${dir} (once per lockfile; about 4 minutes and 2.2 GB; log: ${logFile})`);

	await runStep('npm ci (n8n runtime)', 'npm', ['ci', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
		cwd: staging,
		env,
		logFile,
		timeoutMs: Math.max(1, deadline - Date.now()),
		heartbeat: (ms) => log(`  npm ci: ${unpacked(staging, packages)} of up to ${packages.length} packages unpacked, ${Math.round(ms / 1000)} s`),
	});
	log(`  npm ci done in ${Math.round((Date.now() - started) / 1000)} s; building sqlite3 for Node ${node.NODE_VERSION}`);

	const rebuildStart = Date.now();
	// build-from-source: prebuild-install would try to download a binary and wait on the network first.
	await runStep('npm rebuild sqlite3', 'npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--build-from-source', '--no-audit', '--no-fund'], {
		cwd: staging,
		env,
		logFile,
		timeoutMs: Math.max(1, deadline - Date.now()),
		heartbeat: (ms) => log(`  building sqlite3: ${Math.round(ms / 1000)} s`),
	});
	await runStep('loading sqlite3 under Node 24', path.join(node.NODE_BIN, 'node'), ['-e', "require('sqlite3')"], {
		cwd: staging,
		env,
		logFile,
		timeoutMs: 60_000,
	});
	log(`  sqlite3 built in ${Math.round((Date.now() - rebuildStart) / 1000)} s`);

	fs.writeFileSync(
		path.join(staging, '.ready'),
		JSON.stringify({ manifest: N8N_LINES[line], n8n: version, node: node.NODE_VERSION, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }) + '\n',
	);
	fs.renameSync(staging, dir);
	log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	removeOutdated(path.dirname(dir), path.basename(dir), N8N_LINES[line], log);
}

/** Which committed runtime a cache folder was installed from; folders from before this was recorded were n8n-runtime's. */
function manifestOf(folder: string): string | null {
	try {
		return (JSON.parse(fs.readFileSync(path.join(folder, '.ready'), 'utf8')) as { manifest?: string }).manifest ?? 'n8n-runtime';
	} catch {
		return null;
	}
}

/**
 * Each install is 2.2 GB, so one from an older lockfile of the same runtime goes once the new one is
 * ready, and so does a staging folder that no live install holds the lock of. Another runtime's
 * folders (another pinned n8n version) are left alone.
 */
export function removeOutdated(cache: string, current: string, manifest: string, log: (l: string) => void): void {
	for (const name of fs.readdirSync(cache)) {
		if (name === current || !/^n8n-[0-9a-f]{12}(\.partial)?$/.test(name)) continue;
		const folder = path.join(cache, name);
		const base = folder.replace(/\.partial$/, '');
		if (fs.existsSync(`${base}.lock`)) continue;
		if (!name.endsWith('.partial') && manifestOf(folder) !== manifest) continue;
		log(`removing the outdated n8n install ${folder}`);
		fs.rmSync(folder, { recursive: true, force: true });
	}
}
