/**
 * What a workload allocates inside the running n8n, garbage included, measured with V8's sampling
 * heap profiler through the inspector protocol. SIGUSR1 opens the inspector of a running Node
 * process (on 127.0.0.1:9229 by default), so n8n needs no special start; the profile keeps the
 * samples of objects already collected (`includeObjectsCollectedBy*GC`), which makes the sum of
 * the sampled sizes an estimate of every byte allocated while it ran, not just what survived.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Allocator {
	where: string;
	bytes: number;
}

export interface AllocationProfile {
	/** Estimated bytes allocated by the whole process while the workload ran. */
	totalBytes: number;
	/** The biggest allocating functions (self size), `function url:line`. */
	top: Allocator[];
	/** Bytes by who caused them, judged from each sample's whole stack (see `categoryOf`). */
	byCause: Record<string, number>;
}

interface ProfileNode {
	callFrame: { functionName: string; url: string; lineNumber: number };
	selfSize: number;
	children: ProfileNode[];
}

/** A minimal Chrome DevTools Protocol client over Node's global WebSocket. */
class Inspector {
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

	private constructor(private readonly ws: WebSocket) {
		ws.addEventListener('message', (event) => {
			const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
			if (msg.id === undefined) return;
			const waiter = this.pending.get(msg.id);
			this.pending.delete(msg.id);
			if (msg.error) waiter?.reject(new Error(msg.error.message));
			else waiter?.resolve(msg.result);
		});
	}

	static async open(pid: number, port: number): Promise<Inspector> {
		process.kill(pid, 'SIGUSR1');
		const deadline = Date.now() + 10_000;
		for (;;) {
			try {
				const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
				const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
				await new Promise<void>((resolve, reject) => {
					ws.addEventListener('open', () => resolve());
					ws.addEventListener('error', () => reject(new Error('could not open the inspector socket')));
				});
				return new Inspector(ws);
			} catch (error) {
				if (Date.now() > deadline) throw new Error(`the inspector of process ${pid} did not open on port ${port}: ${String(error)}`);
				await sleep(100);
			}
		}
	}

	call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		const id = this.nextId++;
		this.ws.send(JSON.stringify({ id, method, params }));
		return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
	}

	close(): void {
		this.ws.close();
	}
}

type Frame = ProfileNode['callFrame'];

/**
 * The first rule that matches the sample's stack wins, so an expression n8n evaluates for our
 * getNodeParameter call counts as n8n's expression cost, and a socket read under our send() as the
 * HTTP client's.
 */
const CAUSES: Array<[string, (f: Frame) => boolean]> = [
	['n8n evaluating expressions', (f) => f.url.includes('/n8n-workflow/') && /^(resolveSimpleParameterValue|getParameterValue)$/.test(f.functionName)],
	['n8n reading parameters', (f) => f.url.includes('execute-context.js') || f.url.includes('get-node-parameter')],
	['HTTP client (undici)', (f) => f.url.includes('/undici/')],
	['twilio SDK', (f) => f.url.includes('/twilio/lib/')],
	['our package', (f) => f.url.includes('/node_modules/n8n-nodes-comms/dist/')],
];

function categoryOf(stack: Frame[]): string {
	for (const [cause, test] of CAUSES) if (stack.some(test)) return cause;
	return "n8n's engine and the rest";
}

function summarize(root: ProfileNode, topCount: number): AllocationProfile {
	const byWhere = new Map<string, number>();
	const byCause: Record<string, number> = {};
	let total = 0;
	const stack: Array<{ node: ProfileNode; frames: Frame[] }> = [{ node: root, frames: [] }];
	while (stack.length) {
		const { node, frames: above } = stack.pop()!;
		const frames = [...above, node.callFrame];
		total += node.selfSize;
		if (node.selfSize > 0) {
			const cause = categoryOf(frames);
			byCause[cause] = (byCause[cause] ?? 0) + node.selfSize;
		}
		if (node.selfSize > 0) {
			const { functionName, url, lineNumber } = node.callFrame;
			// Paths are shortened to the package and file, which is what tells one allocator from another.
			const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
			const where = `${functionName || '(anonymous)'} ${file || '(native)'}:${lineNumber + 1}`;
			byWhere.set(where, (byWhere.get(where) ?? 0) + node.selfSize);
		}
		for (const child of node.children) stack.push({ node: child, frames });
	}
	const top = [...byWhere.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, topCount)
		.map(([where, bytes]) => ({ where, bytes }));
	return { totalBytes: total, top, byCause };
}

/** Runs `workload` while sampling the allocations of process `pid`. */
export async function profileAllocations<T>(pid: number, workload: () => Promise<T>, opts: { port?: number; topCount?: number; saveTo?: string; promotedOnly?: boolean } = {}): Promise<{ result: T; profile: AllocationProfile }> {
	const inspector = await Inspector.open(pid, opts.port ?? 9229);
	try {
		await inspector.call('HeapProfiler.enable');
		await inspector.call('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !opts.promotedOnly });
		const result = await workload();
		const { profile } = await inspector.call<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling');
		// Chrome DevTools (Memory tab) opens this file, with the whole call tree of every sample.
		if (opts.saveTo) writeFileSync(opts.saveTo, JSON.stringify(profile));
		return { result, profile: summarize(profile.head, opts.topCount ?? 15) };
	} finally {
		inspector.close();
	}
}

interface CpuProfile {
	nodes: Array<{ id: number; callFrame: Frame; children?: number[] }>;
	samples: number[];
	timeDeltas: number[];
}

/** Runs `workload` under V8's CPU profiler in process `pid`; the profile is written to `saveTo` (Chrome DevTools opens it). */
export async function profileCpu<T>(pid: number, workload: () => Promise<T>, saveTo: string, port = 9229): Promise<T> {
	const inspector = await Inspector.open(pid, port);
	try {
		await inspector.call('Profiler.enable');
		await inspector.call('Profiler.setSamplingInterval', { interval: 200 });
		await inspector.call('Profiler.start');
		const result = await workload();
		const { profile } = await inspector.call<{ profile: CpuProfile }>('Profiler.stop');
		writeFileSync(saveTo, JSON.stringify(profile));
		return result;
	} finally {
		inspector.close();
	}
}
