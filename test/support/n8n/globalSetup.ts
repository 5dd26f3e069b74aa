/**
 * Jest globalSetup of the e2e project: one n8n (with the packed package installed) and one sandbox
 * for all e2e files, because starting n8n costs ~15-40 s. The handles stay in this process for
 * globalTeardown; test files get a description through a context file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStack, type Stack } from '../../../scripts/n8n/stack';
import { contextOf, CONTEXT_ENV, writeContext } from './context';

const STATUS_STEP_MS = 50;

declare global {
	var __n8nCommsStack: { stack: Stack; contextFile: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
	const t0 = Date.now();
	const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);
	log('starting the sandbox and n8n for the e2e tests');
	const stack = await startStack({
		statusStepMs: STATUS_STEP_MS,
		log,
		keepUserFolder: process.env.N8N_COMMS_KEEP === '1' ? true : undefined,
	});
	const contextFile = path.join(os.tmpdir(), `n8n-comms-e2e-${process.pid}.json`);
	writeContext(contextFile, contextOf(stack, STATUS_STEP_MS));
	process.env[CONTEXT_ENV] = contextFile;
	globalThis.__n8nCommsStack = { stack, contextFile };
	log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: n8n ${stack.n8n.url}, sandbox ${stack.sandbox.url}`);
	// Make sure nothing is left behind even if jest never reaches globalTeardown.
	process.once('exit', () => fs.rmSync(contextFile, { force: true }));
}
