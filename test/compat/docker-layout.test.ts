/**
 * The README's Docker instructions, replayed without Docker against the pinned n8n 2.x. The commands
 * are read from the README's "### Docker" section, so the test installs exactly what a user types:
 *  - a temporary folder stands for the container's `/`: n8n gets `N8N_USER_FOLDER=<root>/home/node`
 *    (the image's home; the data volume is `<root>/home/node/.n8n`) and the Dockerfile's `ENV` and the
 *    `docker run -e` variables, container paths mapped under `<root>`;
 *  - the packed package is installed with the README's npm flags where each layout installs it: a host
 *    `n8n-nodes` folder that is then moved to where the bind mount shows it, or the Dockerfile's WORKDIR.
 * Then n8n must know every type under the names the README gives, serve the icons, resolve the
 * dependencies from the layout's own node_modules, and send an SMS and an email through the nodes.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { NUMBER_MAIN, RESEND_FROM, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { harnessFetch } from '../../scripts/n8n/http';
import { installPackage, NPM_INSTALL_FLAGS, type InstalledPackage } from '../../scripts/n8n/install-package';
import { activateWorkflow, bindCredentials, createCredential, createWorkflow, credentialTypes, nodeTypes, setupOwner, type WorkflowJson } from '../../scripts/n8n/instance';
import { REPO_ROOT } from '../../scripts/n8n/paths';
import { HOST } from '../../scripts/n8n/ports';
import { ensureN8nRuntime, type N8nRuntime } from '../../scripts/n8n/provision';
import { N8nRest } from '../../scripts/n8n/rest';
import { startN8n, type N8nServer } from '../../scripts/n8n/server';
import { assertPackageLoaded, resendCredentialData, twilioCredentialData } from '../../scripts/n8n/stack';
import { requestNode } from '../support/n8n/requestNode';
import { SandboxClient } from '../support/n8n/sandboxClient';

// ---------------------------------------------------------------- the README's commands

const PACKAGE = 'n8n-nodes-comms';
/** The image's home: n8n's user folder, with the data volume at `.n8n` below it. */
const CONTAINER_HOME = '/home/node';
const CONTAINER_NODES = `${CONTAINER_HOME}/.n8n/nodes`;
/**
 * Flags installPackage passes that a README command may leave out: they change npm's output and
 * network use, and `--omit=dev` has nothing to omit in a folder whose package.json has no dev deps.
 */
const TREE_NEUTRAL_FLAGS = new Set(['--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn']);

interface DockerRun {
	volumes: Array<{ source: string; target: string }>;
	env: Record<string, string>;
	workdir?: string;
	entrypoint?: string;
	image: string;
	args: string[];
}

interface NpmInstall {
	/** Where it runs: host folders relative to the shell's start, or a container path. */
	cwd: string;
	flags: string[];
}

interface ReadmeDocker {
	mounted: { hostInstall: NpmInstall; imageNpm: { run: DockerRun; install: NpmInstall }; run: DockerRun };
	derived: { install: NpmInstall; env: Record<string, string>; tag: string; run: DockerRun };
}

