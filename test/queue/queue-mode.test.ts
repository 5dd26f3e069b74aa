/**
 * Our nodes in n8n's queue mode: a Redis, a main, two webhook processes and two workers sharing one
 * user folder. The main activates workflows (the Twilio trigger registers its SmsUrl then), the
 * webhook process takes production webhooks and enqueues, and a worker runs the execution.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import { FULL_ACCOUNT, MAGIC_TO, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { activateWorkflow, bindCredentials, createWorkflow, listExecutions, type SavedWorkflow } from '../../scripts/n8n/instance';
import { startQueueStack, type QueueStack } from '../../scripts/n8n/queue';
import type { N8nServer } from '../../scripts/n8n/server';
import { REPO_ROOT } from '../../scripts/n8n/paths';
import { SandboxClient } from '../support/n8n/sandboxClient';
import { deliver, inboundSms, slowTriggerWorkflow } from '../support/n8n/twilioDelivery';
import { ackOutcome, callAndWaitWorkflow, finished, latestExecution, replyWaitWorkflow } from '../support/n8n/callAndWait';
import { bodyOf, bulkSmsWorkflow, type BulkRow } from './bulkSmsWorkflow';

const INBOUND_EXAMPLE = path.join(REPO_ROOT, 'examples', 'inbound-sms-reply.json');
const ITEMS = 300;

let stack: QueueStack;
let sandbox: SandboxClient;

beforeAll(async () => {
	stack = await startQueueStack({
		workers: 2,
		examples: [INBOUND_EXAMPLE],
		statusStepMs: 50,
		log: (line) => process.stderr.write(`[queue] ${line}\n`),
		keepUserFolder: process.env.N8N_COMMS_KEEP === '1' ? true : undefined,
	});
	sandbox = new SandboxClient(stack.sandbox.url);
	// A cold machine installs n8n first (minutes); warm, the five processes take well under one.
}, 15 * 60_000);

afterAll(async () => {
	await stack?.stop();
}, 60_000);

const logOf = (s: N8nServer) => fs.readFileSync(s.logFile, 'utf8');

/** Which processes' logs say they ran (a worker) or enqueued (main, webhook process) this execution. */
function whoHandled(executionId: string) {
	const said = (s: N8nServer, what: string) => logOf(s).includes(`${what} ${executionId} (job `);
	return {
		enqueuedBy: [stack.main, ...stack.webhooks].filter((s) => said(s, 'Enqueued execution')).map((s) => path.basename(s.logFile)),
		ranOn: stack.workers.filter((w) => said(w, 'Worker started execution')).map((w) => path.basename(w.logFile)),
		mainRan: said(stack.main, 'Worker started execution'),
	};
}

