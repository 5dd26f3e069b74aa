/**
 * What an e2e test file needs, in one call: `const n8n = useN8n();` at the top of the file. It logs
 * in to the shared n8n, imports workflows with the sandbox credentials bound, and deletes what the
 * file created afterwards. A new case is one file: a workflow plus assertions on the sandbox.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { activateWorkflow, bindCredentials, createWorkflow, deactivateWorkflow, listExecutions, type SavedWorkflow, type WorkflowJson } from '../../scripts/n8n/instance';
import { harnessFetch } from '../../scripts/n8n/http';
import { N8nRest } from '../../scripts/n8n/rest';
import { startStack, type Stack, type StackOptions } from '../../scripts/n8n/stack';
import { contextOf, readContext, type E2eContext } from '../support/n8n/context';
import { SandboxClient } from '../support/n8n/sandboxClient';

export interface WebhookAnswer<T = unknown> {
	status: number;
	json: T;
	text: string;
}

export interface N8nE2e {
	ctx: E2eContext;
	/** Logged in as the owner. */
	rest: N8nRest;
	sandbox: SandboxClient;
	/** Imports a workflow (object or path relative to the repo), binds our credentials, activates it if asked. */
	importWorkflow(workflow: WorkflowJson | string, opts?: { activate?: boolean }): Promise<SavedWorkflow>;
	/** Calls a production webhook: `/webhook/<path>`. */
	webhook<T = unknown>(path: string, body: unknown, opts?: { method?: string; timeoutMs?: number }): Promise<WebhookAnswer<T>>;
	/** A workflow's executions, newest first (at most 200): how a test sees what n8n ran or refused to run. */
	executions(workflowId: string): Promise<Array<{ id: string; status: string }>>;
	/** A short unique marker, so parallel files can tell their messages apart in the shared sandbox. */
	tag(prefix?: string): string;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** The shared n8n of the e2e project (started by its globalSetup). */
export function useN8n(): N8nE2e {
	const ctx = readContext();
	return harness(() => ctx);
}

/**
 * A file's own n8n and sandbox, started in beforeAll and stopped in afterAll (the compat project runs
 * each pinned n8n this way). `ctx`, `rest` and `sandbox` exist from beforeAll on.
 */
export function useOwnN8n(opts: StackOptions): N8nE2e & { stack(): Stack } {
	let stack: Stack | undefined;
	let ctx: E2eContext | undefined;
	beforeAll(async () => {
		stack = await startStack({
			statusStepMs: STATUS_STEP_MS,
			log: (line) => process.stderr.write(`[${opts.line ?? '2.x'}] ${line}\n`),
			keepUserFolder: process.env.N8N_COMMS_KEEP === '1' ? true : undefined,
			...opts,
		});
		ctx = contextOf(stack, STATUS_STEP_MS);
	}, 300_000);
	const h = harness(() => {
		if (!ctx) throw new Error('n8n is not started yet: use the harness inside tests or hooks');
		return ctx;
	});
	afterAll(async () => {
		await stack?.stop();
	}, 60_000);
	return Object.assign(h, {
		stack: () => {
			if (!stack) throw new Error('n8n is not started yet');
			return stack;
		},
	});
}

const STATUS_STEP_MS = 50;

function harness(getCtx: () => E2eContext): N8nE2e {
	let rest: N8nRest | undefined;
	let sandbox: SandboxClient | undefined;
	const created: SavedWorkflow[] = [];
	const h: N8nE2e = {
		get ctx() {
			return getCtx();
		},
		get rest() {
			return (rest ??= new N8nRest(getCtx().n8nUrl).useSession(getCtx().authCookie));
		},
		get sandbox() {
			return (sandbox ??= new SandboxClient(getCtx().sandboxUrl));
		},
		async importWorkflow(workflow, opts = {}) {
			const json = typeof workflow === 'string' ? (JSON.parse(fs.readFileSync(path.resolve(ROOT, workflow), 'utf8')) as WorkflowJson) : workflow;
			// n8n tracks each trigger's publication by node id; a hand-written workflow may have none.
			json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
			let saved = await createWorkflow(h.rest, bindCredentials(json, Object.values(h.ctx.credentials)));
			created.push(saved);
			if (opts.activate) {
				saved = await activateWorkflow(h.rest, saved);
				created[created.length - 1] = saved;
			}
			return saved;
		},
		async webhook<T>(webhookPath: string, body: unknown, opts: { method?: string; timeoutMs?: number } = {}) {
			const res = await harnessFetch(`${h.ctx.n8nUrl}/webhook/${webhookPath}`, {
				method: opts.method ?? 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
			});
			const text = await res.text();
			let json: unknown = null;
			try {
				json = JSON.parse(text);
			} catch {
				// not JSON; the test sees `text`
			}
			return { status: res.status, json: json as T, text };
		},
		executions: (workflowId) => listExecutions(h.rest, workflowId),
		tag: (prefix = 't') => `${prefix}-${randomUUID().slice(0, 8)}`,
	};

	afterAll(async () => {
		for (const wf of created.splice(0)) {
			if (wf.active) await deactivateWorkflow(h.rest, wf).catch(() => undefined);
			// n8n only deletes archived workflows.
			await h.rest.post(`/rest/workflows/${wf.id}/archive`, {}).catch(() => undefined);
			await h.rest.delete(`/rest/workflows/${wf.id}`).catch(() => undefined);
		}
	});
	return h;
}
