/**
 * Turns a fresh n8n into a usable one through its internal REST API, the way the editor does:
 * owner account, credentials, workflows, activation. Facts about n8n 2.40.7 this relies on:
 *  - POST /rest/owner/setup {email, firstName, lastName, password} (password: 8+ chars, a digit, an
 *    uppercase letter) also logs the owner in; POST /rest/login takes {emailOrLdapLoginId, password}.
 *  - POST /rest/credentials {name, type, data} (no client-chosen id); POST /rest/credentials/test
 *    {credentials: {id, name, type, data}} runs the node's `testedBy` method and answers {status, message}.
 *  - Workflows have a draft and published versions: POST /rest/workflows/:id/activate needs the
 *    draft's `versionId`, and publishes that version (`activeVersionId`).
 *  - Publishing is asynchronous (a "publication outbox"): activate answers `active: true` at once,
 *    and registers webhooks and triggers moments later. A trigger that fails does not fail the
 *    request; GET /rest/workflows/:id/publication-status says so ({status, liveVersionId, triggers}).
 *    Deactivating is just as asynchronous.
 * n8n 1.123 has the same endpoints for owner, credentials and activate/deactivate (which need no
 * polling there: they answer when done), and registers its REST routes after readiness turns 200.
 */
import { N8nRest } from './rest';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: Owner = {
	email: 'owner@example.com',
	password: 'Sandbox-Owner-1',
	firstName: 'Sandbox',
	lastName: 'Owner',
};

export interface CredentialRef {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{ name: string; type: string; credentials?: Record<string, { id: string | null; name: string }>; [k: string]: unknown }>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[k: string]: unknown;
}

export interface SavedWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	activeVersionId?: string | null;
	nodes: WorkflowJson['nodes'];
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export async function setupOwner(rest: N8nRest, owner: Owner = DEFAULT_OWNER): Promise<void> {
	await rest.post('/rest/owner/setup', owner);
	// owner/setup issues the auth cookie already; logging in again makes that independent of the version.
	await login(rest, owner);
}

export async function login(rest: N8nRest, owner: Owner = DEFAULT_OWNER): Promise<void> {
	await rest.post('/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
}

export async function createCredential(rest: N8nRest, name: string, type: string, data: Record<string, unknown>): Promise<CredentialRef> {
	const { data: saved } = await rest.post<{ id: string; name: string; type: string }>('/rest/credentials', { name, type, data });
	return { id: saved.id, name: saved.name, type: saved.type };
}

/**
 * Tests a stored credential, optionally with some fields replaced (as the editor does while you edit
 * it: fields left out keep their stored values).
 */
export async function testCredential(rest: N8nRest, cred: CredentialRef, overrides: Record<string, unknown> = {}): Promise<CredentialTestResult> {
	const { data: result } = await rest.post<CredentialTestResult>('/rest/credentials/test', { credentials: await credentialTestBody(rest, cred, overrides) });
	return result;
}

/**
 * The editor's test request: the stored data as n8n hands it out (secrets replaced by a placeholder
 * that n8n swaps back on the server) plus the fields being edited. n8n tests exactly the data it
 * is sent, so an empty `data` would test an empty credential.
 */
export async function credentialTestBody(rest: N8nRest, cred: CredentialRef, overrides: Record<string, unknown> = {}): Promise<CredentialRef & { data: Record<string, unknown> }> {
	const { data: stored } = await rest.get<{ data?: Record<string, unknown> }>(`/rest/credentials/${cred.id}?includeData=true`);
	return { ...cred, data: { ...(stored.data ?? {}), ...overrides } };
}

/**
 * Points each node's credential reference of a known type at the credential created here: example
 * files carry a name and a placeholder id, and n8n assigns ids on creation.
 */
export function bindCredentials(workflow: WorkflowJson, credentials: CredentialRef[]): WorkflowJson {
	const byType = new Map(credentials.map((c) => [c.type, c]));
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const bound: Record<string, { id: string; name: string }> = {};
			for (const [type, ref] of Object.entries(node.credentials)) {
				const cred = byType.get(type);
				bound[type] = cred ? { id: cred.id, name: cred.name } : { id: ref.id ?? '', name: ref.name };
			}
			return { ...node, credentials: bound };
		}),
	};
}

