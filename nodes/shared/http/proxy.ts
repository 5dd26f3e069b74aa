/**
 * Which proxy, if any, a request must go through, decided from the environment exactly as n8n's own
 * HTTP helpers decide it. n8n 2.40 (@n8n/backend-network) asks `proxy-from-env` 1.1.0's
 * getProxyForUrl() for every request, so a workflow mixing built-in nodes and ours uses one proxy
 * or none for a given URL. undici's EnvHttpProxyAgent reads the same variables with other rules
 * (HTTPS requests fall back to HTTP_PROXY, "twilio.com" in NO_PROXY also matches subdomains, no
 * ALL_PROXY), which is why the rules are written out here instead.
 *
 * The rules, in proxy-from-env's order:
 * - each variable is read lower case first, then upper case; an empty value counts as unset;
 * - proxy for a URL with scheme S: npm_config_S_proxy, S_proxy, npm_config_proxy, all_proxy;
 *   a proxy written without a scheme gets S;
 * - NO_PROXY (npm_config_no_proxy, no_proxy): "*" bypasses everything; otherwise entries split on
 *   commas or whitespace, compared lower case; "host:port" applies to that port only; an entry
 *   starting with "." or "*" matches by suffix, any other entry only the exact host name (no CIDR).
 */

export interface ProxyChoice {
	/** The proxy URL as configured; may carry user:password, so it never goes into a message. */
	url: string;
	/** The environment variable it came from, as the user wrote it (HTTPS_PROXY, https_proxy...). */
	variable: string;
}

type Env = Record<string, string | undefined>;

const DEFAULT_PORTS: Record<string, number> = { ftp: 21, gopher: 70, http: 80, https: 443, ws: 80, wss: 443 };

function read(env: Env, name: string): { value: string; variable: string } | undefined {
	for (const variable of [name.toLowerCase(), name.toUpperCase()]) {
		const value = env[variable];
		if (value) return { value, variable };
	}
	return undefined;
}

/** The variables that decide routing, for telling whether the environment changed. */
export function proxyEnvSignature(env: Env = process.env): string {
	return ['npm_config_https_proxy', 'https_proxy', 'npm_config_http_proxy', 'http_proxy', 'npm_config_proxy', 'all_proxy', 'npm_config_no_proxy', 'no_proxy']
		.map((name) => read(env, name)?.value ?? '')
		.join('\n');
}

/** proxy-from-env's shouldProxy(); `hostname` keeps IPv6 brackets, as url.parse() does there. */
export function bypassesProxy(hostname: string, port: number, env: Env = process.env): boolean {
	const noProxy = (read(env, 'npm_config_no_proxy') ?? read(env, 'no_proxy'))?.value.toLowerCase();
	if (!noProxy) return false;
	if (noProxy === '*') return true;
	const host = hostname.toLowerCase();
	return noProxy.split(/[,\s]/).some((entry) => {
		if (!entry) return false;
		const withPort = /^(.+):(\d+)$/.exec(entry);
		const entryHost = withPort ? withPort[1] : entry;
		if (withPort && Number(withPort[2]) !== port) return false;
		if (!/^[.*]/.test(entryHost)) return host === entryHost;
		return host.endsWith(entryHost.startsWith('*') ? entryHost.slice(1) : entryHost);
	});
}

export function proxyFor(targetUrl: string, env: Env = process.env): ProxyChoice | undefined {
	let url: URL;
	try {
		url = new URL(targetUrl);
	} catch {
		return undefined;
	}
	const scheme = url.protocol.replace(/:$/, '');
	if (!url.host) return undefined;
	const port = Number(url.port) || DEFAULT_PORTS[scheme] || 0;
	if (bypassesProxy(url.hostname, port, env)) return undefined;
	const found = read(env, `npm_config_${scheme}_proxy`) ?? read(env, `${scheme}_proxy`) ?? read(env, 'npm_config_proxy') ?? read(env, 'all_proxy');
	if (!found) return undefined;
	return { url: found.value.includes('://') ? found.value : `${scheme}://${found.value}`, variable: found.variable };
}

/** host:port of a proxy URL, without its credentials: the only form of it that messages show. */
export function proxyLabel(proxyUrl: string): string {
	try {
		const u = new URL(proxyUrl);
		const scheme = u.protocol.replace(/:$/, '');
		return `${u.hostname}:${u.port || DEFAULT_PORTS[scheme] || '?'}`;
	} catch {
		return '(unparseable URL)';
	}
}
