/**
 * `npm run bench`: every figure of the performance goals, in one run, side by side, in a real n8n
 * (the pinned runtime with our package installed from its tarball) against the sandbox. It prints
 * each figure with its workload, writes bench/results/bench.json, and never fails on speed: it exits
 * non-zero only when something could not run at all.
 *
 *   --count N             SMS and emails per workload (default 1000)
 *   --latency MS          sandbox latency per API request (default 100)
 *   --memory-items N      items for the memory workload (default 10000)
 *   --trigger-requests N  inbound round trips per trigger (default 500)
 *   --only a,b            only these sections: sms, faults, limit, queue, email, memory, trigger
 *   --n8n-env K=V         an n8n setting for this run (repeatable), e.g. N8N_EXPRESSION_ENGINE=legacy
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FULL_ACCOUNT, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../sandbox/fixtures';
import type { FaultConfig } from '../sandbox/faults';
import type { RecordedRequest } from '../sandbox/state';
import type { SandboxStats } from '../sandbox/stats';
import { DEFAULT_CONCURRENCY } from '../nodes/shared/runner/options';
import { sign } from '../nodes/shared/twilio/signature';
import { activateWorkflow, bindCredentials, createCredential, createWorkflow, type CredentialRef, type WorkflowJson } from '../scripts/n8n/instance';
import { ensureN8nRuntime } from '../scripts/n8n/provision';
import { startStack, type Stack } from '../scripts/n8n/stack';
import { startQueueStack } from '../scripts/n8n/queue';
import { startFixedHostProxy } from '../scripts/n8n/fixedHostProxy';
import { childPids, exactlyOnce, nodeExecutionMs, peakRss, percentile, round, type ExactlyOnce, type PeakMemory } from './measure';
import { profileAllocations, profileCpu, type AllocationProfile } from './heapProfile';
import { builtInTriggerRoundTrips, INBOUND_MESSAGE_RECEIVED, type BuiltInTriggerRun } from './builtInTrigger';
import { builtInSmsWorkflow, emailWorkflow, httpRequestSmsWorkflow, noOpWorkflow, smsSizedNoOpWorkflow, ourSmsWorkflow, ourTriggerWorkflow, plainWebhookWorkflow, SENDER_NODE, type SendSummary } from './workflows';

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const COUNT = arg('count', 1000);
const LATENCY_MS = arg('latency', 100);
const MEMORY_ITEMS = arg('memory-items', 10_000);
const TRIGGER_REQUESTS = arg('trigger-requests', 500);
/** `--only trigger,faults`: just those sections (for tuning); the default runs them all. */
/** n8n settings to try, e.g. how its expression engine changes the trigger figures. */
const N8N_ENV = Object.fromEntries(
	process.argv.flatMap((a, i) => (process.argv[i - 1] === '--n8n-env' ? [[a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]] : [])),
);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
/**
 * The fault mix of the goals: 30% 429 (Retry-After 1 s), 2% connection resets before Twilio
 * processes the request (nothing stored), 2% 500s and 2% resets after it stored the message (the
 * client cannot know it was sent: "outcome unknown", which Send SMS reconciles), 2% slow (+1 s).
 */
const FAULT_MIX: Partial<FaultConfig> = {
	rate429: 0.3,
	retryAfterSec: 1,
	rateReset: 0.02,
	rate5xx: 0.02,
	rateResetAfter: 0.02,
	rateSlow: 0.02,
	slowMs: 1000,
	seed: 8,
};
const FAULT_MIX_TEXT = '30% 429 (Retry-After 1 s), 2% connection resets before processing (nothing stored), 2% 500 after store, 2% resets after store, 2% slow (+1 s)';

const say = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface SendRun {
	workload: string;
	count: number;
	wallSeconds: number;
	/** The sender node's own run time, from the saved execution. */
	nodeSeconds: number | null;
	perSecond: number;
	maxInFlight: number;
	requests: number;
	retries: number;
	faultsInjected: Record<string, number>;
	exactlyOnce: ExactlyOnce;
	errors: number;
	outcomeUnknown: number;
	/** Output items the node reconciled after an outcome unknown (`reconciled: true`). */
	reconciled: number;
	/** Error items by what the node's look-up found (`not found`, `ambiguous`, `failed`). */
	lookUps: Record<string, number>;
	lookUpFailures: string[];
	/** Each outcome-unknown error item (`n`) with its look-up: `result`, and `tries` and `waitedMs` when not found. */
	unknownItems: SendSummary['unknownItems'];
	/** List requests: what looking sends up cost (SMS: `twilio.messages.list`). */
	listRequests: number;
	/**
	 * Per route of the run (creates, lists): faults injected, and when its last request ended, in
	 * seconds after the run's first request reached the sandbox.
	 */
	byRoute: Record<string, { requests: number; faults: Record<string, number>; unfaultedErrors: Record<string, number>; lastEndS: number }>;
	faultedCreates: FaultedCreates;
	firstError: string | null;
}

/**
 * Resources the vendor stored although the client got a 500 or a reset instead of its answer
 * (sandbox stats), and how many of them the node reconciled: their SID is among the reconciled items' ids.
 */
interface FaultedCreates {
	total: number;
	byFault: Record<string, number>;
	reconciled: number;
	/** Faulted creates that no reconciled output item carries: the SID, its item, and what that item's look-up found. */
	notReconciled: Array<{ sid: string; fault: string; item?: number; lookUp?: Record<string, unknown> }>;
}

function faultedCreates(stats: SandboxStats, routes: string[], summary: SendSummary, itemOfId: Map<string, number>): FaultedCreates {
	const faulted = stats.faultedCreates.filter((f) => routes.includes(f.route));
	const reconciled = new Set(summary.reconciledIds);
	const byFault: Record<string, number> = {};
	for (const f of faulted) byFault[f.fault] = (byFault[f.fault] ?? 0) + 1;
	const notReconciled = faulted
		.filter((f) => !reconciled.has(f.sid))
		.map((f) => {
			const item = itemOfId.get(f.sid);
			const unknown = summary.unknownItems.find((u) => u.n === item);
			return { sid: f.sid, fault: f.fault, item, ...(unknown ? { lookUp: unknown } : {}) };
		});
	return { total: faulted.length, byFault, reconciled: faulted.length - notReconciled.length, notReconciled };
}

/** `not found after 3 tries in 23.4 s`, or `look-up failed: <reason>`, for a line of the report. */
function describeLookUp(lookUp: Record<string, unknown> | undefined): string {
	if (!lookUp) return 'no look-up';
	if (lookUp.result === 'not found') return `not found after ${String(lookUp.tries)} tries in ${round(Number(lookUp.waitedMs) / 1000)} s`;
	if (lookUp.result === 'failed') return `look-up failed: ${String(lookUp.reason).slice(0, 100)}`;
	return String(lookUp.result ?? 'no look-up');
}

