/** Stops what globalSetup started: n8n's whole process group and the sandbox. */
import * as fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
	const held = globalThis.__n8nCommsStack;
	if (!held) return;
	globalThis.__n8nCommsStack = undefined;
	await held.stack.stop();
	fs.rmSync(held.contextFile, { force: true });
}
