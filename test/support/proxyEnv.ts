/**
 * Tests that change the proxy variables of their own process (send() reads them per request), and
 * must leave them as they found them for the next file.
 */
import { afterAll } from '@jest/globals';

export const PROXY_VARS = [
	'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy',
	'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_http_proxy', 'npm_config_no_proxy', 'NPM_CONFIG_NO_PROXY',
];

/** Exactly these proxy variables, no others. */
export function setProxyEnv(env: Record<string, string>): void {
	for (const k of PROXY_VARS) delete process.env[k];
	Object.assign(process.env, env);
}

/** Call at the top of a test file: the variables come back after its last test. */
export function restoreProxyEnvAfterAll(): void {
	const saved = Object.fromEntries(PROXY_VARS.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])));
	afterAll(() => setProxyEnv(saved));
}
