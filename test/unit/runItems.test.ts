import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { runItems } from '../../nodes/shared/runner/runItems';

const node: INode = { id: '1', name: 'Send SMS', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };

/** Only what the runner reads from the context; the engine tests cover the real one. */
function ctx(count: number, continueOnFail: boolean): IExecuteFunctions {
	return {
		getInputData: () => Array.from({ length: count }, (_, i) => ({ json: { i } })),
		continueOnFail: () => continueOnFail,
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
