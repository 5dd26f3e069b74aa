/**
 * The whole local set-up, shared by `npm run demo` and the e2e tests: the pinned n8n (installed once),
 * our package installed into a fresh user folder from `npm pack`, the sandbox, n8n itself, an owner,
 * sandbox credentials, and the example workflows imported and active.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, RESEND_FROM, RESEND_FULL_KEY, type PhoneNumberFixture } from '../../sandbox/fixtures';
import { installPackage, type InstalledPackage } from './install-package';
import {
	activateWorkflow,
	bindCredentials,
	createCredential,
	createWorkflow,
	credentialTypes,
	DEFAULT_OWNER,
	nodeTypes,
	setupOwner,
	type CredentialRef,
	type Owner,
	type SavedWorkflow,
	type WorkflowJson,
} from './instance';
import { REPO_ROOT, type N8nLine } from './paths';
import { assertPortFree, HOST, PortInUseError } from './ports';
import { ensureN8nRuntime } from './provision';
import { N8nRest } from './rest';
import { N8nStartError, startN8n, type N8nServer } from './server';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export interface StackOptions {
	/** Which pinned n8n; default 2.x. */
	line?: N8nLine;
	/** 0 = any free port (tests); the demo uses 8787 and fails if it is taken. */
	sandboxPort?: number;
	/** undefined = any free port. */
	n8nPort?: number;
	statusStepMs?: number;
	/** Workflow files to import and activate; default every examples/*.json. */
	examples?: string[];
	owner?: Owner;
	log?: (line: string) => void;
	sandboxLog?: (line: string) => void;
	/** Keep n8n's user folder after stop (for a post-mortem). */
	keepUserFolder?: boolean;
	env?: Record<string, string>;
}

/** The sandbox credentials every n8n we start has: Twilio, Resend, and OpenAI pointing at the scripted chat model. */
export interface StackCredentials {
	twilio: CredentialRef;
	resend: CredentialRef;
	openai: CredentialRef;
}

export interface Stack {
	sandbox: Sandbox;
	n8n: N8nServer;
	/** Logged in as the owner. */
	rest: N8nRest;
	owner: Owner;
	pkg: InstalledPackage;
	credentials: StackCredentials;
	/** By workflow name. */
	workflows: Record<string, SavedWorkflow & { file: string }>;
	/** Seconds per step, for the docs' timings. */
	timings: Record<string, number>;
	/**
	 * Stops n8n and starts it again on the same folder, port and environment, as an operator's restart:
	 * what is in its database (waiting executions, active workflows) must come back. `n8n` is the new process afterwards.
	 */
	restartN8n(): Promise<void>;
	stop(): Promise<void>;
}

export function readExamples(files?: string[]): Array<{ file: string; workflow: WorkflowJson }> {
	const list = files ?? fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(EXAMPLES_DIR, f));
	return list.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson }));
}

/** A workflow with a trigger or webhook only does something once active. */
export function needsActivation(workflow: WorkflowJson): boolean {
	return workflow.nodes.some((n) => /trigger$/i.test(n.type) || n.type === 'n8n-nodes-base.webhook');
}

/** Fails with the loader's own words when n8n did not load our package or one of its types. */
export async function assertPackageLoaded(n8n: N8nServer, rest: N8nRest, pkg: InstalledPackage): Promise<void> {
	const logText = fs.readFileSync(n8n.logFile, 'utf8');
	const lines = logText.split('\n');
	const i = lines.findIndex((l) => l.includes(`"${pkg.name}"`) && /Failed to load package|Skipping package|Error loading package/.test(l));
	const loaderError = i >= 0 ? lines.slice(i, i + 25).join('\n') : '';
	const knownNodes = new Set((await nodeTypes(rest)).map((t) => t.name));
	const knownCreds = new Set((await credentialTypes(rest)).map((t) => t.name));
	const missing = [...pkg.nodeTypes.filter((t) => !knownNodes.has(t)), ...pkg.credentialTypes.filter((t) => !knownCreds.has(t))];
	if (loaderError || missing.length) {
		throw new N8nStartError(
			`n8n did not load ${pkg.name}${missing.length ? ` (unknown types: ${missing.join(', ')})` : ''}.` +
				`\n--- n8n's loader said (${n8n.logFile}) ---\n${loaderError || n8n.logTail(30)}`,
			n8n.logFile,
		);
	}
}

/** Sets a sandbox number's SMS webhook through the Twilio API, as a user does in Twilio's console (manual set-up). */
export async function setSmsWebhook(sandboxUrl: string, number: PhoneNumberFixture, smsUrl: string): Promise<void> {
	const res = await fetch(`${sandboxUrl}/2010-04-01/Accounts/${number.accountSid}/IncomingPhoneNumbers/${number.sid}.json`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({ SmsUrl: smsUrl, SmsMethod: 'POST' }).toString(),
		signal: AbortSignal.timeout(10_000),
	});
	if (!res.ok) throw new Error(`could not set the SMS webhook of ${number.phoneNumber}: ${res.status} ${await res.text()}`);
}

export function twilioCredentialData(sandboxUrl: string): Record<string, unknown> {
	return {
		authType: 'authToken',
		accountSid: FULL_ACCOUNT.sid,
		authToken: FULL_ACCOUNT.authToken,
		defaultFrom: NUMBER_MAIN.phoneNumber,
		useCustomBaseUrl: true,
		baseUrl: sandboxUrl,
	};
}