function dockerSection(readme: string): string {
	const start = readme.indexOf('\n### Docker\n');
	if (start < 0) throw new Error('README.md has no "### Docker" section');
	const rest = readme.slice(start + 1);
	const end = rest.slice(1).search(/\n##{1,2} /);
	return end < 0 ? rest : rest.slice(0, end + 1);
}

function codeBlocks(md: string): Array<{ lang: string; text: string }> {
	return [...md.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
}

/** Shell lines with `\` continuations joined, comments dropped, then split on `&&`. */
function shellCommands(text: string): string[][] {
	return text
		.replace(/\\\n\s*/g, ' ')
		.split('\n')
		.map((l) => l.replace(/(^|\s)#.*$/, '').trim())
		.filter(Boolean)
		.flatMap((l) => l.split('&&').map((c) => (c.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((t) => t.replace(/^(["'])(.*)\1$/, '$2'))));
}

function npmInstallFlags(argv: string[]): string[] | null {
	const i = argv.indexOf('install');
	return i >= 0 && argv[i + 1] === PACKAGE ? argv.slice(i + 2) : null;
}

const DOCKER_RUN_VALUE_OPTIONS = new Set(['-v', '-e', '-p', '-w', '--name', '--user', '--entrypoint']);

function parseDockerRun(argv: string[]): DockerRun {
	const run: DockerRun = { volumes: [], env: {}, image: '', args: [] };
	let i = 2;
	for (; i < argv.length && argv[i].startsWith('-'); i++) {
		const opt = argv[i];
		if (!DOCKER_RUN_VALUE_OPTIONS.has(opt)) continue;
		const value = argv[++i];
		if (opt === '-v') {
			const [source, target] = value.split(':');
			run.volumes.push({ source, target });
		} else if (opt === '-e') {
			const [k, ...v] = value.split('=');
			run.env[k] = v.join('=');
		} else if (opt === '-w') run.workdir = value;
		else if (opt === '--entrypoint') run.entrypoint = value;
	}
	run.image = argv[i];
	run.args = argv.slice(i + 1);
	return run;
}

function readReadmeDocker(): ReadmeDocker {
	const blocks = codeBlocks(dockerSection(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')));
	const runs: DockerRun[] = [];
	const hostInstalls: NpmInstall[] = [];
	let tag = '';
	for (const block of blocks.filter((b) => b.lang === 'bash')) {
		const cwd: string[] = [];
		for (const argv of shellCommands(block.text)) {
			if (argv[0] === 'cd') {
				if (argv[1] === '..') cwd.pop();
				else cwd.push(argv[1]);
			} else if (argv[0] === 'npm') {
				const flags = npmInstallFlags(argv);
				if (flags) hostInstalls.push({ cwd: cwd.join('/'), flags });
			} else if (argv[0] === 'docker' && argv[1] === 'run') runs.push(parseDockerRun(argv));
			else if (argv[0] === 'docker' && argv[1] === 'build') tag = argv[argv.indexOf('-t') + 1];
		}
	}
	const dockerfile = blocks.find((b) => b.lang === 'dockerfile');
	if (!dockerfile) throw new Error('README.md\'s Docker section has no ```dockerfile block');
	let workdir = '/';
	let install: NpmInstall | undefined;
	const imageEnv: Record<string, string> = {};
	for (const line of dockerfile.text.split('\n')) {
		const [instr, ...rest] = line.trim().split(/\s+/);
		if (instr === 'WORKDIR') workdir = rest[0];
		if (instr === 'ENV') for (const kv of rest) imageEnv[kv.split('=')[0]] = kv.split('=').slice(1).join('=');
		if (instr === 'RUN') {
			const flags = shellCommands(rest.join(' ')).map(npmInstallFlags).find((f) => f);
			if (flags) install = { cwd: workdir, flags };
		}
	}
	const mountedRun = runs.find((r) => r.volumes.some((v) => v.target === CONTAINER_NODES));
	const imageNpmRun = runs.find((r) => r.entrypoint === 'npm');
	const derivedRun = runs.find((r) => r.image === tag);
	const hostInstall = hostInstalls[0];
	const imageNpmFlags = imageNpmRun && npmInstallFlags(['npm', ...imageNpmRun.args]);
	if (!mountedRun || !hostInstall || !imageNpmRun || !imageNpmFlags || !install || !tag || !derivedRun) {
		throw new Error(
			`README.md's Docker section lacks a command the test replays: ${JSON.stringify({ mountedRun, hostInstall, imageNpmRun, dockerfileInstall: install, tag, derivedRun })}`,
		);
	}
	return {
		mounted: { hostInstall, imageNpm: { run: imageNpmRun, install: { cwd: imageNpmRun.workdir ?? '/', flags: imageNpmFlags } }, run: mountedRun },
		derived: { install, env: imageEnv, tag, run: derivedRun },
	};
}

const readme = readReadmeDocker();

/** A container path as the replay sees it. */
const inContainer = (root: string, p: string) => path.join(root, p);

describe('the README\'s Docker commands', () => {
	it('install with the flags installPackage uses, apart from ones that leave the tree alone', () => {
		const installs = [readme.mounted.hostInstall, readme.mounted.imageNpm.install, readme.derived.install];
		for (const { flags } of installs) {
			expect(flags).toEqual(readme.mounted.hostInstall.flags);
			expect(NPM_INSTALL_FLAGS.filter((f) => !flags.includes(f)).filter((f) => !TREE_NEUTRAL_FLAGS.has(f))).toEqual([]);
			expect(flags.filter((f) => !(NPM_INSTALL_FLAGS as readonly string[]).includes(f))).toEqual([]);
		}
	});

	it('the image-npm variant installs into the same host folder that is mounted at the nodes folder', () => {
		const { run } = readme.mounted.imageNpm;
		const hostFolder = readme.mounted.run.volumes.find((v) => v.target === CONTAINER_NODES)?.source;
		expect(hostFolder).toBe(`$PWD/${readme.mounted.hostInstall.cwd}`);
		expect(run.volumes).toContainEqual({ source: hostFolder, target: run.workdir });
		expect(run.image).toBe(readme.mounted.run.image);
	});

	it('every docker run that starts n8n keeps the data volume at /home/node/.n8n and sets N8N_UNVERIFIED_PACKAGES_ENABLED=true (n8n 3.0)', () => {
		for (const run of [readme.mounted.run, readme.derived.run]) {
			expect(run.volumes.map((v) => v.target)).toContain(`${CONTAINER_HOME}/.n8n`);
			expect(run.env.N8N_UNVERIFIED_PACKAGES_ENABLED).toBe('true');
		}
	});
});

// ---------------------------------------------------------------- replaying each layout

interface Layout {
	title: string;
	/** What n8n prefixes our node types with in this layout. */
	prefix: string;
	/** The other layout's prefix: no type may carry it. */
	otherPrefix: string;
	/** Installs like the README, returns n8n's environment and where the package and its dependencies are. */
	prepare(root: string, host: string, runtime: N8nRuntime, log: (l: string) => void): Promise<{ pkg: InstalledPackage; env: Record<string, string>; packageDir: string; modulesDir: string }>;
}

const LAYOUTS: Layout[] = [
	{
		title: 'mounted nodes folder (recommended)',
		prefix: PACKAGE,
		otherPrefix: 'CUSTOM',
		async prepare(root, host, runtime, log) {
			const { hostInstall, run } = readme.mounted;
			const hostFolder = path.join(host, hostInstall.cwd);
			const pkg = await installPackage({ userFolder: inContainer(root, CONTAINER_HOME), nodesDir: hostFolder, runtime, log });
			// A bind mount shows the same files under another path; moving the folder there is the closest
			// a test gets without Docker (an npm install must not depend on where it was made).
			const target = inContainer(root, CONTAINER_NODES);
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.renameSync(hostFolder, target);
			expect(run.env.N8N_CUSTOM_EXTENSIONS).toBeUndefined();
			return { pkg, env: run.env, packageDir: path.join(target, 'node_modules', PACKAGE), modulesDir: path.join(target, 'node_modules') };
		},
	},
	{
		title: 'derived image with N8N_CUSTOM_EXTENSIONS',
		prefix: 'CUSTOM',
		otherPrefix: PACKAGE,
		async prepare(root, _host, runtime, log) {
			const { install, env: imageEnv, run } = readme.derived;
			const installDir = inContainer(root, install.cwd);
			const pkg = await installPackage({ userFolder: inContainer(root, CONTAINER_HOME), nodesDir: installDir, runtime, log });
			const env = { ...imageEnv, ...run.env };
			expect(env.N8N_CUSTOM_EXTENSIONS).toBeDefined();
			env.N8N_CUSTOM_EXTENSIONS = env.N8N_CUSTOM_EXTENSIONS.split(';').map((p) => inContainer(root, p)).join(';');
			// Nothing in the data volume: the types can only come from the custom-extensions folder.
			expect(fs.existsSync(path.join(inContainer(root, CONTAINER_NODES), 'node_modules', PACKAGE))).toBe(false);
			return { pkg, env, packageDir: path.join(installDir, 'node_modules', PACKAGE), modulesDir: path.join(installDir, 'node_modules') };
		},
	},
];

type IconUrl = string | { light: string; dark: string };
const iconUrls = (icon: IconUrl | undefined): string[] => (icon === undefined ? [] : typeof icon === 'string' ? [icon] : [icon.light, icon.dark]);

/** Where Node resolves each dependency from a file in `fromDir`, as n8n's require of our node files does. */
function resolveFrom(runtime: N8nRuntime, fromDir: string, deps: string[]): Record<string, string | null> {
	const script = `
const out = {};
for (const d of ${JSON.stringify(deps)}) {
	out[d] = null;
	for (const spec of [d + '/package.json', d]) {
		try { out[d] = require('node:fs').realpathSync(require.resolve(spec, { paths: [${JSON.stringify(fromDir)}] })); break; } catch {}
	}
}
process.stdout.write(JSON.stringify(out));`;
	// No NODE_PATH: n8n's own node_modules must not be what makes a dependency resolve.
	const env = { ...process.env };
	delete env.NODE_PATH;
	return JSON.parse(execFileSync(runtime.nodeExec, ['-e', script], { env, encoding: 'utf8' })) as Record<string, string | null>;
}

function smsThenEmail(webhookPath: string, prefix: string, tag: string): WorkflowJson {
	return {
		name: `compat: docker layout ${tag}`,
		nodes: ([
			requestNode(webhookPath),
			{
				name: 'Send SMS',
				type: `${prefix}.sendSms`,
				typeVersion: 1,
				position: [200, 0],
				parameters: { to: SAMPLE_RECIPIENT, body: tag, options: {} },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			},
			{
				name: 'Send Email',
				type: `${prefix}.sendEmail`,
				typeVersion: 1,
				position: [400, 0],
				parameters: { to: 'ada@example.com', subject: tag, text: `={{ 'SMS ' + $json.sid }}`, options: {} },
				credentials: { resendCommsApi: { id: null, name: 'Resend sandbox' } },
			},
		] as WorkflowJson['nodes']).map((n) => ({ id: randomUUID(), ...n })),
		connections: {
			Request: { main: [[{ node: 'Send SMS', type: 'main', index: 0 }]] },
			'Send SMS': { main: [[{ node: 'Send Email', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

let sandbox: Sandbox;
let sandboxClient: SandboxClient;
let runtime: N8nRuntime;
const log = (line: string) => process.stderr.write(`[docker-layout] ${line}\n`);

beforeAll(async () => {
	runtime = await ensureN8nRuntime({ line: '2.x', log });
	sandbox = await startSandbox({ port: 0, host: HOST, statusStepMs: 50 });
	sandboxClient = new SandboxClient(sandbox.url);
});

afterAll(async () => {
	await sandbox?.close();
});

describe.each(LAYOUTS)('$title', (layout) => {
	let root: string;
	let n8n: N8nServer | undefined;
	let rest: N8nRest;
	let pkg: InstalledPackage;
	let packageDir: string;
	let modulesDir: string;
	/** The package's types as n8n names them in this layout. */
	let expected: { nodes: string[]; credentials: string[] };
	/** A failed set-up quotes n8n.log and install-package.log: keep them to read. */
	let keep = process.env.N8N_COMMS_KEEP === '1';

	beforeAll(async () => {
		root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-docker-'));
		try {
			const container = path.join(root, 'container');
			const host = path.join(root, 'host');
			fs.mkdirSync(host);
			const prepared = await layout.prepare(container, host, runtime, log);
			({ pkg, packageDir, modulesDir } = prepared);
			const userFolder = inContainer(container, CONTAINER_HOME);
			n8n = await startN8n({ runtime, userFolder, env: prepared.env, log, removeUserFolder: false });
			rest = new N8nRest(n8n.url);
			await setupOwner(rest);
			expected = {
				nodes: pkg.nodeTypes.map((t) => `${layout.prefix}.${t.slice(pkg.name.length + 1)}`),
				credentials: pkg.credentialTypes,
			};
			// Fails with n8n's loader error from the log when a type is missing.
			await assertPackageLoaded(n8n, rest, { ...pkg, nodeTypes: expected.nodes });
		} catch (e) {
			keep = true;
			throw e;
		}
	}, 10 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		if (keep) log(`kept ${root}`);
		else if (root) fs.rmSync(root, { recursive: true, force: true });
	}, 60_000);

	it(`n8n knows every node type as ${layout.prefix}.*, the tools and both credential types, and none as ${layout.otherPrefix}.*`, async () => {
		const known = await nodeTypes(rest);
		const names = new Set(known.map((t) => t.name));
		expect(expected.nodes).toHaveLength(9);
		for (const type of ['sendSms', 'lookUpPhone', 'emailEventsTrigger']) expect(expected.nodes).toContain(`${layout.prefix}.${type}`);
		for (const type of expected.nodes) expect(names).toContain(type);
		expect(names).toContain(`${layout.prefix}.sendSmsTool`);
		expect(names).toContain(`${layout.prefix}.lookUpPhoneTool`);
		expect([...names].filter((n) => n.startsWith(`${layout.otherPrefix}.`))).toEqual([]);
		// n8n's custom-nodes loader files every node it loads under "Custom Nodes" as well.
		const sendSms = known.find((t) => t.name === `${layout.prefix}.sendSms`) as { codex?: { categories?: string[] } } | undefined;
		expect(sendSms?.codex?.categories?.includes('Custom Nodes')).toBe(layout.prefix === 'CUSTOM');
		const creds = new Set((await credentialTypes(rest)).map((c) => c.name));
		expect(expected.credentials).toEqual(expect.arrayContaining(['twilioCommsApi', 'resendCommsApi']));
		for (const type of expected.credentials) expect(creds).toContain(type);
	});

	it('is not listed under Settings → Community nodes, which lists only what n8n installed itself', async () => {
		const { data } = await rest.get<unknown[]>('/rest/community-packages');
		expect(data).toEqual([]);
	});

	it('serves the icon of every node and credential type', async () => {
		const ours = new Set([...expected.nodes, ...expected.credentials]);
		const nodes = (await nodeTypes(rest)) as Array<{ name: string; iconUrl?: IconUrl }>;
		const creds = (await credentialTypes(rest)) as Array<{ name: string; iconUrl?: IconUrl }>;
		const withIcons = [...nodes, ...creds].filter((t) => ours.has(t.name));
		expect(withIcons.map((t) => t.name).sort()).toEqual([...ours].sort());
		for (const type of withIcons) {
			const urls = iconUrls(type.iconUrl);
			expect({ type: type.name, hasIcon: urls.length > 0 }).toEqual({ type: type.name, hasIcon: true });
			for (const url of urls) {
				const res = await harnessFetch(`${n8n?.url}/${url}`, { signal: AbortSignal.timeout(10_000) });
				const body = await res.text();
				expect({ url, status: res.status, type: res.headers.get('content-type'), svg: body.includes('<svg') }).toEqual({ url, status: 200, type: expect.stringMatching(/^image\/svg\+xml/), svg: true });
			}
		}
	});

	it('resolves every runtime dependency from the layout\'s own node_modules, n8n-workflow from n8n', () => {
		const installed = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
		const deps = Object.keys(installed.dependencies);
		expect(deps).toEqual(expect.arrayContaining(['twilio', 'resend']));
		// From the folder of a node file, as n8n requires it.
		const resolved = resolveFrom(runtime, path.join(packageDir, 'dist', 'nodes', 'SendSms'), [...deps, 'n8n-workflow']);
		const realModules = fs.realpathSync(modulesDir);
		for (const dep of deps) expect({ dep, from: resolved[dep]?.startsWith(realModules + path.sep) }).toEqual({ dep, from: true });
		// The layout holds no n8n-workflow: n8n's own copy (on NODE_PATH when n8n runs) is the only one.
		expect(resolved['n8n-workflow']).toBeNull();
		// twilio and resend exist nowhere in n8n's install, so a node that runs found ours.
		for (const dep of ['twilio', 'resend']) expect(fs.existsSync(path.join(runtime.dir, 'node_modules', dep))).toBe(false);
	});

	it('runs Send SMS then Send Email from a webhook: the sandbox gets the SMS and the email', async () => {
		const tag = `docker-${layout.prefix}-${randomUUID().slice(0, 8)}`;
		const credentials = [
			await createCredential(rest, 'Twilio sandbox', 'twilioCommsApi', twilioCredentialData(sandbox.url)),
			await createCredential(rest, 'Resend sandbox', 'resendCommsApi', resendCredentialData(sandbox.url)),
		];
		const webhookPath = `docker-layout-${randomUUID().slice(0, 8)}`;
		await activateWorkflow(rest, await createWorkflow(rest, bindCredentials(smsThenEmail(webhookPath, layout.prefix, tag), credentials)));

		const res = await harnessFetch(`${n8n?.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		// The body rides along so that a failure shows n8n's answer.
		expect({ status: res.status, text }).toEqual({ status: 200, text });

		const [sms] = await sandboxClient.waitForMessages((m) => m.body === tag);
		expect(sms).toMatchObject({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: tag });
		const emails = await sandboxClient.emails((e) => e.subject === tag);
		expect(emails).toHaveLength(1);
		expect(emails[0]).toMatchObject({ to: ['ada@example.com'], from: RESEND_FROM, text: `SMS ${sms.sid}` });
		// The webhook answers with Send Email's output, which names the email the sandbox holds.
		expect(JSON.parse(text)).toEqual(expect.arrayContaining([expect.objectContaining({ id: emails[0].id })]));
	});
});
