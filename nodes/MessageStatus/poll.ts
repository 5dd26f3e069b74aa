/**
 * Waiting for a final status without hammering the API: the interval grows ×1.5 from the first
 * interval up to 30 s, the last sleep is cut to the deadline, and a cancelled execution stops at once.
 * Each poll is a read, so the transport already retries 429, 5xx and network errors under it.
 */

export interface PollSettings {
	timeoutMs: number;
	firstIntervalMs: number;
	factor?: number;
	maxIntervalMs?: number;
	signal?: AbortSignal;
}

export interface PollResult<T> {
	last: T;
	polls: number;
	timedOut: boolean;
	waitedMs: number;
}

export const POLL_FACTOR = 1.5;
export const MAX_POLL_INTERVAL_MS = 30_000;

function pause(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, { once: true });
	});
}

/** The sleeps a wait would use, for docs and tests: 1 s start gives 1, 1.5, 2.25, 3.375 … 30, 30. */
export function nextInterval(current: number, factor = POLL_FACTOR, max = MAX_POLL_INTERVAL_MS): number {
	return Math.min(max, current * factor);
}

export async function pollUntilFinal<T>(fetchOnce: () => Promise<T>, isFinal: (value: T) => boolean, s: PollSettings): Promise<PollResult<T>> {
	const started = Date.now();
	const deadline = started + s.timeoutMs;
	let last = await fetchOnce();
	let polls = 1;
	let interval = Math.min(s.firstIntervalMs, s.maxIntervalMs ?? MAX_POLL_INTERVAL_MS);
	while (!isFinal(last)) {
		const remaining = deadline - Date.now();
		if (remaining <= 0 || s.signal?.aborted) return { last, polls, timedOut: true, waitedMs: Date.now() - started };
		// A sleep cut to the deadline is followed by the last poll; timers may fire a millisecond early, so don't ask the clock again.
		const lastChance = interval >= remaining;
		await pause(Math.min(interval, remaining), s.signal);
		if (s.signal?.aborted) return { last, polls, timedOut: true, waitedMs: Date.now() - started };
		last = await fetchOnce();
		polls++;
		if (lastChance && !isFinal(last)) return { last, polls, timedOut: true, waitedMs: Date.now() - started };
		interval = nextInterval(interval, s.factor, s.maxIntervalMs);
	}
	return { last, polls, timedOut: false, waitedMs: Date.now() - started };
}