function byRoute(requests: readonly RecordedRequest[]): SendRun['byRoute'] {
	const out: SendRun['byRoute'] = {};
	const first = requests.reduce((min, r) => Math.min(min, Date.parse(r.at)), Infinity);
	for (const r of requests) {
		const route = (out[r.route] ??= { requests: 0, faults: {}, unfaultedErrors: {}, lastEndS: 0 });
		route.requests++;
		if (r.fault) route.faults[r.fault] = (route.faults[r.fault] ?? 0) + 1;
		else if (r.status >= 400) route.unfaultedErrors[r.status] = (route.unfaultedErrors[r.status] ?? 0) + 1;
		route.lastEndS = Math.max(route.lastEndS, round((Date.parse(r.at) + r.durationMs - first) / 1000, 2));
	}
	return out;
}

class Bench {
	private readonly saved = new Map<string, string>();

	constructor(
		readonly stack: Stack,
		readonly n8nDir: string,
		private readonly credentials: CredentialRef[],
	) {}

	async install(workflow: WorkflowJson): Promise<string> {
		const created = await createWorkflow(this.stack.rest, bindCredentials(workflow, this.credentials));
		await activateWorkflow(this.stack.rest, created);
		return created.id;
	}

	/** Installs the workflow once per webhook path. */
	private async workflowFor(pathName: string, build: () => WorkflowJson): Promise<string> {
		let id = this.saved.get(pathName);
		if (!id) {
			id = await this.install(build());
			this.saved.set(pathName, id);
		}
		return id;
	}

	/** Runs the workflow behind `path` once over `count` items and returns its summary. */
	/** `failureIsResult`: a workflow that fails (n8n's Retry On Fail gave up) is a result to count, not a bench error. */
	async call(workload: string, pathName: string, build: () => WorkflowJson, count: number, tag: string, failureIsResult = false): Promise<{ workflowId: string; wallSeconds: number; summary: SendSummary }> {
		const workflowId = await this.workflowFor(pathName, build);
		const t0 = process.hrtime.bigint();
		const res = await fetch(`${this.stack.n8n.url}/webhook/${pathName}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ count, tag }),
			signal: AbortSignal.timeout(45 * 60_000),
		});
		const text = await res.text();
		const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
		if (!res.ok && failureIsResult) {
			// Nothing came back per item: every item counts as not reported, and the sandbox says what was sent.
			const failed: SendSummary = { items: 0, ids: [], errors: count, outcomeUnknown: 0, reconciled: 0, reconciledIds: [], lookUps: {}, lookUpFailures: [], unknownItems: [], firstError: `the workflow failed: n8n answered ${res.status}: ${text.slice(0, 200)}` };
			return { workflowId, wallSeconds, summary: failed };
		}
		if (!res.ok) throw new Error(`${workload}: n8n answered ${res.status}: ${text.slice(0, 500)}`);
		return { workflowId, wallSeconds, summary: JSON.parse(text) as SendSummary };
	}

	/** `firstRequests`: the requests the workload needs with no retry (default one per item). */
	async send(args: { workload: string; kind: 'sms' | 'email'; path: string; build: () => WorkflowJson; count: number; faults?: Partial<FaultConfig>; firstRequests?: number; failureIsResult?: boolean }): Promise<SendRun> {
		const { sandbox, rest } = this.stack;
		sandbox.reset();
		sandbox.faults.set({ latencyMs: LATENCY_MS, ...(args.faults ?? {}) });
		const tag = randomBytes(4).toString('hex');
		const { workflowId, wallSeconds, summary } = await this.call(args.workload, args.path, args.build, args.count, tag, args.failureIsResult);
		sandbox.faults.clear();
		const nodeMs = await nodeExecutionMs(rest, this.n8nDir, workflowId, SENDER_NODE);
		const stats = sandbox.stats();

		const prefix = `Bench ${tag} #`;
		const sendsPerItem = new Map<number, number>();
		const knownIds = new Set<string>();
		const itemOfId = new Map<string, number>();
		const records = args.kind === 'sms' ? [...sandbox.state.messages.values()].map((m) => ({ id: m.sid, key: m.body })) : [...sandbox.state.emails.values()].map((e) => ({ id: e.id, key: e.subject }));
		for (const r of records) {
			if (!r.key?.startsWith(prefix)) continue;
			const n = Number(r.key.slice(prefix.length));
			sendsPerItem.set(n, (sendsPerItem.get(n) ?? 0) + 1);
			knownIds.add(r.id);
			itemOfId.set(r.id, n);
		}
		const routes = args.kind === 'sms' ? ['twilio.messages.create'] : ['resend.emails.send', 'resend.emails.batch'];
		const requests = routes.reduce((sum, r) => sum + (stats.requestsByRoute[r] ?? 0), 0);
		const listRoute = args.kind === 'sms' ? 'twilio.messages.list' : 'resend.emails.list';
		const seconds = nodeMs !== null ? nodeMs / 1000 : wallSeconds;
		return {
			workload: args.workload,
			count: args.count,
			wallSeconds: round(wallSeconds, 2),
			nodeSeconds: nodeMs !== null ? round(nodeMs / 1000, 2) : null,
			perSecond: round(args.count / seconds),
			maxInFlight: stats.maxInFlight,
			requests,
			retries: Math.max(0, requests - (args.firstRequests ?? args.count)),
			faultsInjected: Object.fromEntries(Object.entries(stats.faults).filter(([k, v]) => v > 0 && k !== 'latency')),
			exactlyOnce: exactlyOnce(args.count, sendsPerItem, summary.ids, knownIds),
			errors: summary.errors,
			outcomeUnknown: summary.outcomeUnknown,
			reconciled: summary.reconciled,
			lookUps: summary.lookUps,
			lookUpFailures: summary.lookUpFailures,
			unknownItems: summary.unknownItems,
			byRoute: byRoute(sandbox.state.requests),
			listRequests: stats.requestsByRoute[listRoute] ?? 0,
			faultedCreates: faultedCreates(stats, routes, summary, itemOfId),
			firstError: summary.firstError,
		};
	}
}

/** Per item of the run tagged `tag`: how many messages Twilio (the sandbox) holds for it. */
function sendsOfTag(messages: Iterable<{ body: string }>, tag: string): Map<number, number> {
	const prefix = `Bench ${tag} #`;
	const out = new Map<number, number>();
	for (const m of messages) {
		if (!m.body?.startsWith(prefix)) continue;
		const n = Number(m.body.slice(prefix.length));
		out.set(n, (out.get(n) ?? 0) + 1);
	}
	return out;
}

interface SharedLimitRun {
	seconds: number;
	finishedAt: number[];
	requests: number;
	refused: number;
	maxInFlight: number;
	exactlyOnce: ExactlyOnce[];
}

/**
 * Two runs of `count` SMS started at once against one account limit, each run one POST to
 * `webhookUrl` (a workflow made by ourSmsWorkflow): how long both took, and what the sandbox refused.
 */
async function twoRunsSharingLimit(sandbox: Stack['sandbox'], webhookUrl: string, count: number, limit: number): Promise<SharedLimitRun> {
	sandbox.reset();
	sandbox.faults.set({ latencyMs: LATENCY_MS, concurrencyLimit: limit });
	const tags = [randomBytes(4).toString('hex'), randomBytes(4).toString('hex')];
	const t0 = process.hrtime.bigint();
	const finishedAt: number[] = [];
	const summaries = await Promise.all(
		tags.map(async (tag) => {
			const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count, tag }), signal: AbortSignal.timeout(30 * 60_000) });
			const text = await res.text();
			finishedAt.push(Number(process.hrtime.bigint() - t0) / 1e9);
			if (!res.ok) throw new Error(`a run sharing the limit: n8n answered ${res.status}: ${text.slice(0, 300)}`);
			return JSON.parse(text) as SendSummary;
		}),
	);
	const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
	sandbox.faults.clear();
	const stats = sandbox.stats();
	return {
		seconds,
		finishedAt: finishedAt.map((t) => round(t, 2)),
		requests: stats.requestsByRoute['twilio.messages.create'] ?? 0,
		refused: stats.faults.concurrency429 ?? 0,
		maxInFlight: stats.maxInFlight,
		exactlyOnce: summaries.map((r, k) => exactlyOnce(count, sendsOfTag(sandbox.state.messages.values(), tags[k]), r.ids, new Set(r.ids.filter((id): id is string => typeof id === 'string')))),
	};
}

