/**
 * The Email Events Trigger against Resend's official spec (../shared/specs/resend.json):
 * - every request its set-up hooks send (POST/GET/DELETE /webhooks) and every 2xx the sandbox
 *   answers validates (unknown JSON keys count as errors, as in the other Resend contract suite);
 * - every event the sandbox delivers validates against the spec's webhook payload schemas
 *   ("webhooks" → Email*Event), and the trigger accepts it: the sandbox's signer and the trigger's
 *   verifier are separate code, so this is where the two sides of the Svix scheme meet.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { RESEND_FROM, RESEND_FULL_KEY, RESEND_MAGIC_TO } from '../../sandbox/fixtures';
import { checkExists, create, remove } from '../../nodes/EmailEventsTrigger/hooks';
import { handleWebhook } from '../../nodes/EmailEventsTrigger/webhook';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, toJsonSchema, type OpenApiSpec } from '../support/openapi';

interface Delivery {
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
}

let sandbox: Sandbox;
let spec: OpenApiSpec;
let server: http.Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
	spec = loadSpec('resend.json');
	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks) });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/0d6a/webhook`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await sandbox.close();
});
beforeEach(() => {
	sandbox.reset();
	deliveries.length = 0;
});

function hookContext(staticData: IDataObject, params: Record<string, unknown>): IHookFunctions {
	const credentials: ICredentialDataDecryptedObject = { apiKey: RESEND_FULL_KEY.token, useCustomBaseUrl: true, baseUrl: sandbox.url };
	return {
		getCredentials: async () => credentials,
		getNode: () => ({ id: 'n1', name: 'Email Events Trigger', type: 'n8n-nodes-comms.emailEventsTrigger', typeVersion: 1, position: [0, 0], parameters: {} }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getNodeWebhookUrl: () => receiverUrl,
		getWorkflowStaticData: () => staticData,
	} as unknown as IHookFunctions;
}

/** The trigger's webhook() for one delivery the sandbox made, with the exact bytes it sent. */
async function triggerOn(d: Delivery, staticData: IDataObject, events: string[]) {
	const sent: number[] = [];
	const res = { headersSent: false, writeHead: (s: number) => sent.push(s), end: () => undefined };
	const ctx = {
		getRequestObject: () => ({ headers: d.headers, rawBody: d.raw, body: JSON.parse(d.raw.toString('utf8')) as unknown }),
		getResponseObject: () => res,
		getNode: () => ({ id: 'n1', name: 'Email Events Trigger' }),
		getWorkflow: () => ({ id: 'contract' }),
		getNodeParameter: (name: string, fallback?: unknown) => (name === 'events' ? events : name === 'setupMode' ? 'automatic' : fallback),
		getWebhookResourceUrl: () => receiverUrl,
		getNodeWebhookUrl: () => receiverUrl,
		getWorkflowStaticData: () => staticData,
		logger: { warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined },
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	const out = await handleWebhook(ctx);
	return { sent, item: out.workflowData?.[0][0].json };
}

/** The spec's schema of each webhook event ("webhooks" → post → requestBody), compiled once. */
function eventValidator(type: string) {
	const doc = spec.document as { webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>; components: { schemas: Record<string, object> } };
	const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
	addFormats(ajv);
	ajv.addSchema({ components: { schemas: Object.fromEntries(Object.entries(doc.components.schemas).map(([k, v]) => [k, toJsonSchema(v)])) } }, 'spec');
	return ajv.compile(toJsonSchema(doc.webhooks[type].post.requestBody.content['application/json'].schema));
}

async function waitForDeliveries(count: number): Promise<Delivery[]> {
	const deadline = Date.now() + 5_000;
	while (deliveries.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
	expect(deliveries).toHaveLength(count);
	return deliveries;
}

const EVENTS = ['email.sent', 'email.delivered', 'email.bounced', 'email.suppressed', 'email.scheduled', 'email.complained'];

describe('Email Events Trigger set-up matches the Resend spec', () => {
	it('activate, check, change the events, deactivate', async () => {
		const staticData: IDataObject = {};
		const ctx = hookContext(staticData, { setupMode: 'automatic', events: EVENTS });
		expect(await checkExists.call(ctx)).toBe(false);
		expect(await create.call(ctx)).toBe(true);
		expect(await checkExists.call(ctx)).toBe(true);
		const changed = hookContext(staticData, { setupMode: 'automatic', events: ['email.delivered'] });
		expect(await checkExists.call(changed)).toBe(false);
		expect(await create.call(changed)).toBe(true);
		// Deleted in Resend's dashboard meanwhile: deactivation's DELETE gets 404, which is fine.
		const id = (staticData.registrations as Record<string, { webhookId: string }>)[receiverUrl].webhookId;
		await fetch(`${sandbox.url}/webhooks/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}` } });
		expect(await remove.call(changed)).toBe(true);
		expect(staticData.registrations).toEqual({});
		expect(await remove.call(changed)).toBe(true);
		expect(sandbox.state.requests.map((r) => `${r.method} ${r.routePath} ${r.status}`)).toEqual([
			'GET /webhooks 200',
			'POST /webhooks 201',
			'GET /webhooks/{webhook_id} 200',
			// The old webhook, found by its URL and by static data, goes before the new one is made.
			'GET /webhooks 200',
			'DELETE /webhooks/{webhook_id} 200',
			'POST /webhooks 201',
			'DELETE /webhooks/{webhook_id} 200',
			'DELETE /webhooks/{webhook_id} 404',
		]);
		expect(checkRecordedRequests(sandbox, () => spec)).toBe(8);
	});

	it("every event the sandbox delivers matches the spec's payload schema, and the trigger accepts it", async () => {
		const staticData: IDataObject = {};
		await create.call(hookContext(staticData, { setupMode: 'automatic', events: EVENTS }));
		const send = (to: string, extra: Record<string, unknown> = {}) =>
			fetch(`${sandbox.url}/emails`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ from: RESEND_FROM, to: [to], subject: 'Contract', text: 'x', tags: [{ name: 'kind', value: 'contract' }], headers: { 'X-Entity-Ref-ID': '7' }, ...extra }),
			});
		await send('ada@example.com');
		await send(RESEND_MAGIC_TO.bounced);
		await send(RESEND_MAGIC_TO.suppressed);
		await send(RESEND_MAGIC_TO.complained);
		await send('later@example.com', { scheduled_at: new Date(Date.now() + 3600_000).toISOString() });
		// sent+delivered, sent+bounced, suppressed, sent+delivered+complained, scheduled
		const got = await waitForDeliveries(9);
		const types = new Set<string>();
		for (const d of got) {
			const payload = JSON.parse(d.raw.toString('utf8')) as { type: string };
			types.add(payload.type);
			const validate = eventValidator(payload.type);
			expect({ type: payload.type, errors: validate(payload) ? [] : validate.errors }).toEqual({ type: payload.type, errors: [] });
			const { sent, item } = await triggerOn(d, staticData, EVENTS);
			expect(sent).toEqual([]);
			expect(item).toMatchObject({ type: payload.type, eventId: d.headers['svix-id'] });
		}
		expect([...types].sort()).toEqual([...EVENTS].sort());
		// The schemas bite: a bounce without its details, or an event without an email id, fails.
		const bounce = JSON.parse(got.find((d) => d.raw.includes('email.bounced'))!.raw.toString('utf8')) as { data: Record<string, unknown> };
		expect(eventValidator('email.bounced')({ ...bounce, data: { ...bounce.data, bounce: undefined } })).toBe(false);
		expect(eventValidator('email.bounced')({ ...bounce, data: { ...bounce.data, email_id: undefined } })).toBe(false);
		expect(checkRecordedRequests(sandbox, () => spec)).toBe(7);
	});
});
