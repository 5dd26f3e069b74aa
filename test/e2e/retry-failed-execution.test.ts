/**
 * n8n's retry of a failed execution (Retry in the executions list; `POST /rest/executions/:id/retry`)
 * in a real n8n. n8n re-runs the failed node with all its items under a new execution id; before,
 * every item the failed execution had already sent went out again. Now Send SMS finds those at
 * Twilio and outputs them with `alreadySent: true`, and Send Email's Idempotency-Key is the same in
 * the retry, so Resend replays instead of sending. Both are retried twice: first as it was ("Retry
 * with original workflow", which fails again), then after the user fixed the workflow.
 */
import { MAGIC_TO } from '../../sandbox/fixtures';
import type { FormParams } from '../../sandbox/form';
import type { SandboxStats } from '../../sandbox/stats';
import type { SavedWorkflow, WorkflowJson } from '../../scripts/n8n/instance';
import { useN8n } from './harness';
import { requestNode } from '../support/n8n/requestNode';

const n8n = useN8n();

type Json = Record<string, unknown>;

interface RecordedRequest {
	id: number;
	route: string;
	query: FormParams;
	form?: FormParams;
	json?: Json;
	headers?: Record<string, string>;
	status: number;
	responseBody?: Json;
}

interface NodeRun {
	data?: { main: Array<Array<{ json: Json }>> };
	error?: { message: string };
}

/** What `POST /rest/executions/:id/retry` answers once the retry has finished. */
interface RetryAnswer {
	id: string;
	status: string;
	data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message: string } } };
}

async function sandboxGet<T>(path: string): Promise<T> {
	const res = await fetch(`${n8n.sandbox.url}${path}`, { signal: AbortSignal.timeout(30_000) });
	return (await res.json()) as T;
}

/** The sandbox's recorded API requests after `mark` (a request id), for this test's sends only. */
async function requestsSince(mark: number, ours: (r: RecordedRequest) => boolean): Promise<RecordedRequest[]> {
	const { requests } = await sandboxGet<{ requests: RecordedRequest[] }>('/__sandbox/state?requests=all');
	return requests.filter((r) => r.id > mark && ours(r));
}

async function lastRequestId(): Promise<number> {
	const { requests } = await sandboxGet<{ requests: RecordedRequest[] }>('/__sandbox/state?requests=1');
	return requests[requests.length - 1]?.id ?? 0;
}

const stats = () => sandboxGet<SandboxStats>('/__sandbox/stats');