interface Section {
	lines: string[];
	goals: Array<{ goal: string; value: string; met: boolean }>;
	json: unknown;
}

/** The sender node's own time when n8n recorded it, else the webhook's. */
const seconds = (r: SendRun) => r.nodeSeconds ?? r.wallSeconds;

function describeSend(label: string, r: SendRun): string[] {
	const node = r.nodeSeconds !== null ? `${r.nodeSeconds} s in the node, ` : '';
	const e = r.exactlyOnce;
	return [
		`  ${label}: ${r.count} items, ${node}${r.wallSeconds} s webhook to answer, ${r.perSecond} items/s, max ${r.maxInFlight} in flight, ${r.requests} requests`,
		`    exactly once: ${e.sentOnce} sent once, ${e.duplicated} duplicated, ${e.missing} missing; ${e.reportedErrors} error items (${e.reportedNotSent} of them never reached the vendor), ${e.unknownIds} unknown ids`,
		...(r.firstError ? [`    first error item: ${r.firstError.slice(0, 160)}`] : []),
	];
}

/** A Twilio inbound-SMS webhook request, signed as Twilio signs it. */
function inboundRequest(url: string, i: number): RequestInit {
	const sid = `SM${randomBytes(16).toString('hex')}`;
	const params: Record<string, string> = {
		AccountSid: FULL_ACCOUNT.sid,
		ApiVersion: '2010-04-01',
		Body: `Bench inbound ${i}`,
		From: SAMPLE_RECIPIENT,
		To: NUMBER_SUPPORT.phoneNumber,
		MessageSid: sid,
		SmsMessageSid: sid,
		SmsSid: sid,
		SmsStatus: 'received',
		NumMedia: '0',
		NumSegments: '1',
	};
	return {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(FULL_ACCOUNT.authToken, url, params) },
		body: new URLSearchParams(params).toString(),
		signal: AbortSignal.timeout(30_000),
	};
}

async function roundTrip(url: string, i: number): Promise<{ ms: number; status: number; body: string }> {
	const init = inboundRequest(url, i);
	const t0 = process.hrtime.bigint();
	const res = await fetch(url, init);
	const body = await res.text();
	return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status, body };
}

interface TriggerRun {
	requests: number;
	p50Ms: number;
	p99Ms: number;
	meanMs: number;
	wrongAnswers: number;
}

/**
 * The CloudEvent Event Streams POSTs for an inbound SMS (a one-event batch), as the sandbox builds it,
 * signed as Twilio signs a JSON webhook (`bodySHA256` in the URL, the signature over the URL alone):
 * n8n's Twilio Trigger checks it (401 otherwise).
 */
function inboundEventRequest(sinkUrl: string, i: number): { url: string; init: RequestInit } {
	const sid = `SM${randomBytes(16).toString('hex')}`;
	const event = {
		specversion: '1.0',
		type: INBOUND_MESSAGE_RECEIVED,
		source: `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages/${sid}.json`,
		id: `NO${randomBytes(16).toString('hex')}`,
		dataschema: 'https://events-schemas.twilio.com/Messaging.InboundMessageV1/6',
		datacontenttype: 'application/json',
		time: new Date().toISOString(),
		data: { messageSid: sid, accountSid: FULL_ACCOUNT.sid, from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: `Bench inbound ${i}`, numMedia: 0, numSegments: 1, timestamp: new Date().toISOString() },
	};
	const body = JSON.stringify([event]);
	const url = new URL(sinkUrl);
	url.searchParams.set('bodySHA256', createHash('sha256').update(body).digest('hex'));
	const signature = sign(FULL_ACCOUNT.authToken, url.toString(), {});
	return { url: url.toString(), init: { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, body, signal: AbortSignal.timeout(30_000) } };
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number; body: string }> {
	const t0 = process.hrtime.bigint();
	const res = await fetch(url, init);
	const body = await res.text();
	return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status, body };
}

type Side = 'ours' | 'builtIn' | 'plain';

