/**
 * What the e2e global set-up started, as plain data: jest runs test files in worker processes, so
 * they reach n8n and the sandbox over HTTP from this description, written to a file whose path is
 * in N8N_COMMS_E2E_CONTEXT.
 */
import * as fs from 'node:fs';
import type { Owner, SavedWorkflow } from '../../../scripts/n8n/instance';
import type { Stack, StackCredentials } from '../../../scripts/n8n/stack';

export const CONTEXT_ENV = 'N8N_COMMS_E2E_CONTEXT';

export interface E2eContext {
	n8nUrl: string;
	sandboxUrl: string;
	owner: Owner;
	/** The owner's session cookie from the set-up's login. */
	authCookie: string;
	credentials: StackCredentials;
	/** The example workflows, imported and (where they have a trigger) active, by name. */
	workflows: Record<string, SavedWorkflow & { file: string }>;
	pkg: { name: string; version: string; nodeTypes: string[]; credentialTypes: string[] };
	n8nLogFile: string;
	statusStepMs: number;
}

export function contextOf(stack: Stack, statusStepMs: number): E2eContext {
	return {
		n8nUrl: stack.n8n.url,
		sandboxUrl: stack.sandbox.url,
		owner: stack.owner,
		authCookie: stack.rest.authCookie,
		credentials: stack.credentials,
		workflows: stack.workflows,
		pkg: { name: stack.pkg.name, version: stack.pkg.version, nodeTypes: stack.pkg.nodeTypes, credentialTypes: stack.pkg.credentialTypes },
		n8nLogFile: stack.n8n.logFile,
		statusStepMs,
	};
}

export function writeContext(file: string, ctx: E2eContext): void {
	fs.writeFileSync(file, JSON.stringify(ctx, null, 2));
}

export function readContext(): E2eContext {
	const file = process.env[CONTEXT_ENV];
	if (!file || !fs.existsSync(file)) {
		throw new Error(`${CONTEXT_ENV} is not set or missing: run e2e tests through jest's "e2e" project, whose globalSetup starts n8n`);
	}
	return JSON.parse(fs.readFileSync(file, 'utf8')) as E2eContext;
}