export async function createWorkflow(rest: N8nRest, workflow: WorkflowJson): Promise<SavedWorkflow> {
	// Only what the create DTO accepts; an exported file may carry more (versionId, shared...). n8n 1.x
	// stores `active` as given and requires it; 2.x's DTO drops it.
	const { name, nodes, connections, settings, pinData, meta } = workflow;
	const { data } = await rest.post<SavedWorkflow>('/rest/workflows', { name, nodes, connections, settings: settings ?? {}, pinData: pinData ?? {}, meta: meta ?? {}, active: false });
	return data;
}

export interface PublicationStatus {
	status: 'in_progress' | 'published' | 'partial' | 'failed' | 'not_published';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls publication-status until `done` holds; a failed trigger or the time limit is an error naming it. Null on n8n 1.x, which has nothing to wait for. */
export async function waitForPublication(
	rest: N8nRest,
	workflow: Pick<SavedWorkflow, 'id' | 'name' | 'nodes'>,
	done: (s: PublicationStatus) => boolean,
	timeoutMs = 60_000,
): Promise<PublicationStatus | null> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { status, data: s } = await rest.get<PublicationStatus>(`/rest/workflows/${workflow.id}/publication-status`, { allow: [404] });
		// n8n 1.x has no publication outbox: activate and deactivate answer once the triggers are (un)registered.
		if (status === 404) return null;
		if (done(s)) return s;
		const failed = s.triggers.filter((t) => t.status === 'failed');
		if (s.status !== 'in_progress' && failed.length) {
			const names = new Map((workflow.nodes as Array<{ id?: string; name: string }>).map((n) => [n.id, n.name]));
			const why = failed.map((t) => `${names.get(t.nodeId) ?? t.nodeId}: ${t.errorMessage ?? 'failed'}`).join('; ');
			throw new Error(`n8n could not activate the trigger(s) of workflow "${workflow.name}" (${workflow.id}): ${why}`);
		}
		if (Date.now() > deadline) throw new Error(`workflow "${workflow.name}" (${workflow.id}) did not reach the expected publication state within ${timeoutMs / 1000} s: ${JSON.stringify(s)}`);
		await sleep(150);
	}
}

/** Publishes the current draft and waits until its webhooks and triggers are live. */
export async function activateWorkflow(rest: N8nRest, workflow: Pick<SavedWorkflow, 'id' | 'versionId' | 'name' | 'nodes'>): Promise<SavedWorkflow> {
	const { data } = await rest.post<SavedWorkflow>(`/rest/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
	if (!data.active) throw new Error(`n8n did not activate workflow "${workflow.name}" (${workflow.id})`);
	await waitForPublication(rest, workflow, (s) => s.status === 'published' && s.liveVersionId === workflow.versionId);
	return data;
}

/** Unpublishes and waits until the triggers are gone (a trigger's delete hook has run by then). */
export async function deactivateWorkflow(rest: N8nRest, workflow: Pick<SavedWorkflow, 'id' | 'name' | 'nodes'>): Promise<SavedWorkflow> {
	const { data } = await rest.post<SavedWorkflow>(`/rest/workflows/${workflow.id}/deactivate`, {});
	await waitForPublication(rest, workflow, (s) => s.status === 'not_published');
	return data;
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode?: string;
	finished?: boolean;
}

/** A workflow's executions, newest first (at most 200): how a test sees what n8n ran or refused to run. */
export async function listExecutions(rest: N8nRest, workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const { data } = await rest.get<{ results: ExecutionSummary[] }>(`/rest/executions?filter=${filter}&limit=200`);
	return data.results;
}

export interface NodeTypeSummary {
	name: string;
	displayName: string;
	version: number | number[];
	usableAsTool?: boolean;
	description?: string;
	/** `name` is what a new node on the canvas is called. */
	defaults?: { name?: string };
	/** `trigger` marks trigger nodes. */
	group?: string[];
	properties?: Array<{ name: string; options?: Array<{ name: string; value?: unknown; action?: string }> }>;
	credentials?: Array<{ name: string }>;
}

/** The node types the editor gets (`/types/nodes.json`, behind the login). */
export async function nodeTypes(rest: N8nRest): Promise<NodeTypeSummary[]> {
	const { data } = await rest.get<NodeTypeSummary[]>('/types/nodes.json', { timeoutMs: 60_000 });
	return data;
}

export async function credentialTypes(rest: N8nRest): Promise<Array<{ name: string; displayName: string }>> {
	const { data } = await rest.get<Array<{ name: string; displayName: string }>>('/types/credentials.json', { timeoutMs: 60_000 });
	return data;
}