async function postWebhook<T>(webhookPath: string, body: unknown): Promise<{ status: number; json: T }> {
	const res = await fetch(`${stack.webhook.url}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(110_000),
	});
	const text = await res.text();
	try {
		return { status: res.status, json: JSON.parse(text) as T };
	} catch {
		throw new Error(`webhook ${webhookPath} answered ${res.status} with non-JSON: ${text.slice(0, 300)}`);
	}
}

describe('queue mode: bulk Send SMS on a worker, with faults', () => {
	let workflow: SavedWorkflow;
	const webhookPath = `bulk-${randomUUID().slice(0, 8)}`;
	const tag = `queue-${randomUUID().slice(0, 8)}`;
	let rows: BulkRow[];

	beforeAll(async () => {
		const json = bulkSmsWorkflow(webhookPath);
		json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
		workflow = await activateWorkflow(stack.rest, await createWorkflow(stack.rest, bindCredentials(json, [stack.credentials.twilio])));
		// Faults on message creation only; seeded so a run meets the same fault sequence as the last.
		stack.sandbox.faults.set({ rate429: 0.3, retryAfterSec: 1, rateReset: 0.02, rateSlow: 0.02, slowMs: 1000, seed: 8, routes: ['twilio.messages.create'] });
		try {
			const t0 = Date.now();
			const res = await postWebhook<BulkRow[]>(webhookPath, { count: ITEMS, tag });
			process.stderr.write(`[queue] ${ITEMS} items answered in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
			expect(res.status).toBe(200);
			rows = res.json;
		} finally {
			stack.sandbox.faults.clear();
		}
	});

	it('answers one row per input item, in input order', () => {
		expect(rows.map((r) => r.i)).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
	});

	it('sends every item exactly once or reports it as an error item, never both, never neither', async () => {
		const sent = rows.filter((r) => r.sid !== '');
		const failed = rows.filter((r) => r.error !== '');
		expect(sent.length + failed.length).toBe(ITEMS);
		expect(sent.every((r) => r.error === '' && /^SM[0-9a-f]{32}$/.test(r.sid))).toBe(true);

		const inSandbox = await sandbox.messages((m) => m.body.startsWith(`${tag} #`));
		const sids = inSandbox.map((m) => m.sid);
		// Every reported sid is in the sandbox exactly once, with its own item's text, and nothing else was sent.
		expect(new Set(sids).size).toBe(sids.length);
		const bySid = new Map(inSandbox.map((m) => [m.sid, m.body]));
		expect(sent.filter((r) => bySid.get(r.sid) !== bodyOf(tag, r.i))).toEqual([]);
		expect(inSandbox.length).toBe(sent.length);
		// A failed item was not sent behind its error.
		const sentBodies = new Set(inSandbox.map((m) => m.body));
		expect(failed.filter((r) => sentBodies.has(bodyOf(tag, r.i)))).toEqual([]);
	});

	it('retried the 429s and reported each connection reset on a create as outcome unknown, sending nothing twice', () => {
		const stats = stack.sandbox.stats();
		expect(stats.duplicates).toBe(0);
		expect(stats.faults.rate429).toBeGreaterThan(0);
		expect(stats.faults.reset).toBeGreaterThan(0);
		expect(stats.faults.slow).toBeGreaterThan(0);
		const failed = rows.filter((r) => r.error !== '');
		// A reset comes before the sandbox acts, but the client cannot know that: one error item each, never re-sent.
		expect(failed.length).toBe(stats.faults.reset);
		expect(failed.filter((r) => !/: Outcome unknown: /.test(r.error))).toEqual([]);
		expect(stats.uniqueSends).toBe(ITEMS - failed.length);
	});

	it('ran on a worker: the webhook process enqueued it and exactly one worker ran it', async () => {
		const executions = await listExecutions(stack.rest, workflow.id);
		expect(executions.map((e) => e.status)).toEqual(['success']);
		const who = whoHandled(executions[0].id);
		expect(who.enqueuedBy).toEqual(['n8n-webhook.log']);
		expect(who.ranOn).toHaveLength(1);
		expect(who.mainRan).toBe(false);
	});
});

