/**
 * How soon the bench's fault mix can end at all, whatever the runner does: a model of the creates'
 * schedule alone. Each request takes `requestMs`; 30% are refused and may only be retried after
 * Retry-After (1 s); a refused item sleeps without a slot, and retries are served before fresh
 * items (as nodes/shared/runner/slots.ts does). No look-ups, resets or slow answers, so it is
 * optimistic. Prints, for some slot counts, when the last create ends over many seeds.
 *
 *   npm run build && node scripts/runtime.js run node dist-sandbox/bench/faultModel.js
 */
import { mulberry32 } from '../sandbox/faults';

interface Model {
	items: number;
	slots: number;
	requestMs: number;
	refusedShare: number;
	retryAfterMs: number;
}

/** When the last create ends, in ms. The seeded generator is the sandbox's, so every run prints the same figures. */
export function lastCreateEnds(m: Model, random: () => number): number {
	// Events are few enough (about 1,400) for a sorted array to stand in for a priority queue.
	const events: Array<{ at: number; kind: 'answer' | 'wake' }> = [];
	const push = (e: { at: number; kind: 'answer' | 'wake' }) => {
		const i = events.findIndex((x) => x.at > e.at);
		events.splice(i === -1 ? events.length : i, 0, e);
	};
	let fresh = m.items;
	let returning = 0;
	let free = m.slots;
	let last = 0;
	const pump = (now: number) => {
		while (free > 0 && (returning > 0 || fresh > 0)) {
			if (returning > 0) returning--;
			else fresh--;
			free--;
			push({ at: now + m.requestMs, kind: 'answer' });
		}
	};
	pump(0);
	for (let e = events.shift(); e; e = events.shift()) {
		if (e.kind === 'answer') {
			free++;
			if (random() < m.refusedShare) push({ at: e.at + m.retryAfterMs, kind: 'wake' });
			else last = e.at;
		} else returning++;
		pump(e.at);
	}
	return last;
}

if (require.main === module) {
	const seeds = 200;
	const base: Model = { items: 1000, slots: 25, requestMs: 112.5, refusedShare: 0.3, retryAfterMs: 1000 };
	const clean = lastCreateEnds({ ...base, refusedShare: 0 }, mulberry32(1));
	console.log(`model: ${base.items} creates, ${base.requestMs} ms each, ${base.refusedShare * 100}% refused with Retry-After ${base.retryAfterMs / 1000} s, retries first; ${seeds} seeds`);
	for (const slots of [25, 50, 1000]) {
		const ends = Array.from({ length: seeds }, (_, s) => lastCreateEnds({ ...base, slots }, mulberry32(s + 1))).sort((a, b) => a - b);
		const cleanHere = lastCreateEnds({ ...base, slots, refusedShare: 0 }, mulberry32(1));
		const within = ends.filter((t) => t <= 2 * clean).length / seeds;
		const mean = ends.reduce((a, b) => a + b, 0) / seeds;
		console.log(
			`  ${slots} slots: last create at ${(ends[0] / 1000).toFixed(2)}–${(ends[seeds - 1] / 1000).toFixed(2)} s (mean ${(mean / 1000).toFixed(2)}); clean ${(cleanHere / 1000).toFixed(2)} s; within 2× the 25-slot clean ${(clean / 1000).toFixed(2)} s in ${(within * 100).toFixed(0)}% of seeds`,
		);
	}
}
