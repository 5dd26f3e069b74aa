import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { runItems } from '../../nodes/shared/runner/runItems';
import { sleepBeforeRetry } from '../../nodes/shared/runner/slots';

const node: INode = { id: '1', name: 'Send SMS', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };

/** Only what the runner reads from the context; the engine tests cover the real one. */
function ctx(count: number, continueOnFail: boolean): IExecuteFunctions {
	return {
		getInputData: () => Array.from({ length: count }, (_, i) => ({ json: { i } })),
		continueOnFail: () => continueOnFail,
		getNode: () => node,
	} as unknown as IExecuteFunctions;
}
const toError = (e: unknown, i: number) => new NodeOperationError(node, (e as Error).message, { itemIndex: i });
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runItems', () => {
	it('keeps input order and pairing while running items concurrently, never above the bound', async () => {
		let inFlight = 0;
		let peak = 0;
		const out = await runItems(
			ctx(40, false),
			async (i) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				await delay((40 - i) % 7);
				inFlight--;
				return { i };
			},
			toError,
			{ concurrency: 8 },
		);
		expect(out[0].map((x) => x.json.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
		expect(out[0].map((x) => x.pairedItem)).toEqual(Array.from({ length: 40 }, (_, i) => ({ item: i })));
		expect(peak).toBe(8);
	});

	it('with continueOnFail, bad items become paired error items and the rest still run', async () => {
		const ran: number[] = [];
		const out = await runItems(
			ctx(10, true),
			async (i) => {
				ran.push(i);
				if (i % 4 === 1) throw new Error(`bad ${i}`);
				return { ok: i };
			},
			toError,
			{ concurrency: 3 },
		);
		expect(ran.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(out[0]).toHaveLength(10);
		expect(out[0][1]).toEqual({ json: { error: 'bad 1' }, pairedItem: { item: 1 } });
		expect(out[0][5].json.error).toBe('bad 5');
		expect(out[0][2].json).toEqual({ ok: 2 });
	});

	it('without continueOnFail, throws the lowest failing item and starts nothing new', async () => {
		const started: number[] = [];
		const error = await runItems(
			ctx(50, false),
			async (i) => {
				started.push(i);
				await delay(i === 3 ? 5 : 1);
				if (i === 3 || i === 4) throw new Error(`bad ${i}`);
				return {};
			},
			toError,
			{ concurrency: 5 },
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('bad 3');
		expect((error as NodeOperationError).context.itemIndex).toBe(3);
		expect(started.length).toBeLessThan(50);
	});

	it('spaces item starts to the per-second cap', async () => {
		const starts: number[] = [];
		await runItems(
			ctx(6, false),
			async () => {
				starts.push(Date.now());
				return {};
			},
			toError,
			{ concurrency: 6, perSecond: 50 },
		);
		const span = starts[starts.length - 1] - starts[0];
		// 6 starts at 20 ms spacing span at least 100 ms (timers may be late, never early).
		expect(span).toBeGreaterThanOrEqual(95);
	});
});

describe('runItems slots: an item asleep before a retry lends its slot', () => {
	// Fake clock for the sleeps; setImmediate stays real so `idle()` can let every pending promise run.
	beforeEach(() => jest.useFakeTimers({ now: 0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
	afterEach(() => jest.useRealTimers());
	const idle = () => new Promise((resolve) => setImmediate(resolve));
	const ordered = (n: number) => Array.from({ length: n }, (_, i) => i);

	it('lets another item run meanwhile, then gets the slot back before items not started yet', async () => {
		const events: string[] = [];
		let finishOne!: () => void;
		const done = runItems(
			ctx(3, false),
			async (i) => {
				events.push(`start ${i}`);
				if (i === 0) {
					await sleepBeforeRetry(1000);
					events.push('retry 0');
				}
				if (i === 1) await new Promise<void>((resolve) => (finishOne = resolve));
				events.push(`end ${i}`);
				return { i };
			},
			toError,
			{ concurrency: 1 },
		);
		await idle();
		expect(events).toEqual(['start 0', 'start 1']);
		// Item 0 is due again, but item 1 holds the only slot; item 2 waits for it too.
		await jest.advanceTimersByTimeAsync(1000);
		expect(events).toEqual(['start 0', 'start 1']);
		finishOne();
		const out = await done;
		expect(events).toEqual(['start 0', 'start 1', 'end 1', 'retry 0', 'end 0', 'start 2', 'end 2']);
		expect(out[0].map((x) => x.json.i)).toEqual(ordered(3));
		expect(out[0].map((x) => x.pairedItem)).toEqual(ordered(3).map((item) => ({ item })));
	});

	it('never has more requests in flight than the bound, while more items than that are under way', async () => {
		let inFlight = 0;
		let peak = 0;
		let alive = 0;
		let peakAlive = 0;
		const done = runItems(
			ctx(60, false),
			async (i) => {
				peakAlive = Math.max(peakAlive, ++alive);
				// Item i is rate limited i % 4 times before it gets through.
				for (let attempt = 0; ; attempt++) {
					peak = Math.max(peak, ++inFlight);
					await delay(1 + (i % 3));
					inFlight--;
					if (attempt >= i % 4) break;
					await sleepBeforeRetry(5);
				}
				alive--;
				return { i };
			},
			toError,
			{ concurrency: 4 },
		);
		await jest.runAllTimersAsync();
		const out = await done;
		expect(peak).toBe(4);
		expect(peakAlive).toBeGreaterThan(4);
		expect(out[0].map((x) => x.json.i)).toEqual(ordered(60));
		expect(out[0].map((x) => x.pairedItem)).toEqual(ordered(60).map((item) => ({ item })));
	});

	it('with continueOnFail, an item that fails after a retry wait is a paired error item', async () => {
		const done = runItems(
			ctx(4, true),
			async (i) => {
				await sleepBeforeRetry(10);
				if (i === 2) throw new Error('bad 2');
				return { i };
			},
			toError,
			{ concurrency: 2 },
		);
		await jest.runAllTimersAsync();
		const out = await done;
		expect(out[0].map((x) => x.json)).toEqual([{ i: 0 }, { i: 1 }, { error: 'bad 2' }, { i: 3 }]);
		expect(out[0].map((x) => x.pairedItem)).toEqual(ordered(4).map((item) => ({ item })));
	});

	it('without continueOnFail, a failure starts nothing new; an item asleep still finishes, and the failure is thrown', async () => {
		const started: number[] = [];
		const finished: number[] = [];
		const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
		const done = runItems(
			ctx(10, false),
			async (i) => {
				started.push(i);
				if (i === 0) await sleepBeforeRetry(100);
				else await new Promise<void>((resolve, reject) => pending.set(i, { resolve, reject }));
				finished.push(i);
				return {};
			},
			toError,
			{ concurrency: 3 },
		).catch((e: unknown) => e);
		await idle();
		// Item 0 sleeps without its slot, so three more items run.
		expect(started).toEqual([0, 1, 2, 3]);
		pending.get(2)!.reject(new Error('bad 2'));
		await idle();
		expect(started).toEqual([0, 1, 2, 3]);
		await jest.advanceTimersByTimeAsync(100);
		expect(finished).toEqual([0]);
		pending.get(1)!.resolve();
		pending.get(3)!.resolve();
		const error = await done;
		expect((error as NodeOperationError).message).toBe('bad 2');
		expect((error as NodeOperationError).context.itemIndex).toBe(2);
		expect(started).toEqual([0, 1, 2, 3]);
		expect(finished).toEqual([0, 1, 3]);
	});

	it('passes retries through the per-second gate too: the vendor counts them as requests', async () => {
		const log: string[] = [];
		const done = runItems(
			ctx(2, false),
			async (i) => {
				log.push(`start ${i} at ${Date.now()}`);
				if (i === 0) {
					await sleepBeforeRetry(0);
					log.push(`retry 0 at ${Date.now()}`);
				}
				return {};
			},
			toError,
			{ concurrency: 2, perSecond: 10 },
		);
		await jest.runAllTimersAsync();
		await done;
		expect(log).toEqual(['start 0 at 0', 'start 1 at 100', 'retry 0 at 200']);
	});

	it('outside runItems it only sleeps', async () => {
		let woke = false;
		void sleepBeforeRetry(50).then(() => (woke = true));
		await jest.advanceTimersByTimeAsync(49);
		expect(woke).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		expect(woke).toBe(true);
	});
});
