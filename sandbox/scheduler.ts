/**
 * Every timer the sandbox starts goes through a Scheduler, so close() and reset() can cancel all of
 * them at once and jest never sees a stray handle.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class Scheduler {
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

	/** Runs `fn` once after `ms`; the returned function cancels it (a no-op once it has run). */
	after(ms: number, fn: () => void): () => void {
		// setTimeout fires at once for delays over ~24.8 days; scheduled messages can be 35 days out.
		if (ms > MAX_TIMEOUT_MS) {
			let cancel = this.after(MAX_TIMEOUT_MS, () => {
				cancel = this.after(ms - MAX_TIMEOUT_MS, fn);
			});
			return () => cancel();
		}
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			try {
				fn();
			} catch (err) {
				this.onError(err);
			}
		}, Math.max(0, ms));
		this.timers.add(timer);
		return () => {
			clearTimeout(timer);
			this.timers.delete(timer);
		};
	}

	/** Resolves after `ms`; never resolves if the scheduler is cleared first (the socket is gone by then). */
	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => this.after(ms, resolve));
	}

	clear(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	get pending(): number {
		return this.timers.size;
	}
}
