/**
 * The Email Events Trigger in a real n8n, fed by the sandbox's Resend: activation creates the Resend
 * webhook for the production URL; an email's events arrive signed, in order, and each starts one
 * execution with the flat output; forged, unsigned, stale and future-dated requests get 401 and
 * start nothing; a replayed svix-id gets 200 and starts nothing; deactivation deletes the webhook.
 *
 * The sandbox is shared with other e2e files, whose emails reach this webhook too (webhooks are per
 * team), so executions are told apart by the email id and svix-id in their output, not counted.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import { deactivateWorkflow, type SavedWorkflow } from '../../scripts/n8n/instance';
import { RESEND_FROM, RESEND_FULL_KEY, RESEND_MAGIC_TO } from '../../sandbox/fixtures';
import { useN8n } from './harness';

const n8n = useN8n();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NODE = 'Email Events Trigger';
const EVENTS = ['email.sent', 'email.delivered', 'email.bounced'];

async function resend<T = Record<string, any>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
	const res = await fetch(`${n8n.ctx.sandboxUrl}${path}`, {
		method,
		headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
		body: body !== undefined ? JSON.stringify(body) : undefined,
	});
	return { status: res.status, body: (await res.json()) as T };
}

/** A Svix signature written out here, for the requests this test forges. */
function svix(secret: string, id: string, ts: number, raw: string): Record<string, string> {
	const mac = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${ts}.${raw}`).digest('base64');
	return { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': `v1,${mac}` };
}

interface Output {
	type: string;
	emailId: string;
	to: string[];
	from: string;
	subject: string;
	createdAt: string;
	eventId: string;
	bounceType?: string;
	raw: Record<string, unknown>;
	[k: string]: unknown;
}

const outputs = new Map<string, Output>();

/** The trigger's item of every finished execution of the workflow, oldest first. */
async function triggerOutputs(workflowId: string): Promise<Array<Output & { executionId: string }>> {
	const executions = (await n8n.executions(workflowId)).filter((e) => e.status === 'success');
	for (const e of executions) {
		if (outputs.has(e.id)) continue;
		const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${e.id}`);
		const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Output }>> } }>> } };
		const item = run.resultData.runData[NODE]?.[0]?.data?.main[0]?.[0]?.json;
		if (item) outputs.set(e.id, item);
	}
	return executions
		.filter((e) => outputs.has(e.id))
		.map((e) => ({ ...outputs.get(e.id)!, executionId: e.id }))
		.sort((a, b) => Number(a.executionId) - Number(b.executionId));
}

async function waitForOutputs(workflowId: string, match: (o: Output) => boolean, count: number): Promise<Array<Output & { executionId: string }>> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const found = (await triggerOutputs(workflowId)).filter(match);
		if (found.length >= count || Date.now() > deadline) return found;
		await sleep(200);
	}
}

async function sendEmail(to: string, subject: string): Promise<string> {
	const r = await resend<{ id: string }>('POST', '/emails', { from: RESEND_FROM, to: [to], subject, text: 'Hello from the e2e' });
	expect(r.status).toBe(200);
	return r.body.id;
}

