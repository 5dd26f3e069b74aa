/*
 * The proxy variables in n8n-core's WorkflowExecute: NO_PROXY keeps a local base URL (the sandbox)
 * off the proxy, and a proxy that refuses the vendors' real hosts gives every node a clear error
 * naming the proxy, with nothing sent. The proxies are local; nothing can reach a vendor.
 */
import type { IDataObject } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { SAMPLE_RECIPIENT, VERIFY_SERVICE } from '../../sandbox/fixtures';
import { startFixedHostProxy, type FixedHostProxy } from '../../scripts/n8n/fixedHostProxy';
import { restoreProxyEnvAfterAll, setProxyEnv } from '../support/proxyEnv';
import { runEmailNode } from '../support/resendWorkflows';
import { CREDENTIAL_TYPES, runNode, TWILIO_CREDENTIAL_REF, twilioCredential } from '../support/twilioWorkflows';
import { itemsSource, runWorkflow } from '../support/engine';
import { LookUpPhone } from '../../nodes/LookUpPhone/LookUpPhone.node';

const NO_BASE_URL = { useCustomBaseUrl: false };
// Look Up Phone is not in twilioWorkflows' node list (shared with other suites), so it runs in its own workflow.
const source = itemsSource([{}]);
const lookupNode = { id: 'lookup', name: 'Look Up Phone', type: 'CUSTOM.lookUpPhone', typeVersion: 1, position: [200, 0] as [number, number], credentials: { twilioCommsApi: TWILIO_CREDENTIAL_REF } };

let sandbox: Sandbox;
/** Tunnels the vendors' hosts (it is never used for them here: the sandbox is plain http). */
let proxy: FixedHostProxy;
/** Allows no host at all: every CONNECT gets 403. */
let refusing: FixedHostProxy;

restoreProxyEnvAfterAll();

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 50 });
	proxy = await startFixedHostProxy({ hosts: ['api.twilio.com', 'verify.twilio.com', 'messaging.twilio.com', 'lookups.twilio.com', 'api.resend.com'], target: () => sandbox.url });
	refusing = await startFixedHostProxy({ hosts: [], target: () => sandbox.url });
});
afterAll(async () => {
	await Promise.all([sandbox.close(), proxy.close(), refusing.close()]);
});
beforeEach(() => {
	sandbox.reset();
	proxy.reset();
	refusing.reset();
});

const sms = (credential?: IDataObject) =>
	runNode({ type: 'CUSTOM.sendSms', parameters: { to: SAMPLE_RECIPIENT, body: 'Disk almost full' } as never, items: [{}], baseUrl: sandbox.url, credential, timeoutMs: 20_000 });
const email = (credential?: IDataObject) =>
	runEmailNode({ parameters: { to: 'ada@example.com', subject: 'Disk', text: 'Full' } as never, items: [{}], baseUrl: sandbox.url, credential, timeoutMs: 20_000 });

describe('NO_PROXY', () => {
	it('sends to a sandbox on 127.0.0.1 directly although HTTP_PROXY and HTTPS_PROXY are set', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.proxyUrl, HTTPS_PROXY: proxy.proxyUrl, NO_PROXY: '127.0.0.1,localhost' });
		const r = await sms();
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName)[0].json.sid).toMatch(/^SM[0-9a-f]{32}$/);
		const e = await email();
		expect(e.error).toBeUndefined();
		expect(sandbox.state.messages.size).toBe(1);
		expect(sandbox.state.emails.size).toBe(1);
		expect(proxy.seen()).toEqual({ connects: [], requests: [], plain: [] });
	});

	it('without it, the same run goes to HTTP_PROXY (and this proxy refuses plain requests)', async () => {
		setProxyEnv({ HTTP_PROXY: proxy.proxyUrl });
		const r = await sms();
		expect(r.error?.message).toMatch(/403/);
		expect(sandbox.state.messages.size).toBe(0);
		expect(proxy.seen().plain).toEqual([{ method: 'POST', url: expect.stringMatching(new RegExp(`^${sandbox.url}/2010-04-01/Accounts/AC[0-9a-f]{32}/Messages\\.json$`)) }]);
	});
});

describe('a proxy that refuses', () => {
	const port = () => new URL(refusing.proxyUrl).port;

	it.each([
		['Send SMS', 'api.twilio.com', () => sms(NO_BASE_URL), 'Send SMS failed'],
		[
			'Verify Phone',
			'verify.twilio.com',
			() =>
				runNode({
					type: 'CUSTOM.verifyPhone',
					parameters: { operation: 'sendCode', verifyService: { __rl: true, mode: 'id', value: VERIFY_SERVICE.sid }, to: SAMPLE_RECIPIENT } as never,
					items: [{}],
					baseUrl: sandbox.url,
					credential: NO_BASE_URL,
					timeoutMs: 20_000,
				}),
			'Verify Phone failed',
		],
		[
			'Look Up Phone',
			'lookups.twilio.com',
			() =>
				runWorkflow(
					{
						nodes: [source, { ...lookupNode, parameters: { phoneNumber: SAMPLE_RECIPIENT } }],
						connections: { [source.name]: { main: [[{ node: lookupNode.name, type: 'main', index: 0 }]] } },
					},
					{ nodeTypes: { 'CUSTOM.lookUpPhone': new LookUpPhone() }, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url, NO_BASE_URL)], timeoutMs: 20_000 },
				),
			'Look Up Phone failed',
		],
		['Send Email', 'api.resend.com', () => email(NO_BASE_URL), 'Send Email failed'],
	])('%s fails at once with an error naming the proxy and %s, and nothing is sent', async (_name, host, run, prefix) => {
		setProxyEnv({ HTTPS_PROXY: refusing.proxyUrl, NO_PROXY: '127.0.0.1,localhost' });
		const r = await run();
		expect(r.error?.message).toBe(
			`${prefix}: Could not connect to ${host} through the proxy 127.0.0.1:${port()} (from HTTPS_PROXY): the proxy refused the connection (403); its policy must allow this host. The request did not reach ${host}, so nothing was sent (1 attempt(s))`,
		);
		expect((r.error as { description?: string } | undefined)?.description).toMatch(/^Check the proxy in n8n's HTTPS_PROXY\/HTTP_PROXY\/ALL_PROXY settings/);
		expect(refusing.seen().connects).toEqual([{ target: `${host}:443`, allowed: false }]);
		expect(sandbox.state.requests).toHaveLength(0);
	});
});