export function resendCredentialData(sandboxUrl: string): Record<string, unknown> {
	return { apiKey: RESEND_FULL_KEY.token, defaultFrom: RESEND_FROM, useCustomBaseUrl: true, baseUrl: sandboxUrl };
}

/** n8n's own OpenAI credential, its Base URL at the sandbox's scripted chat model. */
export function openAiCredentialData(chatModel: Pick<Sandbox['chatModel'], 'url' | 'apiKey'>): Record<string, unknown> {
	return { apiKey: chatModel.apiKey, url: chatModel.url, header: false };
}

/** Runs steps, recording each one's seconds in `timings` under its name, whether it fails or not. */
export function timer(timings: Record<string, number>) {
	return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
		const t0 = Date.now();
		try {
			return await fn();
		} finally {
			timings[name] = (Date.now() - t0) / 1000;
		}
	};
}

export type InstanceSetup = Pick<Stack, 'rest' | 'owner' | 'credentials' | 'workflows'>;

/** A fresh n8n made usable: owner (logged in), our package checked, sandbox credentials, examples imported and active. */
export async function setUpInstance(opts: {
	n8n: N8nServer;
	pkg: InstalledPackage;
	sandboxUrl: string;
	chatModel: Pick<Sandbox['chatModel'], 'url' | 'apiKey'>;
	owner?: Owner;
	examples?: string[];
	log?: (line: string) => void;
}): Promise<InstanceSetup> {
	const { n8n, pkg } = opts;
	const owner = opts.owner ?? DEFAULT_OWNER;
	const rest = new N8nRest(n8n.url);
	await setupOwner(rest, owner);
	await assertPackageLoaded(n8n, rest, pkg);
	const credentials = {
		twilio: await createCredential(rest, 'Twilio sandbox', 'twilioCommsApi', twilioCredentialData(opts.sandboxUrl)),
		resend: await createCredential(rest, 'Resend sandbox', 'resendCommsApi', resendCredentialData(opts.sandboxUrl)),
		openai: await createCredential(rest, 'OpenAI sandbox', 'openAiApi', openAiCredentialData(opts.chatModel)),
	};
	const workflows: Stack['workflows'] = {};
	for (const { file, workflow } of readExamples(opts.examples)) {
		let saved = await createWorkflow(rest, bindCredentials(workflow, Object.values(credentials)));
		if (needsActivation(workflow)) saved = await activateWorkflow(rest, saved);
		workflows[saved.name] = { ...saved, file };
		opts.log?.(`imported ${path.relative(REPO_ROOT, file)} as "${saved.name}"${saved.active ? ' (active)' : ''}`);
		// A Twilio Comms Trigger sets its number's webhooks itself when activated (no set-up here).
	}
	return { rest, owner, credentials, workflows };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
	const log = opts.log ?? (() => undefined);
	const timings: Record<string, number> = {};
	const time = timer(timings);
	// Taken ports fail now, not after minutes of installing.
	if (opts.sandboxPort) await assertPortFree(opts.sandboxPort, 'sandbox', 'set SANDBOX_PORT or --sandbox-port to use another');
	if (opts.n8nPort) await assertPortFree(opts.n8nPort, 'n8n editor', 'set N8N_PORT or --n8n-port to use another');

	const runtime = await time('n8nRuntime', () => ensureN8nRuntime({ log, line: opts.line }));
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-'));
	let keepFolder = opts.keepUserFolder ?? false;
	const cleanups: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const c of cleanups.reverse()) await c().catch(() => undefined);
		cleanups.length = 0;
	};
	try {
		const pkg = await time('installPackage', () => installPackage({ userFolder, runtime, log }));
		const sandbox = await time('sandbox', async () => {
			try {
				return await startSandbox({ port: opts.sandboxPort ?? 0, host: HOST, statusStepMs: opts.statusStepMs ?? 1000, log: opts.sandboxLog });
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(opts.sandboxPort ?? 0, 'sandbox');
				throw e;
			}
		});
		cleanups.push(() => sandbox.close());
		log(`sandbox listening on ${sandbox.url}`);

		let n8n = await time('n8nStart', () => startN8n({ runtime, userFolder, port: opts.n8nPort, log, env: opts.env, removeUserFolder: false }));
		cleanups.push(async () => {
			await n8n.stop();
			if (!keepFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		});

		const setup = await time('setup', () => setUpInstance({ n8n, pkg, sandboxUrl: sandbox.url, chatModel: sandbox.chatModel, owner: opts.owner, examples: opts.examples, log }));
		const stack: Stack = {
			sandbox,
			n8n,
			pkg,
			...setup,
			timings,
			restartN8n: async () => {
				const port = n8n.port;
				await n8n.stop();
				// The same port: URLs handed out before (resume URLs, webhooks at Twilio) must keep working.
				n8n = await startN8n({ runtime, userFolder, port, log, env: opts.env, removeUserFolder: false });
				stack.n8n = n8n;
			},
			stop: stopAll,
		};
		return stack;
	} catch (e) {
		// The error quotes logs inside the folder (n8n.log, install-package.log): keep them to read.
		keepFolder = opts.keepUserFolder ?? true;
		await stopAll();
		if (keepFolder) log(`kept ${userFolder} for its logs`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
		throw e;
	}
}