describe('queue mode: every process shares one PostgreSQL database', () => {
	it("the executions the REST API lists are rows in PostgreSQL's execution_entity, and no SQLite file exists", async () => {
		const { findPostgresBin } = require('../../scripts/postgres.js') as { findPostgresBin(): string };
		const { host, port, user, database } = stack.postgres;
		const psql = spawnSync(path.join(findPostgresBin(), 'psql'), ['-h', host, '-p', String(port), '-U', user, '-d', database, '-tAc', 'select id from execution_entity'], { encoding: 'utf8' });
		expect(psql.status).toBe(0);
		const rows = new Set(psql.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
		// The bulk send above ran before this: at least its execution is listed.
		const { data } = await stack.rest.get<{ results: Array<{ id: string }> }>('/rest/executions?limit=200');
		expect(data.results.length).toBeGreaterThan(0);
		expect(data.results.filter((e) => !rows.has(String(e.id)))).toEqual([]);
		expect(fs.existsSync(path.join(stack.userFolder, '.n8n', 'database.sqlite'))).toBe(false);
	});
});

describe("queue mode: n8n's Retry On Fail on a worker sends no item twice", () => {
	const ITEMS_RETRY = 40;
	const BAD = 25;

	it(`item ${BAD} of ${ITEMS_RETRY} refused by Twilio, 3 tries: items before it texted once, nothing twice, and one worker ran it`, async () => {
		const webhookPath = `retry-${randomUUID().slice(0, 8)}`;
		const tag = `queue-retry-${randomUUID().slice(0, 8)}`;
		const json = bulkSmsWorkflow(webhookPath, { badIndex: BAD, badTo: MAGIC_TO.invalid });
		json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
		const wf = await activateWorkflow(stack.rest, await createWorkflow(stack.rest, bindCredentials(json, [stack.credentials.twilio])));
		const res = await fetch(`${stack.webhook.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ count: ITEMS_RETRY, tag }),
			signal: AbortSignal.timeout(110_000),
		});
		expect(res.status).toBe(500);

		const counts = new Array<number>(ITEMS_RETRY).fill(0);
		for (const m of await sandbox.messages((m) => m.body.startsWith(`${tag} #`))) counts[Number(m.body.slice(tag.length + 2))]++;
		expect(counts.slice(0, BAD)).toEqual(new Array(BAD).fill(1));
		expect(counts[BAD]).toBe(0);
		// Items in flight when item 25 failed went out on the first try and on no later one.
		expect(Math.max(...counts)).toBe(1);
		// Three tries reached Twilio with item 25, each refused once: n8n did retry.
		const refused = stack.sandbox.state.requests.filter((q) => q.route === 'twilio.messages.create' && q.status === 400 && String(q.form?.To) === MAGIC_TO.invalid);
		expect(refused.length).toBeGreaterThanOrEqual(3);

		const executions = await listExecutions(stack.rest, wf.id);
		expect(executions.map((e) => e.status)).toEqual(['error']);
		const who = whoHandled(executions[0].id);
		expect(who.ranOn).toHaveLength(1);
		expect(who.mainRan).toBe(false);
	}, 120_000);
});

describe('queue mode: Inbound SMS → reply through the webhook process', () => {
	const example = () => {
		const wf = Object.values(stack.workflows).find((w) => w.file === INBOUND_EXAMPLE);
		if (!wf) throw new Error('inbound-sms-reply.json was not imported');
		const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-comms.twilioCommsTrigger') as unknown as { webhookId: string };
		return { wf, url: `${stack.webhook.url}/webhook/${trigger.webhookId}/webhook` };
	};

	it("activation on the main pointed the number's SmsUrl at the webhook process", async () => {
		const { wf, url } = example();
		expect(wf.active).toBe(true);
		expect(await sandbox.number(NUMBER_MAIN.phoneNumber)).toMatchObject({ sms_url: url, sms_method: 'POST' });
	});

	it('answers a signed inbound SMS with TwiML from the workflow, run once on a worker', async () => {
		const { wf, url } = example();
		const before = await listExecutions(stack.rest, wf.id);
		const text = `hello ${randomUUID().slice(0, 8)}`;
		const { status, data } = await sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_MAIN.phoneNumber, body: text });
		expect(status).toBe(200);
		expect(data).toMatchObject({ url, status: 200, twimlError: null });
		expect(data.replies).toEqual([expect.objectContaining({ from: NUMBER_MAIN.phoneNumber, to: SAMPLE_RECIPIENT, body: `Thanks, we got your message: ${text}` })]);
		const after = await listExecutions(stack.rest, wf.id);
		expect(after).toHaveLength(before.length + 1);
		const who = whoHandled(after[0].id);
		expect(who.enqueuedBy).toEqual(['n8n-webhook.log']);
		expect(who.ranOn).toHaveLength(1);
	});

	it('a retried delivery (same idempotency token) starts no second execution', async () => {
		const { wf } = example();
		const before = (await listExecutions(stack.rest, wf.id)).length;
		const { data } = await sandbox.post<{ deliveries: number[]; replies: Array<{ body: string }> }>('/__sandbox/inbound/sms', {
			from: SAMPLE_RECIPIENT,
			to: NUMBER_MAIN.phoneNumber,
			body: 'HELP',
			deliveries: 2,
		});
		expect(data.deliveries).toEqual([200, 200]);
		expect(data.replies.map((r) => r.body)).toEqual(['Text STATUS for the service status, or anything else to reach us.']);
		// Each delivery is answered only once its execution (if any) has finished, so the count is final here.
		expect((await listExecutions(stack.rest, wf.id)).length).toBe(before + 1);
	});
});