async function triggerComparison(bench: Bench): Promise<{ ours: TriggerRun; builtIn: TriggerRun; plain: TriggerRun; builtInDelivered: BuiltInTriggerRun; twiml: string }> {
	const { sandbox, n8n } = bench.stack;
	sandbox.reset();
	sandbox.faults.clear();
	await bench.install(ourTriggerWorkflow());
	// Activation pointed the number's SmsUrl at the trigger's production URL, as it would on Twilio.
	const ourUrl = [...sandbox.state.numbers.values()].find((n) => n.phoneNumber === NUMBER_SUPPORT.phoneNumber)?.smsUrl;
	if (!ourUrl) throw new Error('the Twilio Comms Trigger did not set the SmsUrl of its number');
	const first = await roundTrip(ourUrl, -1);
	if (first.status !== 200) throw new Error(`the trigger answered ${first.status}: ${first.body}`);
	const twiml = first.body;
	await bench.install(plainWebhookWorkflow('bench-plain-sms', twiml));
	const plainUrl = `${n8n.url}/webhook/bench-plain-sms`;
	// n8n's Twilio Trigger registers an Event Streams sink (through the proxy) and checks nothing on
	// delivery; the sandbox also times a few of its own signed deliveries to it.
	const builtInDelivered = await builtInTriggerRoundTrips({ stack: bench.stack, install: (wf) => bench.install(wf), requests: 50, warmUp: 5 });
	const events = (await (await fetch(`${sandbox.url}/__sandbox/events`)).json()) as { sinks: Array<{ sink_configuration: { destination?: string } }> };
	const builtInUrl = events.sinks.map((k) => k.sink_configuration.destination).find((d): d is string => typeof d === 'string');
	if (!builtInUrl) throw new Error("n8n's Twilio Trigger left no sink destination");

	if (process.env.BENCH_CPU_PROFILE) {
		const n8nPid = childPids(bench.stack.n8n.pid)[0];
		await profileCpu(n8nPid, async () => {
			for (let i = 0; i < 200; i++) await roundTrip(ourUrl, i);
		}, `${process.env.BENCH_CPU_PROFILE}-ours.cpuprofile`);
		await profileCpu(n8nPid, async () => {
			for (let i = 0; i < 200; i++) await (({ url, init }) => timed(url, init))(inboundEventRequest(builtInUrl, i));
		}, `${process.env.BENCH_CPU_PROFILE}-builtin.cpuprofile`);
	}
	const samples: Record<Side, number[]> = { ours: [], builtIn: [], plain: [] };
	const wrong: Record<Side, number> = { ours: 0, builtIn: 0, plain: 0 };
	const warmUp = 25;
	// Alternating keeps drift in the machine's load from favouring any side; one client, keep-alive, for all three.
	for (let i = 0; i < warmUp + TRIGGER_REQUESTS; i++) {
		for (const side of ['ours', 'builtIn', 'plain'] as const) {
			const r = side === 'ours' ? await roundTrip(ourUrl, i) : side === 'plain' ? await roundTrip(plainUrl, i) : await (({ url, init }) => timed(url, init))(inboundEventRequest(builtInUrl, i));
			if (i < warmUp) continue;
			samples[side].push(r.ms);
			if (r.status !== 200 || (side !== 'builtIn' && r.body !== twiml)) {
				if (wrong[side] === 0) note(`${side}: first wrong answer ${r.status} ${r.body.slice(0, 200)}`);
				wrong[side]++;
			}
		}
	}
	const summarize = (ms: number[], wrongAnswers: number): TriggerRun => {
		const sorted = [...ms].sort((a, b) => a - b);
		return {
			requests: ms.length,
			p50Ms: round(percentile(sorted, 50), 2),
			p99Ms: round(percentile(sorted, 99), 2),
			meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length, 2),
			wrongAnswers,
		};
	};
	return { ours: summarize(samples.ours, wrong.ours), builtIn: summarize(samples.builtIn, wrong.builtIn), plain: summarize(samples.plain, wrong.plain), builtInDelivered, twiml };
}

