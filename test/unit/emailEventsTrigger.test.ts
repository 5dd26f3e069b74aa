/**
 * The Email Events Trigger's webhook() with a mocked IWebhookFunctions: what it answers, when it
 * starts the workflow, its flat output, and its memory of accepted svix-ids. Requests are signed here
 * with a few lines of HMAC, not with the module under test.
 */
import { createHmac } from 'node:crypto';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { handleWebhook } from '../../nodes/EmailEventsTrigger/webhook';
import { forgetProcessMemory, SEEN_MAX_AGE_SECONDS, SEEN_MAX_ENTRIES } from '../../nodes/EmailEventsTrigger/replays';

const SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const URL_ = 'https://n8n.example.com/webhook/0d6a/webhook';

const DELIVERED = {
	type: 'email.delivered',
	created_at: '2026-11-30T10:00:01.000Z',
	data: { email_id: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c', created_at: '2026-11-30T10:00:00.000Z', from: 'Acme <onboarding@resend.dev>', to: ['ada@example.com'], subject: 'Hello' },
};

function signed(payload: unknown, opts: { id?: string; ts?: number; secret?: string; raw?: string } = {}) {
	const raw = opts.raw ?? JSON.stringify(payload);
	const id = opts.id ?? 'msg_2Lh9KRb0pzN4LePd3XzA1M8GrJw';
	const ts = opts.ts ?? Math.floor(Date.now() / 1000);
	const key = Buffer.from((opts.secret ?? SECRET).slice(6), 'base64');
	const mac = createHmac('sha256', key).update(`${id}.${ts}.${raw}`).digest('base64');
	return { headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': `v1,${mac}` }, rawBody: Buffer.from(raw), body: JSON.parse(raw) as unknown };
}

interface Sent {
	status: number;
	body: string;
}

function harness(opts: { request: Partial<{ headers: Record<string, string>; rawBody: Buffer; body: unknown }>; params?: Record<string, unknown>; staticData?: IDataObject; workflowId?: string; nodeId?: string }) {
	const sent: Sent[] = [];
	const logs: string[] = [];
	const staticData: IDataObject = opts.staticData ?? { registrations: { [URL_]: { webhookId: 'wh1', url: URL_, events: ['email.delivered'], signingSecret: SECRET } } };
	const params: Record<string, unknown> = { events: ['email.sent', 'email.delivered', 'email.bounced', 'email.clicked'], setupMode: 'automatic', ...opts.params };
	const res = {
		headersSent: false,
		writeHead(status: number) {
			sent.push({ status, body: '' });
			this.headersSent = true;
		},
		end(body?: string) {
			sent[sent.length - 1].body = body ?? '';
		},
	};
	const log = (m: string, meta?: unknown) => logs.push(`${m} ${JSON.stringify(meta ?? {})}`);
	const ctx = {
		getRequestObject: () => ({ method: 'POST', headers: {}, ...opts.request }),
		getResponseObject: () => res,
		getNode: () => ({ id: opts.nodeId ?? 'node-1', name: 'Email Events Trigger', type: 'n8n-nodes-comms.emailEventsTrigger' }),
		getWorkflow: () => ({ id: opts.workflowId ?? 'wf1' }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getWebhookResourceUrl: () => URL_,
		getNodeWebhookUrl: () => URL_,
		getWorkflowStaticData: () => staticData,
		logger: { warn: log, debug: log, info: log, error: log },
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	return { ctx, sent, staticData, logs };
}

beforeEach(() => forgetProcessMemory());

describe('Email Events Trigger webhook()', () => {
	it('starts the workflow with one flat item for a signed event', async () => {
		const h = harness({ request: signed(DELIVERED) });
		const out = await handleWebhook(h.ctx);
		expect(h.sent).toEqual([]);
		expect(out.workflowData![0]).toHaveLength(1);
		expect(out.workflowData![0][0].json).toEqual({
			type: 'email.delivered',
			emailId: DELIVERED.data.email_id,
			to: ['ada@example.com'],
			from: 'Acme <onboarding@resend.dev>',
			subject: 'Hello',
			createdAt: '2026-11-30T10:00:01.000Z',
			emailCreatedAt: '2026-11-30T10:00:00.000Z',
			eventId: 'msg_2Lh9KRb0pzN4LePd3XzA1M8GrJw',
			raw: DELIVERED,
		});
	});

	it('flattens bounce and click details', async () => {
		const bounce = { ...DELIVERED, type: 'email.bounced', data: { ...DELIVERED.data, bounce: { type: 'Permanent', subType: 'General', message: 'No such user', diagnosticCode: ['smtp; 550'] } } };
		const out = await handleWebhook(harness({ request: signed(bounce, { id: 'msg_b' }) }).ctx);
		expect(out.workflowData![0][0].json).toMatchObject({ type: 'email.bounced', bounceType: 'Permanent', bounceSubType: 'General', bounceMessage: 'No such user' });
		expect(out.workflowData![0][0].json).not.toHaveProperty('clickLink');

		const click = { ...DELIVERED, type: 'email.clicked', data: { ...DELIVERED.data, click: { ipAddress: '203.0.113.7', link: 'https://example.com/x', timestamp: '2026-11-30T10:05:00.000Z', userAgent: 'Mozilla/5.0' } } };
		const out2 = await handleWebhook(harness({ request: signed(click, { id: 'msg_c' }) }).ctx);
		expect(out2.workflowData![0][0].json).toMatchObject({ clickLink: 'https://example.com/x', clickTimestamp: '2026-11-30T10:05:00.000Z', userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.7' });
		expect(out2.workflowData![0][0].json).not.toHaveProperty('bounceType');
	});

	it('answers a replayed svix-id with 200 and starts nothing, in this process and in another', async () => {
		const first = harness({ request: signed(DELIVERED) });
		expect((await handleWebhook(first.ctx)).workflowData).toBeDefined();
		expect(first.staticData.seenIds).toEqual([['wf1:node-1:msg_2Lh9KRb0pzN4LePd3XzA1M8GrJw', expect.any(Number)]]);

		// A copy, re-signed later (as Resend's retries are), in this process.
		const again = harness({ request: signed(DELIVERED, { ts: Math.floor(Date.now() / 1000) + 1 }), staticData: first.staticData });
		const out = await handleWebhook(again.ctx);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(again.sent).toEqual([{ status: 200, body: JSON.stringify({ received: true, duplicate: true }) }]);

		// This process alone (static data not saved yet): the in-memory copy catches it.
		const unsaved = harness({ request: signed(DELIVERED), staticData: { registrations: first.staticData.registrations } });
		expect((await handleWebhook(unsaved.ctx)).workflowData).toBeUndefined();

		// Another n8n process (webhook worker): only static data remembers.
		forgetProcessMemory();
		const elsewhere = harness({ request: signed(DELIVERED), staticData: first.staticData });
		expect((await handleWebhook(elsewhere.ctx)).workflowData).toBeUndefined();
		expect(elsewhere.sent[0].status).toBe(200);
	});

	it('another trigger seeing the same svix-id (same message, another endpoint) still runs', async () => {
		await handleWebhook(harness({ request: signed(DELIVERED) }).ctx);
		const other = harness({ request: signed(DELIVERED), workflowId: 'wf2' });
		expect((await handleWebhook(other.ctx)).workflowData).toBeDefined();
	});

	it('forgets ids once their timestamp is past the tolerance and margin, and keeps at most SEEN_MAX_ENTRIES', async () => {
		const now = Math.floor(Date.now() / 1000);
		const old: Array<[string, number]> = [['wf1:node-1:msg_old', now - SEEN_MAX_AGE_SECONDS - 1]];
		const h = harness({ request: signed(DELIVERED), staticData: { registrations: harness({ request: {} }).staticData.registrations, seenIds: old } });
		await handleWebhook(h.ctx);
		expect((h.staticData.seenIds as unknown[]).map((e) => (e as [string])[0])).toEqual(['wf1:node-1:msg_2Lh9KRb0pzN4LePd3XzA1M8GrJw']);

		const many: Array<[string, number]> = Array.from({ length: SEEN_MAX_ENTRIES + 50 }, (_, i) => [`wf1:node-1:msg_${i}`, now]);
		const full = harness({ request: signed(DELIVERED, { id: 'msg_new' }), staticData: { registrations: h.staticData.registrations, seenIds: many } });
		await handleWebhook(full.ctx);
		expect(full.staticData.seenIds).toHaveLength(SEEN_MAX_ENTRIES);
		expect((full.staticData.seenIds as Array<[string]>).at(-1)![0]).toBe('wf1:node-1:msg_new');
	});

	it.each([
		['a forged signature', () => signed(DELIVERED, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }), 'no v1 signature matches'],
		['a stale timestamp', () => signed(DELIVERED, { ts: Math.floor(Date.now() / 1000) - 301 }), 'more than 5 minutes old'],
		['a future timestamp', () => signed(DELIVERED, { ts: Math.floor(Date.now() / 1000) + 301 }), 'in the future'],
		['a tampered body', () => ({ ...signed(DELIVERED), rawBody: Buffer.from(JSON.stringify({ ...DELIVERED, type: 'email.bounced' })) }), 'no v1 signature matches'],
		['no svix headers', () => ({ headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(DELIVERED)) }), 'header is missing'],
	])('refuses %s with 401, starts nothing and remembers nothing', async (_name, request, reason) => {
		const req = request();
		const h = harness({ request: req });
		const out = await handleWebhook(h.ctx);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(h.sent).toHaveLength(1);
		expect(h.sent[0].status).toBe(401);
		expect(JSON.parse(h.sent[0].body).reason).toContain(reason);
		expect(h.staticData.seenIds).toBeUndefined();
		expect(h.logs.join('\n')).not.toContain(SECRET);
		const signature = (req.headers as Record<string, string>)['svix-signature'];
		if (signature) expect(h.logs.join('\n') + h.sent[0].body).not.toContain(signature.slice(3));
	});

	it('a refused request does not burn its svix-id: the genuine one still runs', async () => {
		const forged = signed(DELIVERED, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
		await handleWebhook(harness({ request: forged }).ctx);
		expect((await handleWebhook(harness({ request: signed(DELIVERED) }).ctx)).workflowData).toBeDefined();
	});

	it('refuses everything before activation made a secret, and in Manual mode checks the entered secret', async () => {
		const none = harness({ request: signed(DELIVERED), staticData: {} });
		await handleWebhook(none.ctx);
		expect(none.sent[0].status).toBe(401);
		expect(none.sent[0].body).toContain('no signing secret');

		const manual = harness({ request: signed(DELIVERED), staticData: {}, params: { setupMode: 'manual', signingSecret: ` ${SECRET} ` } });
		expect((await handleWebhook(manual.ctx)).workflowData).toBeDefined();
		const wrong = harness({ request: signed(DELIVERED, { id: 'msg_w' }), staticData: {}, params: { setupMode: 'manual', signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });
		await handleWebhook(wrong.ctx);
		expect(wrong.sent[0].status).toBe(401);
	});

	it('acknowledges a genuine event it does not listen to, without running', async () => {
		const opened = { ...DELIVERED, type: 'email.opened' };
		const h = harness({ request: signed(opened) });
		const out = await handleWebhook(h.ctx);
		expect(out.workflowData).toBeUndefined();
		expect(h.sent).toEqual([{ status: 200, body: JSON.stringify({ received: true, ignored: true }) }]);
	});

	it('reads the raw body n8n has not read yet, and refuses when there is none', async () => {
		const req = signed(DELIVERED);
		const lazy: { headers: Record<string, string>; body: unknown; rawBody?: Buffer; readRawBody(): Promise<void> } = {
			headers: req.headers,
			body: req.body,
			readRawBody: async () => void (lazy.rawBody = req.rawBody),
		};
		const h = harness({ request: {} });
		(h.ctx as unknown as { getRequestObject: () => unknown }).getRequestObject = () => lazy;
		expect((await handleWebhook(h.ctx)).workflowData).toBeDefined();

		const bare = harness({ request: { headers: req.headers, body: req.body } });
		await handleWebhook(bare.ctx);
		expect(bare.sent[0]).toMatchObject({ status: 401, body: expect.stringContaining('raw request body') });
	});
});
