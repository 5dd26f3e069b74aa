/**
 * Our proxy choice must equal n8n's: n8n 2.40's HTTP helpers call proxy-from-env 1.1.0's
 * getProxyForUrl() for every request, and that same package is installed here (through n8n-core),
 * so it is the oracle for a grid of environments and URLs.
 */
import { restoreProxyEnvAfterAll, setProxyEnv } from '../support/proxyEnv';
import { bypassesProxy, proxyEnvSignature, proxyFor, proxyLabel } from '../../nodes/shared/http/proxy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getProxyForUrl } = require('proxy-from-env') as { getProxyForUrl(url: string): string };

restoreProxyEnvAfterAll();

function withEnv<T>(env: Record<string, string>, fn: () => T): T {
	setProxyEnv(env);
	return fn();
}

const URLS = [
	'https://api.twilio.com/2010-04-01/Accounts.json',
	'https://verify.twilio.com/v2/Services',
	'https://messaging.twilio.com/v1/Services',
	'https://api.resend.com/emails',
	'https://API.Twilio.com:443/x',
	'https://api.twilio.com:8443/x',
	'http://127.0.0.1:8787/2010-04-01/Accounts.json',
	'http://localhost:8787/emails',
	'http://[::1]:8787/emails',
	'https://twilio.com/',
	'https://nottwilio.com/',
];

const ENVS: Array<Record<string, string>> = [
	{},
	{ HTTPS_PROXY: 'http://proxy.corp:3128' },
	{ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' },
	{ HTTP_PROXY: 'http://only-http:3128' },
	{ HTTP_PROXY: 'http://h:1', HTTPS_PROXY: 'http://s:2' },
	{ ALL_PROXY: 'http://all:9' },
	{ HTTPS_PROXY: 'proxy.corp:3128' },
	{ HTTPS_PROXY: '', https_proxy: '', ALL_PROXY: 'http://all:9' },
	{ npm_config_proxy: 'http://npm:1', ALL_PROXY: 'http://all:9' },
	{ npm_config_https_proxy: 'http://npm-s:1', HTTPS_PROXY: 'http://s:2' },
	{ HTTPS_PROXY: 'http://u:p@s:2', HTTP_PROXY: 'http://h:1', NO_PROXY: '127.0.0.1,localhost' },
	{ HTTPS_PROXY: 'http://s:2', HTTP_PROXY: 'http://h:1', NO_PROXY: '*' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: 'twilio.com' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: '.twilio.com' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: '*.twilio.com' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: '*twilio.com' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: 'API.TWILIO.COM' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: 'api.twilio.com:8443' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: 'api.twilio.com:443 api.resend.com' },
	{ HTTPS_PROXY: 'http://s:2', HTTP_PROXY: 'http://h:1', no_proxy: 'localhost', NO_PROXY: '127.0.0.1' },
	{ HTTP_PROXY: 'http://h:1', NO_PROXY: '[::1]' },
	{ HTTP_PROXY: 'http://h:1', NO_PROXY: '127.0.0.0/8' },
	{ HTTPS_PROXY: 'http://s:2', NO_PROXY: ' , ,' },
	{ HTTPS_PROXY: 'http://s:2', npm_config_no_proxy: 'api.twilio.com', NO_PROXY: 'api.resend.com' },
];

describe('proxyFor matches n8n (proxy-from-env 1.1.0)', () => {
	it.each(ENVS.map((env) => [JSON.stringify(env), env]))('env %s', (_name, env) => {
		withEnv(env, () => {
			for (const url of URLS) {
				const ours = proxyFor(url)?.url ?? '';
				expect({ url, proxy: ours }).toEqual({ url, proxy: getProxyForUrl(url) });
			}
		});
	});
});

describe('proxy rules, spelled out', () => {
	it('prefers the lower-case variable and reports which one it used', () => {
		withEnv({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, () => {
			expect(proxyFor('https://api.twilio.com/x')).toEqual({ url: 'http://lower:1', variable: 'https_proxy' });
		});
		withEnv({ HTTPS_PROXY: 'http://upper:2' }, () => {
			expect(proxyFor('https://api.twilio.com/x')).toEqual({ url: 'http://upper:2', variable: 'HTTPS_PROXY' });
		});
	});

	it('does not send https requests to HTTP_PROXY, but does to ALL_PROXY', () => {
		withEnv({ HTTP_PROXY: 'http://h:1' }, () => expect(proxyFor('https://api.resend.com/emails')).toBeUndefined());
		withEnv({ ALL_PROXY: 'http://a:1' }, () => expect(proxyFor('https://api.resend.com/emails')?.variable).toBe('ALL_PROXY'));
	});

	it('NO_PROXY: exact names, suffixes with a leading dot or star, ports, and *', () => {
		const bypass = (host: string, port: number, noProxy: string) => withEnv({ NO_PROXY: noProxy }, () => bypassesProxy(host, port));
		expect(bypass('127.0.0.1', 8787, '127.0.0.1,localhost')).toBe(true);
		expect(bypass('localhost', 8787, '127.0.0.1 localhost')).toBe(true);
		expect(bypass('api.twilio.com', 443, 'twilio.com')).toBe(false);
		expect(bypass('api.twilio.com', 443, '.twilio.com')).toBe(true);
		expect(bypass('api.twilio.com', 443, '*.twilio.com')).toBe(true);
		expect(bypass('api.twilio.com', 443, 'API.twilio.com')).toBe(true);
		expect(bypass('api.twilio.com', 443, 'api.twilio.com:8443')).toBe(false);
		expect(bypass('api.twilio.com', 8443, 'api.twilio.com:8443')).toBe(true);
		expect(bypass('anything', 1, '*')).toBe(true);
		expect(bypass('127.0.0.1', 80, '127.0.0.0/8')).toBe(false);
	});

	it('the lower-case no_proxy wins over NO_PROXY, as in n8n', () => {
		withEnv({ HTTP_PROXY: 'http://h:1', no_proxy: 'localhost', NO_PROXY: '127.0.0.1' }, () => {
			expect(proxyFor('http://127.0.0.1:8787/')).toBeDefined();
			expect(proxyFor('http://localhost:8787/')).toBeUndefined();
		});
	});

	it('labels a proxy by host:port only, never its credentials', () => {
		expect(proxyLabel('http://user:s3cret@proxy.corp:3128')).toBe('proxy.corp:3128');
		expect(proxyLabel('http://proxy.corp')).toBe('proxy.corp:80');
		expect(proxyLabel('https://proxy.corp')).toBe('proxy.corp:443');
		expect(proxyLabel('http://user:pa ss@bad host:x')).toBe('(unparseable URL)');
	});

	it('the environment signature changes with any variable that routes', () => {
		const a = withEnv({ HTTPS_PROXY: 'http://s:1' }, () => proxyEnvSignature());
		const b = withEnv({ HTTPS_PROXY: 'http://s:1', NO_PROXY: 'x' }, () => proxyEnvSignature());
		const c = withEnv({ https_proxy: 'http://s:1' }, () => proxyEnvSignature());
		expect(a).not.toBe(b);
		expect(a).toBe(c);
	});
});
