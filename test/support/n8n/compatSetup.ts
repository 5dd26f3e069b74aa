/**
 * Jest globalSetup of the compat project: installs every pinned n8n (n8n-runtime/, n8n-runtime-1.x/)
 * before any file starts one, and says how long each took. An install is once per lockfile; a cold
 * one takes minutes and must not count against a test's timeout.
 */
import { assertBuildFresh } from '../../../scripts/n8n/install-package';
import { N8N_LINES, type N8nLine } from '../../../scripts/n8n/paths';
import { ensureN8nRuntime } from '../../../scripts/n8n/provision';

export default async function compatSetup(): Promise<void> {
	const log = (line: string) => process.stderr.write(`[compat] ${line}\n`);
	assertBuildFresh();
	for (const line of Object.keys(N8N_LINES) as N8nLine[]) {
		const t0 = Date.now();
		const runtime = await ensureN8nRuntime({ line, log });
		log(`n8n ${runtime.version} (${line}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${runtime.dir}`);
	}
}
