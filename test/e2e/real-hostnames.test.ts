/**
 * The default path, with no custom API Base URL: every action node, the list searches and the
 * credential tests call the vendors' real host names, through n8n's HTTPS_PROXY, as a company that
 * requires an outbound proxy runs them. This file starts its own n8n with HTTPS_PROXY (and
 * HTTP_PROXY) pointing at a local CONNECT proxy; the proxy tunnels the five vendor hosts to a local
 * TLS server (certificate trusted through NODE_EXTRA_CA_CERTS) that forwards to the sandbox, and
 * refuses everything else. It records the CONNECT targets and, per request, TLS SNI and Host, so
 * each node's host is proven, and nothing can reach the real Twilio or Resend.
 */
import { randomUUID } from 'node:crypto';
import { LOOKUP_NUMBERS, MESSAGING_SERVICE, SAMPLE_RECIPIENT, VERIFY_SERVICE } from '../../sandbox/fixtures';
import { startFixedHostProxy, type FixedHostProxy, type ProxySightings } from '../../scripts/n8n/fixedHostProxy';
import { activateWorkflow, createCredential, createWorkflow, testCredential, type CredentialRef } from '../../scripts/n8n/instance';
import { resendCredentialData, startStack, twilioCredentialData, type Stack } from '../../scripts/n8n/stack';

const TWILIO = 'api.twilio.com';
const VERIFY = 'verify.twilio.com';
const MESSAGING = 'messaging.twilio.com';
const LOOKUPS = 'lookups.twilio.com';
const RESEND = 'api.resend.com';
const VENDOR_HOSTS = [TWILIO, VERIFY, MESSAGING, LOOKUPS, RESEND];
const PKG = 'n8n-nodes-comms';

let proxy: FixedHostProxy;
let stack: Stack;
/** "Use Custom API Base URL" off: the nodes' built-in vendor URLs. */
let real: { twilio: CredentialRef; resend: CredentialRef };
const log = (line: string) => process.stderr.write(`[real-hostnames] ${line}\n`);

beforeAll(async () => {
	let sandboxUrl = '';
	proxy = await startFixedHostProxy({ hosts: VENDOR_HOSTS, target: () => sandboxUrl });
	const local = '127.0.0.1,localhost';
	stack = await startStack({
		examples: [],
		statusStepMs: 50,
		log,
		env: {
			HTTPS_PROXY: proxy.proxyUrl,
			// Would catch the sandbox credential's http://127.0.0.1 URL too, but for NO_PROXY.
			HTTP_PROXY: proxy.proxyUrl,
			NO_PROXY: local,
			NODE_EXTRA_CA_CERTS: proxy.caFile,
		},
	});
	sandboxUrl = stack.sandbox.url;
	real = {
		twilio: await createCredential(stack.rest, 'Twilio (real hosts)', 'twilioCommsApi', { ...twilioCredentialData(sandboxUrl), useCustomBaseUrl: false }),
		resend: await createCredential(stack.rest, 'Resend (real hosts)', 'resendCommsApi', { ...resendCredentialData(sandboxUrl), useCustomBaseUrl: false }),
	};
}, 600_000);

afterAll(async () => {
	await stack?.stop();
	await proxy?.close();
}, 60_000);

const bind = (creds: CredentialRef[]) => Object.fromEntries(creds.map((c) => [c.type, { id: c.id, name: c.name }]));

