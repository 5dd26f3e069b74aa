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
import { readContext, type E2eContext } from '../support/n8n/context';
import { SandboxClient } from '../support/n8n/sandboxClient';

export interface WebhookAnswer<T = unknown> {
	status: number;
	json: T;
	text: string;
}

export interface N8nE2e {
	ctx: E2eContext;
	/** Logged in as the owner once beforeAll ran. */
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

export function useN8n(): N8nE2e {
	const ctx = readContext();
	const rest = new N8nRest(ctx.n8nUrl);
	const created: SavedWorkflow[] = [];

	beforeAll(() => {
		rest.useSession(ctx.authCookie);
	});

	afterAll(async () => {
		for (const wf of created.splice(0)) {
			if (wf.active) await deactivateWorkflow(rest, wf).catch(() => undefined);
			// n8n only deletes archived workflows.
			await rest.post(`/rest/workflows/${wf.id}/archive`, {}).catch(() => undefined);
			await rest.delete(`/rest/workflows/${wf.id}`).catch(() => undefined);
		}
	});

	return {
		ctx,
		rest,
		sandbox: new SandboxClient(ctx.sandboxUrl),
		async importWorkflow(workflow, opts = {}) {
			const json = typeof workflow === 'string' ? (JSON.parse(fs.readFileSync(path.resolve(ROOT, workflow), 'utf8')) as WorkflowJson) : workflow;
			// n8n tracks each trigger's publication by node id; a hand-written workflow may have none.
			json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
			let saved = await createWorkflow(rest, bindCredentials(json, Object.values(ctx.credentials)));
			created.push(saved);
			if (opts.activate) {
				saved = await activateWorkflow(rest, saved);
				created[created.length - 1] = saved;
			}
			return saved;
		},
		async webhook<T>(webhookPath: string, body: unknown, opts: { method?: string; timeoutMs?: number } = {}) {
			const res = await harnessFetch(`${ctx.n8nUrl}/webhook/${webhookPath}`, {
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
		executions: (workflowId) => listExecutions(rest, workflowId),
		tag: (prefix = 't') => `${prefix}-${randomUUID().slice(0, 8)}`,
	};
}
