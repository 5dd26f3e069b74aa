/**
 * Installs this repository into an n8n user folder the way a self-hosted user does
 * (`cd ~/.n8n/nodes && npm install n8n-nodes-comms`), except that the package comes from
 * `npm pack` of the current build instead of the registry. Linking the source tree would hide
 * packaging bugs: a file missing from `files`, a runtime dependency listed as a dev dependency.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmEnv, runStep } from './exec';
import { REPO_ROOT } from './paths';
import type { N8nRuntime } from './provision';

export interface InstalledPackage {
	name: string;
	version: string;
	/** The file name `npm pack` produced (the file itself is removed once installed). */
	tarball: string;
	/** `<nodesDir>/node_modules/<name>`; by default `<userFolder>/.n8n/nodes/node_modules/<name>`. */
	dir: string;
	/** Node type names as n8n knows them: `<package>.<node>`. */
	nodeTypes: string[];
	credentialTypes: string[];
}

interface PackageJson {
	name: string;
	version: string;
	n8n: { nodes: string[]; credentials: string[] };
}

function newestMtime(dir: string, ext: RegExp): number {
	let newest = 0;
	for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (e.isFile() && ext.test(e.name)) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
	}
	return newest;
}

/** A stale dist/ would test yesterday's code; say so instead of packing it. */
export function assertBuildFresh(pkg: PackageJson = readPackageJson()): void {
	const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
	if (missing.length) throw new Error(`the package is not built (missing ${missing.join(', ')}): run \`npm run build\` first`);
	const src = Math.max(newestMtime(path.join(REPO_ROOT, 'nodes'), /\.(ts|json|svg)$/), newestMtime(path.join(REPO_ROOT, 'credentials'), /\.(ts|svg)$/));
	const built = newestMtime(path.join(REPO_ROOT, 'dist'), /\.js$/);
	if (src > built + 1000) throw new Error('dist/ is older than nodes/ or credentials/: run `npm run build` first');
}

export function readPackageJson(): PackageJson {
	return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/** `nodes/SendSms/SendSms.node.js` holds class SendSms whose description name is sendSms. */
function typeNames(pkg: PackageJson): { nodeTypes: string[]; credentialTypes: string[] } {
	const load = (file: string): { description?: { name: string }; name?: string } => {
		const mod = require(path.join(REPO_ROOT, file)) as Record<string, new () => { description?: { name: string }; name?: string }>;
		const Cls = Object.values(mod)[0];
		return new Cls();
	};
	return {
		nodeTypes: pkg.n8n.nodes.map((f) => `${pkg.name}.${load(f).description?.name}`),
		credentialTypes: pkg.n8n.credentials.map((f) => String(load(f).name)),
	};
}

/** Every runtime dependency must resolve from the installed package, and n8n-workflow must be n8n's. */
function assertResolvable(dir: string, deps: Record<string, string>, nodesDir: string): void {
	const missing = Object.keys(deps).filter((d) => {
		try {
			require.resolve(`${d}/package.json`, { paths: [dir] });
			return false;
		} catch {
			try {
				require.resolve(d, { paths: [dir] });
				return false;
			} catch {
				return true;
			}
		}
	});
	if (missing.length) throw new Error(`runtime dependencies of the installed package do not resolve from ${dir}: ${missing.join(', ')}`);
	if (fs.existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'))) {
		throw new Error(`n8n-workflow was installed into ${nodesDir}; the nodes would not use n8n's own copy`);
	}
}

/**
 * `npm install <tarball>` flags. Only two shape the installed tree, and they are the ones the README
 * tells users to type: `--legacy-peer-deps` (npm would otherwise add the newest n8n-workflow, our
 * peer, beside the package, and the nodes would run against that copy instead of n8n's own; n8n's
 * Settings → Community Nodes installer strips peer dependencies for the same reason and n8n puts its
 * own on NODE_PATH) and `--ignore-scripts` (n8n's installer runs none either). The others only change
 * npm's output and network use; `--omit=dev` leaves the tree alone because the folder's own
 * package.json has no dev dependencies.
 */
export const NPM_INSTALL_FLAGS = ['--omit=dev', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'] as const;

export async function installPackage(opts: {
	userFolder: string;
	runtime: N8nRuntime;
	log?: (line: string) => void;
	timeoutMs?: number;
	/**
	 * Where to run `npm install`: by default `<userFolder>/.n8n/nodes`, the folder n8n scans. Another
	 * folder is for layouts that reach n8n some other way (a folder bind-mounted there, or one named
	 * in N8N_CUSTOM_EXTENSIONS); it gets no n8n manifest, as a plain `npm install` in an empty folder.
	 */
	nodesDir?: string;
}): Promise<InstalledPackage> {
	const log = opts.log ?? (() => undefined);
	const pkg = readPackageJson();
	assertBuildFresh(pkg);
	const n8nNodesDir = path.join(opts.userFolder, '.n8n', 'nodes');
	const nodesDir = opts.nodesDir ?? n8nNodesDir;
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.mkdirSync(opts.userFolder, { recursive: true });
	const logFile = path.join(opts.userFolder, 'install-package.log');
	const env = npmEnv(opts.runtime.node.NODE_BIN);
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-pack-'));
	const started = Date.now();
	await runStep('npm pack', 'npm', ['pack', '--pack-destination', packDir, '--loglevel=warn'], { cwd: REPO_ROOT, env, logFile, timeoutMs: 120_000 });
	const tarball = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.tgz')) ?? '');
	if (!tarball.endsWith('.tgz')) throw new Error(`npm pack produced no tarball in ${packDir}; see ${logFile}`);
	try {
		await installTarball(tarball, nodesDir, nodesDir === n8nNodesDir, env, logFile, opts.timeoutMs, log, pkg.name);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
	const dir = path.join(nodesDir, 'node_modules', pkg.name);
	const installed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson & { dependencies?: Record<string, string> };
	assertResolvable(dir, installed.dependencies ?? {}, nodesDir);
	log(`installed ${installed.name}@${installed.version} from ${path.basename(tarball)} into ${nodesDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return { name: installed.name, version: installed.version, tarball: path.basename(tarball), dir, ...typeNames(installed) };
}

async function installTarball(
	tarball: string,
	nodesDir: string,
	n8nManifest: boolean,
	env: NodeJS.ProcessEnv,
	logFile: string,
	timeoutMs: number | undefined,
	log: (line: string) => void,
	name: string,
): Promise<void> {
	// What n8n writes there itself when a package is installed from Settings → Community Nodes.
	if (n8nManifest) fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n');
	await runStep(
		'npm install (package into n8n)',
		'npm',
		['install', tarball, ...NPM_INSTALL_FLAGS],
		{ cwd: nodesDir, env, logFile, timeoutMs: timeoutMs ?? 300_000, heartbeat: (ms) => log(`  installing ${name} into n8n: ${Math.round(ms / 1000)} s`) },
	);
}