/** Webhook → one of our nodes, active; answers with the node's first item. */
async function runNode(type: string, parameters: Record<string, unknown>, creds: CredentialRef[] = [real.twilio]) {
	const path = `real-hosts-${randomUUID().slice(0, 8)}`;
	const saved = await createWorkflow(stack.rest, {
		name: `real hosts: ${type} ${path}`,
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} } },
			{ id: randomUUID(), name: 'Node', type: `${PKG}.${type}`, typeVersion: 1, position: [240, 0], parameters, credentials: bind(creds) },
		],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	});
	await activateWorkflow(stack.rest, saved);
	proxy.reset();
	const res = await fetch(`${stack.n8n.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(60_000) });
	const text = await res.text();
	expect({ status: res.status, text }).toMatchObject({ status: 200 });
	return { json: JSON.parse(text) as Record<string, unknown>, seen: proxy.seen() };
}

/** What a step sent to the vendors: n8n's own calls home (refused) are left out. */
function vendorTraffic(seen: ProxySightings) {
	return {
		connects: seen.connects.filter((c) => VENDOR_HOSTS.includes(c.target.replace(/:\d+$/, ''))),
		requests: seen.requests,
	};
}

/** Every request went to `host`: by TLS SNI and by Host header; any new tunnel was to host:443 too. */
function expectOnly(seen: ProxySightings, host: string) {
	const { connects, requests } = vendorTraffic(seen);
	expect(requests.length).toBeGreaterThan(0);
	expect(new Set(requests.map((r) => `${r.sni} ${r.host}`))).toEqual(new Set([`${host} ${host}`]));
	for (const c of connects) expect(c).toEqual({ target: `${host}:443`, allowed: true });
	return requests;
}

describe('no custom base URL: the real host names, through HTTPS_PROXY', () => {
	const tunnelled = new Set<string>();
	const note = (seen: ProxySightings) => vendorTraffic(seen).connects.forEach((c) => tunnelled.add(c.target));
	let smsSid = '';
	let emailId = '';

	it('Send SMS → api.twilio.com', async () => {
		const { json, seen } = await runNode('sendSms', { to: SAMPLE_RECIPIENT, body: 'via the proxy' });
		smsSid = String(json.sid);
		expect(smsSid).toMatch(/^SM[0-9a-f]{32}$/);
		expect(expectOnly(seen, TWILIO).map((r) => `${r.method} ${r.path}`)).toEqual([expect.stringMatching(/^POST \/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json$/)]);
		expect(stack.sandbox.state.messages.get(smsSid)?.body).toBe('via the proxy');
		note(seen);
	});

	it('Voice Message → api.twilio.com', async () => {
		const { json, seen } = await runNode('voiceMessage', { to: SAMPLE_RECIPIENT, message: 'Disk almost full' });
		expect(json.sid).toMatch(/^CA[0-9a-f]{32}$/);
		expect(expectOnly(seen, TWILIO).map((r) => r.path)).toEqual([expect.stringMatching(/\/Calls\.json$/)]);
		note(seen);
	});

	it('Outbound Call → api.twilio.com', async () => {
		const { json, seen } = await runNode('outboundCall', { to: SAMPLE_RECIPIENT, instructions: 'demo' });
		expect(json.sid).toMatch(/^CA[0-9a-f]{32}$/);
		expect(expectOnly(seen, TWILIO).map((r) => r.path)).toEqual([expect.stringMatching(/\/Calls\.json$/)]);
		note(seen);
	});

	it('Verify Phone → verify.twilio.com', async () => {
		const { json, seen } = await runNode('verifyPhone', { operation: 'sendCode', verifyService: { __rl: true, mode: 'id', value: VERIFY_SERVICE.sid }, channel: 'sms', to: SAMPLE_RECIPIENT });
		expect(json).toMatchObject({ status: 'pending', to: SAMPLE_RECIPIENT });
		expect(expectOnly(seen, VERIFY).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v2/Services/${VERIFY_SERVICE.sid}/Verifications`]);
		note(seen);
	});

	it('Look Up Phone → lookups.twilio.com', async () => {
		const { json, seen } = await runNode('lookUpPhone', { phoneNumber: LOOKUP_NUMBERS.landline, dataPackages: ['line_type_intelligence'] });
		expect(json).toMatchObject({ valid: true, phoneNumber: LOOKUP_NUMBERS.landline, lineType: 'landline', isLandline: true });
		expect(expectOnly(seen, LOOKUPS).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/PhoneNumbers/${LOOKUP_NUMBERS.landline}?Fields=line_type_intelligence`]);
		note(seen);
	});

	it('Send Email → api.resend.com', async () => {
		const { json, seen } = await runNode('sendEmail', { to: 'ada@example.com', subject: 'via the proxy', text: 'hello' }, [real.resend]);
		emailId = String(json.id);
		expect(stack.sandbox.state.emails.get(emailId)?.subject).toBe('via the proxy');
		expect(expectOnly(seen, RESEND).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /emails']);
		note(seen);
	});

	it('Message Status → api.twilio.com for an SMS, api.resend.com for an email', async () => {
		const sms = await runNode('messageStatus', { operation: 'get', id: smsSid }, [real.twilio, real.resend]);
		expect(sms.json).toMatchObject({ id: smsSid, channel: 'sms' });
		expect(expectOnly(sms.seen, TWILIO).map((r) => r.path)).toEqual([expect.stringMatching(new RegExp(`/Messages/${smsSid}\\.json$`))]);
		const email = await runNode('messageStatus', { operation: 'get', id: emailId }, [real.twilio, real.resend]);
		expect(email.json).toMatchObject({ id: emailId, channel: 'email' });
		expect(expectOnly(email.seen, RESEND).map((r) => r.path)).toEqual([`/emails/${emailId}`]);
		note(sms.seen);
		note(email.seen);
	});

	it("Send SMS's Messaging Service list → messaging.twilio.com; Verify Phone's service list → verify.twilio.com", async () => {
		const search = async (type: string, methodName: string, path: string) => {
			proxy.reset();
			const { data } = await stack.rest.post<{ results: Array<{ value: string }> }>('/rest/dynamic-node-parameters/resource-locator-results', {
				path,
				methodName,
				nodeTypeAndVersion: { name: `${PKG}.${type}`, version: 1 },
				currentNodeParameters: {},
				credentials: bind([real.twilio]),
			});
			return { values: data.results.map((r) => r.value), seen: proxy.seen() };
		};
		const services = await search('sendSms', 'searchMessagingServices', 'messagingService');
		expect(services.values).toContain(MESSAGING_SERVICE.sid);
		expectOnly(services.seen, MESSAGING);
		const verify = await search('verifyPhone', 'searchVerifyServices', 'verifyService');
		expect(verify.values).toContain(VERIFY_SERVICE.sid);
		expectOnly(verify.seen, VERIFY);
		note(services.seen);
		note(verify.seen);
	});

	it('the credential tests ("Test" buttons) go through the proxy to api.twilio.com and api.resend.com', async () => {
		proxy.reset();
		expect(await testCredential(stack.rest, real.twilio)).toMatchObject({ status: 'OK', message: expect.stringMatching(/^Connected to /) });
		expectOnly(proxy.seen(), TWILIO);
		proxy.reset();
		expect(await testCredential(stack.rest, real.resend)).toMatchObject({ status: 'OK', message: 'Connected with a full-access API key.' });
		expectOnly(proxy.seen(), RESEND);
	});

	it('over the run, each of the five hosts had its own tunnel', () => {
		expect([...tunnelled].sort()).toEqual(VENDOR_HOSTS.map((h) => `${h}:443`).sort());
	});
});

describe('NO_PROXY', () => {
	it('the sandbox credential (http://127.0.0.1) bypasses HTTP_PROXY: the proxy sees nothing and the send succeeds', async () => {
		const { json, seen } = await runNode('sendSms', { to: SAMPLE_RECIPIENT, body: 'direct' }, [stack.credentials.twilio]);
		expect(json.sid).toMatch(/^SM[0-9a-f]{32}$/);
		expect(vendorTraffic(seen)).toEqual({ connects: [], requests: [] });
		expect(seen.plain.filter((p) => p.url.startsWith(stack.sandbox.url))).toEqual([]);
	});
});