/** Webhook → Split Out (`body.items`) → the send node, which has neither Retry On Fail nor continueOnFail. */
function workflow(path: string, send: WorkflowJson['nodes'][number]): WorkflowJson {
	return {
		name: `e2e: retry of a failed execution ${path}`,
		nodes: [
			requestNode(path),
			{ name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
			{ typeVersion: 1, position: [400, 0], ...send },
		],
		connections: {
			Request: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: send.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Runs the workflow once through its production webhook; it fails, and this is its execution. */
async function failingRun(wf: SavedWorkflow, path: string, items: Json[]): Promise<{ id: string }> {
	const res = await n8n.webhook(path, { items });
	expect(res.status).toBe(500);
	const [execution] = await n8n.executions(wf.id);
	expect(execution.status).toBe('error');
	const { data } = await n8n.rest.get<{ mode: string }>(`/rest/executions/${execution.id}`);
	// Not 'manual': a manual run is keyed by its own execution id, so this is the case that matters.
	expect(data.mode).toBe('webhook');
	return execution;
}

/** As the editor's Save after changing the send node's To to `={{ $json.to === bad ? good : $json.to }}`. */
async function mapRecipient(wf: SavedWorkflow, nodeName: string, bad: string, good: string): Promise<void> {
	const { data: saved } = await n8n.rest.get<SavedWorkflow>(`/rest/workflows/${wf.id}`);
	const nodes = saved.nodes.map((node) =>
		node.name === nodeName ? { ...node, parameters: { ...(node.parameters as Json), to: `={{ $json.to === '${bad}' ? '${good}' : $json.to }}` } } : node,
	);
	await n8n.rest.patch(`/rest/workflows/${wf.id}`, { versionId: saved.versionId, nodes, connections: (saved as unknown as WorkflowJson).connections });
}

/** Retries an execution as the executions list does, and checks n8n's record of it. */
async function retry(executionId: string, loadWorkflow: boolean): Promise<RetryAnswer> {
	const { data: answer } = await n8n.rest.post<RetryAnswer>(`/rest/executions/${executionId}/retry`, { loadWorkflow }, { timeoutMs: 120_000 });
	const { data: stored } = await n8n.rest.get<{ mode: string; retryOf: string | null; status: string }>(`/rest/executions/${answer.id}`);
	expect({ id: answer.id, mode: stored.mode, retryOf: stored.retryOf, status: stored.status }).toEqual({
		id: expect.not.stringMatching(`^${executionId}$`),
		mode: 'retry',
		retryOf: executionId,
		status: answer.status,
	});
	return answer;
}

/** The newest failed execution of the workflow, as the user picks it in the executions list. */
async function latestFailed(workflowId: string): Promise<string> {
	const failed = (await n8n.executions(workflowId)).filter((e) => e.status === 'error');
	return failed[0].id;
}

function outputOf(answer: RetryAnswer, nodeName: string): Json[] {
	const runs = answer.data.resultData.runData[nodeName];
	return runs[runs.length - 1].data!.main[0].map((item) => item.json);
}

const countBy = <T>(list: T[], key: (x: T) => string) => {
	const counts = new Map<string, number>();
	for (const x of list) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
	return counts;
};

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** 7-digit numbers under +1555 from 6000000 up, clear of the sandbox's own numbers and SAMPLE_RECIPIENT (555-01xx). */
function recipients(count: number): string[] {
	const base = 6_000_000 + Math.floor(Math.random() * 2_900_000);
	return range(count).map((i) => `+1555${base + i}`);
}

describe('Retry of a failed execution in a real n8n', () => {
	it('Send SMS: a retry texts nobody twice, and the fixed workflow completes with each of 30 recipients texted once', async () => {
		const ITEMS = 30;
		const BAD = 20;
		const to = recipients(ITEMS);
		const tag = n8n.tag('rfe');
		const body = (i: number) => `${tag} #${i}`;
		const path = n8n.tag('retry-sms');
		const wf = await n8n.importWorkflow(
			workflow(path, {
				name: 'Send SMS',
				type: 'n8n-nodes-comms.sendSms',
				// 4 in flight: items 21–23 (and maybe a few more) are on their way when item 20 fails, the
				// tail is never reached; with the default 25 the sandbox is quick enough that all 29 go out.
				parameters: { to: '={{ $json.to }}', body: '={{ $json.body }}', options: { maxConcurrency: 4 } },
				credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
			}),
			{ activate: true },
		);
		const items = range(ITEMS).map((i) => ({ to: i === BAD ? MAGIC_TO.invalid : to[i], body: body(i) }));
		const ours = (r: RecordedRequest) => r.route.startsWith('twilio.messages.') && [MAGIC_TO.invalid, ...to].includes((r.form ?? r.query).To?.[0] ?? '');
		const toOf = (r: RecordedRequest) => (r.form ?? r.query).To[0];
		/** Messages of this test in the sandbox, by recipient: at most one each, or the test fails here. */
		const sentNow = async () => {
			const messages = await n8n.sandbox.messages((m) => m.body.startsWith(`${tag} #`));
			const perTo = countBy(messages, (m) => m.to);
			expect([...perTo].filter(([, n]) => n > 1)).toEqual([]);
			for (const m of messages) expect(m.body).toBe(body(to.indexOf(m.to)));
			return new Map(messages.map((m) => [m.to, m.sid]));
		};
		const listedOnceEach = (requests: RecordedRequest[]) => {
			const lists = requests.filter((r) => r.route === 'twilio.messages.list');
			expect([...countBy(lists, toOf)].filter(([, n]) => n !== 1)).toEqual([]);
			return lists.map(toOf);
		};

		// 1. The execution fails on item 20, after items 0–19 and whatever was in flight were sent.
		const mark0 = await lastRequestId();
		const first = await failingRun(wf, path, items);
		const sentFirst = await sentNow();
		for (const i of range(BAD)) expect([i, sentFirst.has(to[i])]).toEqual([i, true]);
		expect(sentFirst.has(to[BAD])).toBe(false);
		// A first run looks nothing up: the look-ups cost requests only in a retry.
		const tried0 = await requestsSince(mark0, ours);
		expect(tried0.filter((r) => r.route === 'twilio.messages.list')).toEqual([]);
		expect(tried0.filter((r) => r.route === 'twilio.messages.create' && toOf(r) === MAGIC_TO.invalid).map((r) => r.status)).toEqual([400]);

		// 2. "Retry with original workflow": it fails on item 20 again and texts nobody a second time.
		const mark1 = await lastRequestId();
		const second = await retry(first.id, false);
		expect(second.status).toBe('error');
		expect(second.data.resultData.error?.message).toContain(`Invalid 'To' Phone Number: ${MAGIC_TO.invalid}`);
		const sentSecond = await sentNow();
		for (const [recipient, sid] of sentFirst) expect(sentSecond.get(recipient)).toBe(sid);
		const tried1 = await requestsSince(mark1, ours);
		const listed1 = listedOnceEach(tried1);
		// Every item up to the failing one was looked up, each once, and one per item the retry reached.
		for (const i of range(BAD)) expect(listed1).toContain(to[i]);
		expect(listed1).toContain(MAGIC_TO.invalid);
		const creates1 = tried1.filter((r) => r.route === 'twilio.messages.create');
		expect(creates1.filter((r) => r.status !== 201).map(toOf)).toEqual([MAGIC_TO.invalid]);
		// Sent fresh: only items the failed execution never reached, each looked up first.
		const fresh1 = creates1.filter((r) => r.status === 201);
		for (const c of fresh1) {
			expect(sentFirst.has(toOf(c))).toBe(false);
			expect(tried1.find((r) => r.route === 'twilio.messages.list' && toOf(r) === toOf(c))!.id).toBeLessThan(c.id);
		}
		expect(sentSecond.size).toBe(sentFirst.size + fresh1.length);

		// 3. The user maps the bad number to a good one, saves, and retries the latest failed execution.
		const good = to[BAD];
		await mapRecipient(wf, 'Send SMS', MAGIC_TO.invalid, good);
		expect(await latestFailed(wf.id)).toBe(second.id);
		const mark2 = await lastRequestId();
		const third = await retry(second.id, true);
		expect(third.status).toBe('success');
		const sentThird = await sentNow();
		expect([...sentThird.keys()].sort()).toEqual([...to].sort());
		const out = outputOf(third, 'Send SMS');
		expect(out).toHaveLength(ITEMS);
		for (const i of range(ITEMS)) {
			const earlier = sentSecond.get(to[i]);
			expect([i, out[i].to, out[i].sid, out[i].alreadySent]).toEqual([i, to[i], sentThird.get(to[i]), earlier ? true : undefined]);
			if (earlier) expect(out[i].sid).toBe(earlier);
		}
		const tried2 = await requestsSince(mark2, ours);
		const listed2 = listedOnceEach(tried2);
		expect(listed2.sort()).toEqual([...to].sort());
		const creates2 = tried2.filter((r) => r.route === 'twilio.messages.create');
		expect(creates2.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
		expect(creates2.map(toOf).sort()).toEqual(to.filter((t) => !sentSecond.has(t)).sort());

		// The sandbox counts a create with the same To, From and text as before as a duplicate.
		const { duplicateKeys } = await stats();
		expect(duplicateKeys.filter((k) => to.includes(k.to))).toEqual([]);
		process.stderr.write(
			`[retry-failed-execution] SMS: sent by the failed run ${sentFirst.size}; retry 1: ${listed1.length} list requests, ${fresh1.length} sent fresh; ` +
				`retry 2: ${listed2.length} list requests, ${creates2.length} sent fresh, ${out.filter((o) => o.alreadySent).length} alreadySent\n`,
		);
	}, 180_000);

	it('Send Email: a retry is answered by Resend with the emails already sent, and none goes out twice', async () => {
		const ITEMS = 6;
		const BAD = 4;
		const tag = n8n.tag('rfe-mail');
		const to = range(ITEMS).map((i) => `${tag}-${i}@example.com`);
		const invalid = 'not-an-address';
		const path = n8n.tag('retry-email');
		const wf = await n8n.importWorkflow(
			workflow(path, {
				name: 'Send Email',
				type: 'n8n-nodes-comms.sendEmail',
				parameters: { to: '={{ $json.to }}', subject: '={{ $json.subject }}', bodyFormat: 'text', text: 'Your order shipped.', options: {} },
				credentials: { resendCommsApi: { id: null, name: 'Resend sandbox' } },
			}),
			{ activate: true },
		);
		const subject = (i: number) => `${tag} #${i}`;
		const items = range(ITEMS).map((i) => ({ to: i === BAD ? invalid : to[i], subject: subject(i) }));
		const ours = (r: RecordedRequest) => r.route === 'resend.emails.send' && String(r.json?.subject ?? '').startsWith(`${tag} #`);
		const itemOf = (r: RecordedRequest) => Number(String(r.json!.subject).split('#')[1]);
		/** This test's emails in the sandbox, by item: at most one each, or the test fails here. */
		const sentNow = async () => {
			const emails = await n8n.sandbox.emails((e) => e.subject.startsWith(`${tag} #`));
			const perItem = countBy(emails, (e) => e.subject);
			expect([...perItem].filter(([, n]) => n > 1)).toEqual([]);
			for (const e of emails) expect(e.to).toEqual([to[Number(e.subject.split('#')[1])]]);
			return new Map(emails.map((e) => [Number(e.subject.split('#')[1]), e.id]));
		};

		// 1. Items 0–3 are sent; item 4 fails the execution.
		const mark0 = await lastRequestId();
		const first = await failingRun(wf, path, items);
		const sentFirst = await sentNow();
		for (const i of range(BAD)) expect([i, sentFirst.has(i)]).toEqual([i, true]);
		expect(sentFirst.has(BAD)).toBe(false);
		const keyOf = new Map((await requestsSince(mark0, ours)).filter((r) => r.status === 200).map((r) => [itemOf(r), r.headers?.['idempotency-key']]));
		expect([...keyOf.keys()].sort()).toEqual([...sentFirst.keys()].sort());

		// 2. Retried as it was: each email already sent is asked for again with its key and replayed.
		const replaysBefore = (await stats()).emails.idempotentReplays;
		const mark1 = await lastRequestId();
		const second = await retry(first.id, false);
		expect(second.status).toBe('error');
		expect(second.data.resultData.error?.message).toContain(invalid);
		expect(await sentNow()).toEqual(sentFirst);
		const tried1 = await requestsSince(mark1, ours);
		const replayed = (tried: RecordedRequest[]) =>
			tried
				.filter((r) => sentFirst.has(itemOf(r)))
				.map((r) => ({ item: itemOf(r), status: r.status, key: r.headers?.['idempotency-key'], id: r.responseBody?.id }))
				.sort((a, b) => a.item - b.item);
		const expected = [...sentFirst].sort(([a], [b]) => a - b).map(([item, id]) => ({ item, status: 200, key: keyOf.get(item), id }));
		expect(replayed(tried1)).toEqual(expected);
		expect((await stats()).emails.idempotentReplays - replaysBefore).toBeGreaterThanOrEqual(expected.length);

		// 3. Fixed and retried: the earlier emails are replayed again, the rest sent once.
		await mapRecipient(wf, 'Send Email', invalid, to[BAD]);
		expect(await latestFailed(wf.id)).toBe(second.id);
		const mark2 = await lastRequestId();
		const third = await retry(second.id, true);
		expect(third.status).toBe('success');
		const sentThird = await sentNow();
		expect([...sentThird.keys()].sort()).toEqual(range(ITEMS));
		for (const [item, id] of sentFirst) expect(sentThird.get(item)).toBe(id);
		expect(outputOf(third, 'Send Email').map((o) => o.id)).toEqual(range(ITEMS).map((i) => sentThird.get(i)));
		expect(replayed(await requestsSince(mark2, ours))).toEqual(expected);
	}, 180_000);
});