async function main() {
	const started = Date.now();
	let sandboxUrl = '';
	// n8n's own Twilio nodes hard-code these hosts: the Twilio node api.twilio.com, the Twilio Trigger events.twilio.com.
	const proxy = await startFixedHostProxy({ hosts: ['api.twilio.com', 'events.twilio.com'], target: () => sandboxUrl });
	note('starting n8n with our package, the sandbox, and a proxy that sends api.twilio.com to the sandbox');
	const proxyEnv = {
		HTTPS_PROXY: proxy.proxyUrl,
		https_proxy: proxy.proxyUrl,
		NO_PROXY: '127.0.0.1,localhost',
		no_proxy: '127.0.0.1,localhost',
		NODE_EXTRA_CA_CERTS: proxy.caFile,
	};
	const stack = await startStack({ examples: [], log: note, env: { ...proxyEnv, ...N8N_ENV } });
	sandboxUrl = stack.sandbox.url;
	try {
		const runtime = await ensureN8nRuntime();
		const builtInTwilio = (rest: Stack['rest']) =>
			createCredential(rest, 'Twilio (n8n built-in node)', 'twilioApi', { authType: 'authToken', accountSid: FULL_ACCOUNT.sid, authToken: FULL_ACCOUNT.authToken });
		const builtInCredential = await createCredential(stack.rest, 'Twilio (n8n built-in node)', 'twilioApi', {
			authType: 'authToken',
			accountSid: FULL_ACCOUNT.sid,
			authToken: FULL_ACCOUNT.authToken,
		});
		const bench = new Bench(stack, runtime.dir, [stack.credentials.twilio, stack.credentials.resend, builtInCredential]);
		const n8nPid = childPids(stack.n8n.pid)[0];
		const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${round(os.totalmem() / 2 ** 30, 0)} GB, ${os.type()} ${os.release()}, Node ${process.version} (bench), n8n ${runtime.version}`;

		const sms = (p: string, options?: Record<string, unknown>) => () => ourSmsWorkflow(p, options);
		const oursClean = () => bench.send({ workload: `${COUNT} SMS, our Send SMS`, kind: 'sms', path: 'bench-sms', build: sms('bench-sms'), count: COUNT });
		note('warming up (n8n loads node code and starts its task runner on first use)');
		await bench.send({ workload: 'warm-up', kind: 'sms', path: 'bench-sms', build: sms('bench-sms'), count: 50 });

		const sections: Record<string, () => Promise<Section>> = {
			async sms() {
				await bench.send({ workload: 'warm-up', kind: 'sms', path: 'bench-builtin-sms', build: () => builtInSmsWorkflow('bench-builtin-sms'), count: 10 });
				note(`SMS: ${COUNT} through n8n's built-in Twilio node (one at a time: about ${Math.round((COUNT * LATENCY_MS) / 1000 / 0.85)} s)`);
				const builtIn = await bench.send({ workload: `${COUNT} SMS, n8n's Twilio node`, kind: 'sms', path: 'bench-builtin-sms', build: () => builtInSmsWorkflow('bench-builtin-sms'), count: COUNT });
				note(`SMS: ${COUNT} through n8n's HTTP Request node (its default: every request at once)`);
				await bench.send({ workload: 'warm-up', kind: 'sms', path: 'bench-http-sms', build: () => httpRequestSmsWorkflow('bench-http-sms'), count: 10 });
				const http = await bench.send({ workload: `${COUNT} SMS, n8n's HTTP Request node`, kind: 'sms', path: 'bench-http-sms', build: () => httpRequestSmsWorkflow('bench-http-sms'), count: COUNT });
				note(`SMS: ${COUNT} through our Send SMS`);
				const ours = await oursClean();
				const bound = (COUNT * LATENCY_MS) / 1000 / DEFAULT_CONCURRENCY;
				const speedup = ours.perSecond / builtIn.perSecond;
				const toBound = seconds(ours) / bound;
				return {
					lines: [
						`SMS: ${COUNT} messages`,
						...describeSend("n8n's Twilio node (n8n-nodes-base, via the api.twilio.com proxy)", builtIn),
						...describeSend("n8n's HTTP Request node to the Messages endpoint (its fastest setting, the default: no batching, all requests at once)", http),
						...describeSend(`our Send SMS (Max Concurrent Requests ${DEFAULT_CONCURRENCY})`, ours),
						`  ours is ${round(ours.perSecond / http.perSecond, 2)}× the HTTP Request node's rate, with ${DEFAULT_CONCURRENCY} requests in flight instead of ${http.maxInFlight}`,
						`  ratio: ${round(speedup)}× n8n's node; bound N·L/C = ${COUNT} × ${LATENCY_MS} ms / ${DEFAULT_CONCURRENCY} = ${round(bound, 2)} s; ours is ${round(toBound, 2)}× the bound`,
					],
					goals: [
						{ goal: "≥ 20× n8n's Twilio node", value: `${round(speedup)}×`, met: speedup >= 20 },
						{ goal: 'within 1.25× of N·L/C', value: `${round(toBound, 2)}×`, met: toBound <= 1.25 },
					],
					json: { builtIn, httpRequest: http, ours, speedup: round(speedup), boundSeconds: round(bound, 2), ratioToBound: round(toBound, 2) },
				};
			},
			async faults() {
				note(`SMS: ${COUNT} through our Send SMS, clean then under faults`);
				const clean = await oursClean();
				const faulty = await bench.send({ workload: `${COUNT} SMS, our Send SMS, fault mix`, kind: 'sms', path: 'bench-sms', build: sms('bench-sms'), count: COUNT, faults: FAULT_MIX });
				// With Re-Send If Not Found, the creates that never reached Twilio go out once more.
				const resending = await bench.send({
					workload: `${COUNT} SMS, our Send SMS, fault mix, Re-Send If Not Found`,
					kind: 'sms',
					path: 'bench-sms-resend',
					build: sms('bench-sms-resend', { ifOutcomeUnknown: 'lookUpThenResend' }),
					count: COUNT,
					faults: FAULT_MIX,
				});
				note(`SMS: ${COUNT} through n8n's HTTP Request node under the same faults, Retry On Fail (3 tries)`);
				const httpFaulty = await bench.send({
					workload: `${COUNT} SMS, n8n's HTTP Request node, fault mix, Retry On Fail`,
					kind: 'sms',
					path: 'bench-http-sms-retry',
					build: () => httpRequestSmsWorkflow('bench-http-sms-retry', { retryOnFail: true }),
					count: COUNT,
					faults: FAULT_MIX,
					failureIsResult: true,
				});
				const h = httpFaulty.exactlyOnce;
				const r = resending.exactlyOnce;
				const ratio = seconds(faulty) / seconds(clean);
				const e = faulty.exactlyOnce;
				const f = faulty.faultedCreates;
				const lookUps = Object.entries(faulty.lookUps).map(([result, n]) => `${n} ${result}`).join(', ') || 'none';
				const byFault = `${f.byFault.rate5xx ?? 0} answered 500, ${f.byFault.resetAfter ?? 0} reset`;
				const waited = faulty.unknownItems.filter((u) => typeof u.waitedMs === 'number').map((u) => Number(u.waitedMs) / 1000).sort((a, b) => a - b);
				return {
					lines: [
						`SMS under faults: ${COUNT} messages, ${FAULT_MIX_TEXT}`,
						...describeSend('our Send SMS', faulty),
						`  retries: ${faulty.retries}; faults injected (creates and look-ups): ${JSON.stringify(faulty.faultsInjected)}; ${round(ratio, 2)}× the clean time (${seconds(clean)} s in the same run)`,
						`  outcome unknown: ${faulty.outcomeUnknown} unknown (look-ups: ${lookUps}), ${faulty.reconciled} reconciled; Twilio stored ${f.total} messages whose create failed (${byFault}), ${f.reconciled} of them reconciled`,
						`  reconciling cost ${faulty.listRequests} twilio.messages.list requests (${clean.listRequests} in the clean run)${faulty.lookUpFailures.length ? `; a look-up failed: ${faulty.lookUpFailures[0].slice(0, 120)}` : ''}`,
						...(waited.length ? [`  an item not found was reported after ${round(percentile(waited, 50))} s (median; ${round(waited[0])}–${round(waited[waited.length - 1])} s): 1 + 2 + 4 s of waits, the rest paging and Retry-After`] : []),
						...Object.entries(faulty.byRoute).map(([route, r]) => `  ${route}: ${r.requests} requests, faults ${JSON.stringify(r.faults)}${Object.keys(r.unfaultedErrors).length ? `, other errors ${JSON.stringify(r.unfaultedErrors)}` : ''}, the last one ended ${r.lastEndS} s after the first request`),
						...f.notReconciled.slice(0, 10).map((m) => `  not reconciled: ${m.sid} (${m.fault}), item #${m.item ?? '?'}: ${describeLookUp(m.lookUp)}`),
						`  with "If the Outcome Is Unknown" = Re-Send If Not Found, same mix:`,
						...describeSend('our Send SMS, Re-Send If Not Found', resending),
						`    outcome unknown: ${resending.outcomeUnknown}, reconciled: ${resending.reconciled}; Twilio stored ${resending.faultedCreates.total} messages whose create failed, ${resending.faultedCreates.reconciled} reconciled; ${resending.listRequests} list requests`,
						`  n8n's HTTP Request node, same mix, Retry On Fail (3 tries, 1 s apart): n8n re-runs the whole node, every item, after any failure`,
						...describeSend("n8n's HTTP Request node", httpFaulty),
						`    ${h.duplicated} items texted more than once (${httpFaulty.requests} creates for ${COUNT} items)`,
					],
					goals: [
						{ goal: 'faults: unknown only where Twilio stored nothing', value: `${faulty.outcomeUnknown} unknown, ${e.reportedNotSent} not stored`, met: faulty.outcomeUnknown === e.reportedNotSent },
						{ goal: 'faults: 0 duplicated', value: String(e.duplicated), met: e.duplicated === 0 },
						{ goal: 'faults: 0 missing (silently lost)', value: String(e.missing), met: e.missing === 0 },
						{ goal: 'faults: every faulted create reconciled', value: `${f.reconciled} of ${f.total}`, met: f.reconciled === f.total },
						// A re-send meets the same 2% of resets before storing: unknown is right for one lost twice.
						{ goal: 'faults, Re-Send If Not Found: unknown only where the re-send was not stored either', value: `${resending.outcomeUnknown} unknown, ${r.reportedNotSent} not stored`, met: resending.outcomeUnknown === r.reportedNotSent },
						{ goal: 'faults, Re-Send If Not Found: 0 duplicated, 0 missing', value: `${r.duplicated}, ${r.missing}`, met: r.duplicated === 0 && r.missing === 0 },
						{ goal: 'faults: ≤ 2× the clean time', value: `${round(ratio, 2)}×`, met: ratio <= 2 },
						{ goal: "faults: fewer duplicates than n8n's HTTP Request node with Retry On Fail", value: `${e.duplicated} vs ${h.duplicated}`, met: e.duplicated < h.duplicated || (e.duplicated === 0 && h.duplicated === 0) },
					],
					json: { mix: FAULT_MIX, clean, run: faulty, resending, httpRequest: httpFaulty, ratioToClean: round(ratio, 2) },
				};
			},
			async limit() {
				const limit = 10;
				const bound = (COUNT * LATENCY_MS) / 1000 / limit;
				note(`account limit: ${COUNT} SMS with the sandbox refusing requests over ${limit} in flight (Twilio's 20429), our Send SMS at its defaults`);
				const one = await bench.send({ workload: `${COUNT} SMS, account limit ${limit}`, kind: 'sms', path: 'bench-sms', build: sms('bench-sms'), count: COUNT, faults: { concurrencyLimit: limit } });
				const oneRefused = one.faultsInjected.concurrency429 ?? 0;

				// Two executions at once, each with its own runner and window, share the account's limit as two
				// queue-mode workers would (this bench runs one n8n process; the queue tests run real workers).
				note(`account limit: two runs of ${COUNT} SMS at once, sharing the limit`);
				const two = await twoRunsSharingLimit(bench.stack.sandbox, `${bench.stack.n8n.url}/webhook/bench-sms`, COUNT, limit);
				const { seconds: twoSeconds, finishedAt, requests: twoRequests, refused: twoRefused, exactlyOnce: twoOnce } = two;
				const twoBound = 2 * bound;
				const share = (ratio: number) => `${round(100 * ratio, 1)}%`;
				const oneOfBound = bound / seconds(one);
				const twoOfBound = twoBound / twoSeconds;
				const oneShare = oneRefused / Math.max(1, one.requests);
				const twoShare = twoRefused / Math.max(1, twoRequests);
				return {
					lines: [
						`Account limit: Twilio refuses requests over ${limit} in flight (429 / 20429, Twilio-Concurrent-Requests); our Send SMS at its defaults (Max Concurrent Requests ${DEFAULT_CONCURRENCY})`,
						...describeSend('one run', one),
						`    ${oneRefused} of ${one.requests} creates refused (${share(oneShare)}); bound N·L/${limit} = ${round(bound, 2)} s; ${share(oneOfBound)} of the bound`,
						`  two runs at once, sharing the limit: ${2 * COUNT} items in ${round(twoSeconds, 2)} s (runs ended at ${finishedAt.map((t) => `${round(t, 2)} s`).join(' and ')}), max ${two.maxInFlight} in flight, ${twoRequests} creates`,
						`    ${twoRefused} of ${twoRequests} creates refused (${share(twoShare)}); bound 2N·L/${limit} = ${round(twoBound, 2)} s; ${share(twoOfBound)} of the bound`,
						...twoOnce.map((e, k) => `    run ${k + 1} exactly once: ${e.sentOnce} sent once, ${e.duplicated} duplicated, ${e.missing} missing, ${e.reportedErrors} error items`),
					],
					goals: [
						{ goal: `account limit ${limit}: ≥ 90% of the N·L/${limit} bound`, value: share(oneOfBound), met: oneOfBound >= 0.9 },
						{ goal: `account limit ${limit}: ≤ 5% of requests refused`, value: share(oneShare), met: oneShare <= 0.05 },
						{ goal: `account limit ${limit}, two runs sharing it: ≥ 90% of the bound`, value: share(twoOfBound), met: twoOfBound >= 0.9 },
						{ goal: `account limit ${limit}, two runs sharing it: ≤ 5% refused`, value: share(twoShare), met: twoShare <= 0.05 },
					],
					json: { limit, one, oneRefused, boundSeconds: round(bound, 2), two: { ...two, seconds: round(twoSeconds, 2) } },
				};
			},
			async queue() {
				const limit = 10;
				note(`account limit in queue mode: PostgreSQL, Redis, a main, a webhook process and two workers taking one job each; two runs of ${COUNT} SMS at once`);
				const q = await startQueueStack({ workers: 2, webhookProcesses: 1, examples: [], statusStepMs: 1000, log: note, workerEnv: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' } });
				try {
					const created = await createWorkflow(q.rest, bindCredentials(ourSmsWorkflow('bench-queue-sms'), [q.credentials.twilio]));
					await activateWorkflow(q.rest, created);
					const url = `${q.webhook.url}/webhook/bench-queue-sms`;
					// Warm both workers (node code loaded, task runner started) before timing.
					await twoRunsSharingLimit(q.sandbox, url, 20, limit);
					const ranBefore = q.workers.map((w) => (fs.readFileSync(w.logFile, 'utf8').match(/Worker started execution/g) ?? []).length);
					const two = await twoRunsSharingLimit(q.sandbox, url, COUNT, limit);
					const ranOn = q.workers.map((w, i) => (fs.readFileSync(w.logFile, 'utf8').match(/Worker started execution/g) ?? []).length - ranBefore[i]);
					const bound = (2 * COUNT * LATENCY_MS) / 1000 / limit;
					const ofBound = bound / two.seconds;
					const refusedShare = two.refused / Math.max(1, two.requests);
					const share = (ratio: number) => `${round(100 * ratio, 1)}%`;
					return {
						lines: [
							`Account limit ${limit}, queue mode: two runs of ${COUNT} SMS at once on two workers (executions per worker: ${ranOn.join(' and ')}), PostgreSQL`,
							`  ${2 * COUNT} items in ${round(two.seconds, 2)} s (runs ended at ${two.finishedAt.join(' s and ')} s), max ${two.maxInFlight} in flight, ${two.requests} creates`,
							`  ${two.refused} of ${two.requests} creates refused (${share(refusedShare)}); bound 2N·L/${limit} = ${round(bound, 2)} s; ${share(ofBound)} of the bound`,
							...two.exactlyOnce.map((e, k) => `  run ${k + 1} exactly once: ${e.sentOnce} sent once, ${e.duplicated} duplicated, ${e.missing} missing, ${e.reportedErrors} error items`),
						],
						goals: [
							{ goal: `account limit ${limit}, two queue-mode workers: ≥ 90% of the bound`, value: share(ofBound), met: ofBound >= 0.9 },
							{ goal: `account limit ${limit}, two queue-mode workers: ≤ 5% refused`, value: share(refusedShare), met: refusedShare <= 0.05 },
						],
						json: { limit, workers: 2, executionsPerWorker: ranOn, ...two, boundSeconds: round(bound, 2) },
					};
				} finally {
					await q.stop();
				}
			},
			async email() {
				note(`email: ${COUNT} in batch mode, then one by one`);
				const batch = await bench.send({
					workload: `${COUNT} emails, batch mode`,
					kind: 'email',
					path: 'bench-email-batch',
					build: () => emailWorkflow('bench-email-batch', true),
					count: COUNT,
					firstRequests: Math.ceil(COUNT / 100),
				});
				// At the 2 requests/s default this takes COUNT/2 s; the bench lifts the cap as an account with a raised Resend limit would.
				const singleOptions = { maxConcurrency: 10, maxPerSecond: 0 };
				const single = await bench.send({ workload: `${COUNT} emails, one by one`, kind: 'email', path: 'bench-email-single', build: () => emailWorkflow('bench-email-single', false, singleOptions), count: COUNT });
				return {
					lines: [
						`Email: ${COUNT} emails`,
						...describeSend('batch mode (defaults)', batch),
						...describeSend('one by one (Max Concurrent Requests 10, no per-second cap)', single),
						`  one by one at the default 2 requests/s would take about ${round(COUNT / 2 / 60)} min`,
					],
					goals: [{ goal: `${COUNT} emails in ≤ 10 requests (batch)`, value: String(batch.requests), met: batch.requests <= 10 }],
					json: { batch, single },
				};
			},
			async memory() {
				note(`memory: ${MEMORY_ITEMS} SMS items, each workload in a fresh n8n`);
				// Peak RSS over a baseline means something only in an n8n whose heap earlier sections have
				// not grown already: each of the three starts its own n8n, warmed up the same way.
				const fresh = async <T>(fn: (b: Bench, pid: number) => Promise<T>): Promise<T> => {
					const s = await startStack({ examples: [], log: note, env: { ...proxyEnv, ...N8N_ENV } });
					const mainSandbox = sandboxUrl;
					sandboxUrl = s.sandbox.url;
					try {
						const b = new Bench(s, runtime.dir, [s.credentials.twilio, s.credentials.resend, await builtInTwilio(s.rest)]);
						await b.send({ workload: 'warm-up', kind: 'sms', path: 'bench-sms', build: sms('bench-sms'), count: 50 });
						return await fn(b, childPids(s.n8n.pid)[0]);
					} finally {
						sandboxUrl = mainSandbox;
						await s.stop();
					}
				};
				// The same workflow with n8n's No Operation node as the sender: what n8n itself needs to carry the items.
				const controlMemory: PeakMemory = await fresh(async (b, pid) => (await peakRss([pid], () => b.call('control', 'bench-noop', () => noOpWorkflow('bench-noop'), MEMORY_ITEMS, 'noop'))).memory[pid]);
				const sized = await fresh(async (b, pid) => {
					const r = await peakRss([pid], () => b.call('SMS-sized control', 'bench-sized-noop', () => smsSizedNoOpWorkflow('bench-sized-noop'), MEMORY_ITEMS, 'sized'));
					return { result: r.result, memory: r.memory[pid] };
				});
				const sizedMemory: PeakMemory = sized.memory;
				const { mem, runnerPids, n8nMemory } = await fresh(async (b, pid) => {
					const runners = childPids(pid);
					const r = await peakRss([pid, ...runners], () => b.send({ workload: `${MEMORY_ITEMS} SMS, our Send SMS`, kind: 'sms', path: 'bench-sms', build: sms('bench-sms'), count: MEMORY_ITEMS }));
					return { mem: r, runnerPids: runners, n8nMemory: r.memory[pid] as PeakMemory };
				});

				// Bytes allocated per item, garbage included, in the n8n process (Code nodes run in the task
				// runner, so the control's figure is n8n's own cost of carrying an item through a node).
				note(`memory: allocations per item, ${COUNT} items each: No Operation, our Send SMS, n8n's HTTP Request node`);
				const allocations = async (label: string, pathName: string, build: () => WorkflowJson): Promise<{ bytesPerItem: number; profile: AllocationProfile }> => {
					await bench.call(`${label} (warm-up)`, pathName, build, 20, 'warm');
					sandbox.reset();
					sandbox.faults.set({ latencyMs: LATENCY_MS });
					const saveTo = process.env.BENCH_HEAP_PROFILE_DIR ? path.join(process.env.BENCH_HEAP_PROFILE_DIR, `${pathName}.heapprofile`) : undefined;
					const { profile } = await profileAllocations(n8nPid, () => bench.call(label, pathName, build, COUNT, randomBytes(4).toString('hex')), { saveTo, promotedOnly: process.env.BENCH_HEAP_PROMOTED === '1' });
					sandbox.faults.clear();
					return { bytesPerItem: Math.round(profile.totalBytes / COUNT), profile };
				};
				const { sandbox } = bench.stack;
				const allocNoOp = await allocations('No Operation', 'bench-noop', () => noOpWorkflow('bench-noop'));
				const allocOurs = await allocations('our Send SMS', 'bench-sms', sms('bench-sms'));
				const allocHttp = await allocations("n8n's HTTP Request node", 'bench-http-sms', () => httpRequestSmsWorkflow('bench-http-sms'));
				const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
				return {
					lines: [
						`Memory: ${MEMORY_ITEMS} SMS items through our Send SMS`,
						...describeSend('our Send SMS', mem.result),
						`  n8n process: ${n8nMemory.baselineMb} MB before, ${n8nMemory.peakMb} MB peak, ${n8nMemory.extraMb} MB extra`,
						`  the same workflow with n8n's No Operation node instead of Send SMS: ${controlMemory.baselineMb} MB before, ${controlMemory.peakMb} MB peak, ${controlMemory.extraMb} MB extra`,
						`  the same with No Operation passing items shaped like Send SMS's output (21 fields): ${sizedMemory.baselineMb} MB before, ${sizedMemory.peakMb} MB peak, ${sizedMemory.extraMb} MB extra (${round(sized.result.wallSeconds, 2)} s): what n8n needs to carry, copy and save items of that size`,
						`  difference to that control: ${round(n8nMemory.extraMb - sizedMemory.extraMb)} MB, what sending costs over ${round(mem.result.wallSeconds)} s: garbage V8 collects lazily with n8n's default heap limit (try --n8n-env NODE_OPTIONS=--max-old-space-size=700), most of it n8n evaluating the Message expression per item (see the allocators below)`,
						...runnerPids.map((pid) => {
							const m = mem.memory[pid];
							return `  n8n's task runner (Code nodes): ${m.baselineMb} MB before, ${m.peakMb} MB peak, ${m.extraMb} MB extra`;
						}),
						`  allocated per item in the n8n process (V8 sampling heap profiler, garbage included, ${COUNT} items):`,
						`    No Operation ${kb(allocNoOp.bytesPerItem)}; our Send SMS ${kb(allocOurs.bytesPerItem)} (${kb(allocOurs.bytesPerItem - allocNoOp.bytesPerItem)} more than No Operation); n8n's HTTP Request node, same sends ${kb(allocHttp.bytesPerItem)}`,
						...[['our Send SMS', allocOurs] as const, ["n8n's HTTP Request node", allocHttp] as const].map(
							([name, a]) =>
								`    ${name}, by cause: ${Object.entries(a.profile.byCause)
									.sort((x, y) => y[1] - x[1])
									.map(([cause, bytes]) => `${cause} ${kb(bytes / COUNT)}`)
									.join('; ')}`,
						),
					],
					goals: [{ goal: `≤ 150 MB extra peak RSS, ${MEMORY_ITEMS} items (n8n process)`, value: `${n8nMemory.extraMb} MB`, met: n8nMemory.extraMb <= 150 }],
					json: {
						items: MEMORY_ITEMS,
						run: mem.result,
						n8n: n8nMemory,
						noOpControl: controlMemory,
						smsSizedNoOpControl: sizedMemory,
						taskRunners: runnerPids.map((p) => mem.memory[p]),
						allocatedPerItem: { items: COUNT, noOp: allocNoOp.bytesPerItem, ours: allocOurs.bytesPerItem, httpRequest: allocHttp.bytesPerItem, oursByCause: allocOurs.profile.byCause, httpRequestByCause: allocHttp.profile.byCause, oursTop: allocOurs.profile.top, httpRequestTop: allocHttp.profile.top },
					},
				};
			},
			async trigger() {
				note(`trigger: ${TRIGGER_REQUESTS} inbound SMS round trips each, alternating: ours, n8n's Twilio Trigger, n8n's Webhook node`);
				const t = await triggerComparison(bench);
				// The same three in a second n8n that takes the expression isolate only when an expression
				// needs it (an operator's setting, not a default), unless this run already sets it.
				let lazy: Awaited<ReturnType<typeof triggerComparison>> | undefined;
				if (!('N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE' in N8N_ENV)) {
					note('trigger: the same in a second n8n with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true');
					const lazyStack = await startStack({ examples: [], log: note, env: { ...proxyEnv, ...N8N_ENV, N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } });
					const mainSandbox = sandboxUrl;
					sandboxUrl = lazyStack.sandbox.url;
					try {
						const lazyBench = new Bench(lazyStack, runtime.dir, [lazyStack.credentials.twilio, lazyStack.credentials.resend, await builtInTwilio(lazyStack.rest)]);
						lazy = await triggerComparison(lazyBench);
					} finally {
						sandboxUrl = mainSandbox;
						await lazyStack.stop();
					}
				}
				const toBuiltIn = t.ours.p50Ms / t.builtIn.p50Ms;
				const toPlain = t.ours.p50Ms / t.plain.p50Ms;
				const d = t.builtInDelivered;
				return {
					lines: [
						`Trigger: inbound SMS round trip, ${TRIGGER_REQUESTS} requests each, alternating, after 25 warm-up requests, one keep-alive client`,
						`  our Twilio Comms Trigger (signature checked, retry memory, TwiML reply): p50 ${t.ours.p50Ms} ms, p99 ${t.ours.p99Ms} ms, mean ${t.ours.meanMs} ms, ${t.ours.wrongAnswers} wrong answers`,
						`  n8n's Twilio Trigger (Event Streams event, signature checked, no reply): p50 ${t.builtIn.p50Ms} ms, p99 ${t.builtIn.p99Ms} ms, mean ${t.builtIn.meanMs} ms, ${t.builtIn.wrongAnswers} failed`,
						`  n8n's Webhook node, same TwiML (no checks; needs no expression isolate): p50 ${t.plain.p50Ms} ms, p99 ${t.plain.p99Ms} ms, mean ${t.plain.meanMs} ms, ${t.plain.wrongAnswers} wrong answers`,
						`  p50 ratios: ${round(toBuiltIn, 2)}× n8n's Twilio Trigger, ${round(toPlain, 2)}× the Webhook node`,
						...(lazy
							? [
									`  with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (a second n8n): ours p50 ${lazy.ours.p50Ms} ms (p99 ${lazy.ours.p99Ms}), n8n's Twilio Trigger p50 ${lazy.builtIn.p50Ms} ms (p99 ${lazy.builtIn.p99Ms}), Webhook node p50 ${lazy.plain.p50Ms} ms (p99 ${lazy.plain.p99Ms}); ${round(lazy.ours.p50Ms / lazy.builtIn.p50Ms, 2)}× n8n's Twilio Trigger, ${round(lazy.ours.p50Ms / lazy.plain.p50Ms, 2)}× the Webhook node`,
								]
							: []),
						`  n8n's Twilio Trigger, delivered by the sandbox as Event Streams does (signed, a new connection each): p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms over ${d.requests}, ${d.failures} failed; ${d.sinks} sink registered through events.twilio.com`,
					],
					goals: [{ goal: "trigger p50 ≤ n8n's Twilio Trigger p50", value: `${round(toBuiltIn, 2)}×`, met: toBuiltIn <= 1 }],
					json: { ...t, lazyAcquire: lazy ?? null },
				};
			},
		};

		const results: Record<string, unknown> = { takenAt: new Date().toISOString(), machine, latencyMs: LATENCY_MS, n8nEnv: N8N_ENV };
		const goals: Section['goals'] = [];
		const lines: string[] = [];
		for (const name of ONLY ?? Object.keys(sections)) {
			const section = sections[name];
			if (!section) throw new Error(`unknown section "${name}"; sections: ${Object.keys(sections).join(', ')}`);
			const r = await section();
			results[name] = r.json;
			goals.push(...r.goals);
			lines.push('', ...r.lines);
		}
		const proxyCounts = proxy.counts();
		results.goals = goals;
		results.proxy = proxyCounts;

		say(`n8n-nodes-comms bench, ${new Date().toISOString()}`);
		say(`machine: ${machine}`);
		say(`sandbox latency ${LATENCY_MS} ms per API request; our nodes at their defaults unless stated`);
		say(`n8n settings: ${Object.keys(N8N_ENV).length ? JSON.stringify(N8N_ENV) : "n8n's defaults"}`);
		for (const line of lines) say(line);
		say();
		say('Goals:');
		for (const g of goals) say(`  ${g.met ? 'met    ' : 'NOT met'}  ${g.goal}: ${g.value}`);
		say();
		say(`proxy: ${proxyCounts.tunnels} tunnels to api.twilio.com, ${proxyCounts.forwarded} requests forwarded, ${proxyCounts.refused} other hosts refused; bench took ${round((Date.now() - started) / 1000, 0)} s`);
		const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
		mkdirSync(dir, { recursive: true });
		const file = path.join(dir, 'bench.json');
		writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
		say(`results: ${path.relative(process.cwd(), file)}`);
	} finally {
		await stack.stop();
		await proxy.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