describe('queue mode: a retried delivery lands on the other webhook process', () => {
	const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

	/** Both processes serve the public URL (WEBHOOK_URL, the first one's address) that Twilio signs. */
	async function importTrigger(name: string, trigger: Record<string, unknown>, waitSeconds: number) {
		const { json, webhookId } = slowTriggerWorkflow(name, trigger, 'Done', waitSeconds);
		json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
		const wf = await activateWorkflow(stack.rest, await createWorkflow(stack.rest, bindCredentials(json, [stack.credentials.twilio])));
		const path_ = `/webhook/${webhookId}/webhook`;
		return { wf, url: `${stack.webhooks[0].url}${path_}`, otherProcess: `${stack.webhooks[1].url}${path_}` };
	}

	async function executionsWhenSettled(workflowId: string): Promise<Array<{ id: string; status: string }>> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const all = await listExecutions(stack.rest, workflowId);
			if ((all.length > 0 && all.every((e) => !['new', 'running', 'waiting'].includes(e.status))) || Date.now() > deadline) {
				await sleep(1_000);
				return listExecutions(stack.rest, workflowId);
			}
			await sleep(250);
		}
	}

	it('runs two webhook processes', () => {
		expect(stack.webhooks).toHaveLength(2);
		expect(new Set(stack.webhooks.map((w) => w.port)).size).toBe(2);
	});

	it('immediate answer: the retry, while the first execution still runs on a worker, starts nothing', async () => {
		const { wf, url, otherProcess } = await importTrigger('queue retry: immediate answer', { events: ['incomingSms'], smsReply: 'text', replyText: 'Got it' }, 5);
		const token = `queue-${randomUUID()}`;
		const params = inboundSms('+15555550145', SAMPLE_RECIPIENT, `slow ${token}`, FULL_ACCOUNT.sid);
		const first = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(first).toMatchObject({ timedOut: false, status: 200, body: expect.stringContaining('<Message>Got it</Message>') });
		const retry = await deliver({ url, postTo: otherProcess, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(retry).toMatchObject({ timedOut: false, status: 200, body: expect.stringContaining('<Message>Got it</Message>') });
		// Still running then: the retry was recognised from the database, not from a finished execution.
		expect((await listExecutions(stack.rest, wf.id)).map((e) => e.status)).not.toContain('success');
		const executions = await executionsWhenSettled(wf.id);
		expect(executions.map((e) => e.status)).toEqual(['success']);
		expect(whoHandled(executions[0].id).enqueuedBy).toEqual(['n8n-webhook.log']);
	});

	it("workflow answer: the retry after the answer starts nothing on the other process", async () => {
		const { wf, url, otherProcess } = await importTrigger('queue retry: workflow answer', { events: ['incomingSms'], smsReply: 'workflow', options: { workflowReplyFrom: 'lastNode' } }, 1);
		const token = `queue-${randomUUID()}`;
		const params = inboundSms('+15555550146', SAMPLE_RECIPIENT, `answer ${token}`, FULL_ACCOUNT.sid);
		const first = await deliver({ url, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(first).toMatchObject({ timedOut: false, status: 200, body: 'Done' });
		const retry = await deliver({ url, postTo: otherProcess, params, authToken: FULL_ACCOUNT.authToken, idempotencyToken: token });
		expect(retry).toMatchObject({ timedOut: false, status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
		expect((await executionsWhenSettled(wf.id)).map((e) => e.status)).toEqual(['success']);
	});
});

describe('queue mode: Call and Wait for Acknowledgement waits and resumes on workers', () => {
	it('a worker places the call and parks the execution; the key press comes in through a webhook process and a worker resumes it', async () => {
		const callee = '+15555550167';
		await sandbox.callee(callee, { answer: 'human', afterMs: 100, press: { digits: '1', afterMs: 1500 }, secondMs: 100 });
		const webhookPath = `call-wait-${randomUUID().slice(0, 8)}`;
		const json = callAndWaitWorkflow(webhookPath, callee, { acknowledgeTimeout: 10 });
		json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
		const wf = await activateWorkflow(stack.rest, await createWorkflow(stack.rest, bindCredentials(json, [stack.credentials.twilio])));
		const res = await fetch(`${stack.webhook.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ tag: `queue-wait-${randomUUID().slice(0, 8)}` }),
		});
		expect(res.status).toBe(200);
		const reader = { executions: (id: string) => listExecutions(stack.rest, id), rest: stack.rest };
		const waiting = await latestExecution(reader, wf.id, (s) => s === 'waiting');
		const done = await latestExecution(reader, wf.id, finished, 60_000);
		expect(done).toMatchObject({ id: waiting.id, status: 'success' });
		expect(await ackOutcome(reader, done.id)).toEqual([expect.objectContaining({ acknowledged: true, digit: '1', to: callee })]);
		const who = whoHandled(done.id);
		// Started by a webhook process, and resumed through one: both runs on workers, none on the main.
		expect(who.ranOn.length).toBeGreaterThanOrEqual(1);
		expect(who.mainRan).toBe(false);
		const workerRuns = stack.workers.map((w) => logOf(w).split(`Worker started execution ${done.id} (job `).length - 1).reduce((a, b) => a + b, 0);
		expect(workerRuns).toBe(2);
	});
});

describe('queue mode: Send and Wait for a reply SMS, routed by the trigger on a webhook process', () => {
	it('two executions wait on the number the inbound example owns; each reply resumes its own, on a worker', async () => {
		const recipients = ['+15555550191', '+15555550192'];
		// The second recipient answers first.
		await sandbox.recipient(recipients[0], { reply: 'YES', afterMs: 800 });
		await sandbox.recipient(recipients[1], { reply: 'no', afterMs: 100 });
		const webhookPath = `sms-reply-${randomUUID().slice(0, 8)}`;
		const json = replyWaitWorkflow(`queue: sms reply ${webhookPath}`, webhookPath, {
			to: '={{ $json.body.to }}',
			from: { __rl: true, mode: 'number', value: NUMBER_MAIN.phoneNumber },
			body: 'Deploy? Reply YES or NO',
		});
		json.nodes = json.nodes.map((n) => ({ id: randomUUID(), ...n }));
		const wf = await activateWorkflow(stack.rest, await createWorkflow(stack.rest, bindCredentials(json, [stack.credentials.twilio])));
		for (const to of recipients) {
			const res = await fetch(`${stack.webhook.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }) });
			expect(res.status).toBe(200);
		}
		const deadline = Date.now() + 40_000;
		let done: Array<{ id: string; status: string }> = [];
		while (Date.now() < deadline) {
			done = (await listExecutions(stack.rest, wf.id)).filter((e) => e.status === 'success');
			if (done.length === 2) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		expect(done).toHaveLength(2);
		const answers = await Promise.all(
			done.map(async (e) => {
				const { data } = await stack.rest.get<{ data: string }>(`/rest/executions/${e.id}`);
				const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
				return run.resultData.runData.Ask?.at(-1)?.data?.main[0]?.[0]?.json ?? {};
			}),
		);
		expect(Object.fromEntries(answers.map((a) => [a.from, a.choice]))).toEqual({ [recipients[0]]: 'YES', [recipients[1]]: 'NO' });
		for (const e of done) expect(whoHandled(e.id).mainRan).toBe(false);
	});
});