describe('Email Events Trigger in n8n', () => {
	let wf: SavedWorkflow;
	let url: string;
	let webhookId: string;
	let secret: string;
	let firstEmail: string;

	beforeAll(async () => {
		const nodeWebhookId = randomUUID();
		url = `${n8n.ctx.n8nUrl}/webhook/${nodeWebhookId}/webhook`;
		wf = await n8n.importWorkflow(
			{
				name: `Email events e2e ${n8n.tag()}`,
				nodes: [
					{
						name: NODE,
						type: 'n8n-nodes-comms.emailEventsTrigger',
						typeVersion: 1,
						position: [0, 0],
						webhookId: nodeWebhookId,
						parameters: { events: EVENTS },
						credentials: { resendCommsApi: { id: 'x', name: 'Resend sandbox' } },
					},
				],
				connections: {},
				settings: { executionOrder: 'v1' },
			},
			{ activate: true },
		);
	});

	it('activation creates a Resend webhook for the production URL and the chosen events', async () => {
		const list = await resend<{ data: Array<{ id: string; endpoint: string; events: string[]; status: string }> }>('GET', '/webhooks?limit=100');
		const mine = list.body.data.filter((w) => w.endpoint === url);
		expect(mine).toHaveLength(1);
		expect([...mine[0].events].sort()).toEqual([...EVENTS].sort());
		expect(mine[0].status).toBe('enabled');
		webhookId = mine[0].id;
		secret = (await resend<{ signing_secret: string }>('GET', `/webhooks/${webhookId}`)).body.signing_secret;
		expect(secret).toMatch(/^whsec_/);
	});

	it("an email's events arrive in order and each starts one execution with the flat output", async () => {
		const subject = n8n.tag('events');
		firstEmail = await sendEmail('ada@example.com', subject);
		const got = await waitForOutputs(wf.id, (o) => o.emailId === firstEmail, 2);
		expect(got.map((o) => o.type)).toEqual(['email.sent', 'email.delivered']);
		for (const o of got) {
			expect(o).toMatchObject({ emailId: firstEmail, to: ['ada@example.com'], from: RESEND_FROM, subject, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), eventId: expect.stringMatching(/^msg_/) });
			expect(o.raw).toMatchObject({ type: o.type, data: { email_id: firstEmail } });
			expect(JSON.stringify(o)).not.toContain(secret);
		}
		// The sandbox saw n8n accept each delivery.
		const log = await resend<{ data: Array<{ id: string; status: string }> }>('GET', `/webhooks/${webhookId}/events?limit=100`);
		for (const o of got) expect(log.body.data.find((e) => e.id === o.eventId)?.status).toBe('success');
	});

	it('a bounce carries its details', async () => {
		const id = await sendEmail(RESEND_MAGIC_TO.bounced, n8n.tag('bounce'));
		const got = await waitForOutputs(wf.id, (o) => o.emailId === id, 2);
		expect(got.map((o) => o.type)).toEqual(['email.sent', 'email.bounced']);
		expect(got[1]).toMatchObject({ to: [RESEND_MAGIC_TO.bounced], bounceType: 'Permanent', bounceSubType: 'General', bounceMessage: expect.any(String) });
	});

	it('forged, unsigned, stale and future-dated requests get 401 and start nothing', async () => {
		const emailId = `forged-${randomUUID()}`;
		const raw = JSON.stringify({ type: 'email.delivered', created_at: new Date().toISOString(), data: { email_id: emailId, created_at: new Date().toISOString(), from: RESEND_FROM, to: ['x@example.com'], subject: 'forged' } });
		const now = Math.floor(Date.now() / 1000);
		const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers, body: raw });
		const cases = {
			wrongSecret: svix('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', `msg_${randomUUID()}`, now, raw),
			unsigned: { 'content-type': 'application/json' },
			stale: svix(secret, `msg_${randomUUID()}`, now - 6 * 60, raw),
			future: svix(secret, `msg_${randomUUID()}`, now + 6 * 60, raw),
			tamperedBody: svix(secret, `msg_${randomUUID()}`, now, raw.replace('forged', 'f0rged')),
		};
		for (const [name, headers] of Object.entries(cases)) {
			const res = await post(headers);
			expect({ name, status: res.status }).toEqual({ name, status: 401 });
		}
		// The control: the same request signed with the real secret, now, is accepted.
		const genuine = await post(svix(secret, `msg_${randomUUID()}`, now, raw));
		expect(genuine.status).toBe(200);
		const got = await waitForOutputs(wf.id, (o) => o.emailId === emailId, 1);
		await sleep(1000);
		expect((await triggerOutputs(wf.id)).filter((o) => o.emailId === emailId)).toHaveLength(got.length);
		expect(got).toHaveLength(1);
	});

	it('a replayed svix-id gets 200 and starts no second execution', async () => {
		const [delivered] = await waitForOutputs(wf.id, (o) => o.emailId === firstEmail && o.type === 'email.delivered', 1);
		// Resend re-sends the event (same svix-id, fresh timestamp and signature).
		const replay = await resend('POST', `/webhooks/${webhookId}/events/${delivered.eventId}/replay`);
		expect(replay.status).toBe(200);
		const attempts = await resend<{ data: Array<{ http_status_code: number; response: string }> }>('GET', `/webhooks/${webhookId}/events/${delivered.eventId}/attempts`);
		expect(attempts.body.data.map((a) => a.http_status_code)).toEqual([200, 200]);
		expect(JSON.parse(attempts.body.data[0].response)).toEqual({ received: true, duplicate: true });
		// Someone who captured the request sends it again within the 5 minutes.
		const event = await resend<{ payload: unknown }>('GET', `/webhooks/${webhookId}/events/${delivered.eventId}`);
		const raw = JSON.stringify(event.body.payload);
		const copy = await fetch(url, { method: 'POST', headers: svix(secret, delivered.eventId, Math.floor(Date.now() / 1000), raw), body: raw });
		expect(copy.status).toBe(200);
		await sleep(1500);
		expect((await triggerOutputs(wf.id)).filter((o) => o.eventId === delivered.eventId)).toHaveLength(1);
	});

	it('deactivation deletes the webhook', async () => {
		wf = await deactivateWorkflow(n8n.rest, wf);
		expect((await resend('GET', `/webhooks/${webhookId}`)).status).toBe(404);
		const list = await resend<{ data: Array<{ endpoint: string }> }>('GET', '/webhooks?limit=100');
		expect(list.body.data.filter((w) => w.endpoint === url)).toEqual([]);
		// n8n no longer serves the URL.
		expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
	});
});
