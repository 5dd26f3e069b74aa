/**
 * Concurrency slots for runItems. An item holds a slot from its start to its end, except while it
 * sleeps before a retry: a vendor's concurrency limit counts requests in flight, and an item asleep
 * on a 429's Retry-After has none, so its slot goes to another item meanwhile.
 *
 * send() reaches the item's slot through AsyncLocalStorage rather than through every vendor client
 * and SDK in between. Outside runItems (list search, credential tests, the trigger) there is no
 * slot and `sleepBeforeRetry` only sleeps.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sleep } from '../http/retryPolicy';
import { AdaptiveLimit, reportedConcurrency } from './adaptive';

/**
 * A counting semaphore with two first-come-first-served queues, whose size follows the vendor (see
 * ./adaptive.ts). Items coming back from a retry wait go before items not started yet: otherwise
 * fresh items keep taking the slots, and the items that were rate limited pile up at the end of the run.
 */
export class Slots {
	private readonly returning: Array<() => void> = [];
	private readonly starting: Array<() => void> = [];
	private inUse = 0;
	/** Requests sent and not yet answered (items asleep before a retry have none). */
	private requests = 0;
	readonly limit: AdaptiveLimit;
	private readonly now: () => number;

	constructor(concurrency: number, now: () => number = Date.now) {
		this.limit = new AdaptiveLimit(concurrency, now);
		this.now = now;
	}

	beginAttempt(): Attempt {
		this.requests++;
		const startedAt = this.now();
		let ended = false;
		const end = () => {
			if (ended) return false;
			ended = true;
			this.requests--;
			return true;
		};
		return {
			answered: (status, headers) => {
				if (end()) this.answered(status, headers, startedAt);
			},
			failed: () => void end(),
		};
	}

	acquire(returning: boolean): Promise<void> {
		if (this.inUse < this.limit.current && this.returning.length + this.starting.length === 0) {
			this.inUse++;
			return Promise.resolve();
		}
		return new Promise((resolve) => (returning ? this.returning : this.starting).push(resolve));
	}

	/** Hands the slot straight to the next waiter, so nobody can take it in between. */
	release(): void {
		this.inUse--;
		this.pump();
	}

	/** What the vendor answered a request sent at `startedAt`: the window grows or shrinks. */
	private answered(status: number, headers: Record<string, string> | undefined, startedAt: number): void {
		const reported = reportedConcurrency(headers);
		if (status === 429) {
			// Only a refusal that reports the account's requests in flight is about concurrency (Twilio's
			// 20429). A 429 with Retry-After is a rate limit: waiting is the answer, and shrinking the window
			// for it too collapsed it under the bench's 30% 429s (10× the clean time instead of 5×).
			if (reported !== undefined) this.limit.refused429(startedAt, reported);
		} else {
			this.limit.answered(reported, this.requests + 1);
			this.pump();
		}
	}

	/** A shrunk window is honoured as slots come back: nothing in flight is cancelled. */
	private pump(): void {
		while (this.inUse < this.limit.current) {
			const next = this.returning.shift() ?? this.starting.shift();
			if (!next) return;
			this.inUse++;
			next();
		}
	}
}

/** One item's hold on a slot. */
export class ItemSlot {
	private held = true;
	private ended = false;
	private regaining?: Promise<void>;

	/** `gate` is the run's start gate: a retry is one more request against the vendor's rate limit. */
	constructor(
		private readonly slots: Slots,
		private readonly gate: () => Promise<void>,
	) {}

	async sleepBeforeRetry(ms: number): Promise<void> {
		await this.awaitWithoutSlot(sleep(ms));
		await this.gate();
	}

	/** Waits for `work` that sends no request of this item's, with the slot given to another item meanwhile. */
	async awaitWithoutSlot<T>(work: Promise<T>): Promise<T> {
		// An item runs its requests one after another, except Message Status conversation lists (two
		// pages at once): there the other request may still be in flight, as it could before slots.
		this.letGo();
		try {
			return await work;
		} finally {
			await (this.regaining ??= this.regain());
		}
	}

	/** When this item's latest request was sent. */
	lastAttemptAt?: number;

	beginAttempt(): Attempt {
		this.lastAttemptAt = Date.now();
		return this.slots.beginAttempt();
	}

	/** `fn` as another task of this run, holding a slot of its own (see sharedTask). */
	async spawn<T>(fn: () => Promise<T>): Promise<T> {
		await this.slots.acquire(true);
		const task = new ItemSlot(this.slots, this.gate);
		try {
			return await runHoldingSlot(task, fn);
		} finally {
			task.end();
		}
	}

	end(): void {
		this.ended = true;
		this.letGo();
	}

	private letGo(): void {
		if (!this.held) return;
		this.held = false;
		this.slots.release();
	}

	private async regain(): Promise<void> {
		await this.slots.acquire(true);
		this.regaining = undefined;
		// A strand left running after its item ended (a lost Promise.race) must not keep a slot forever.
		if (this.ended) this.slots.release();
		else this.held = true;
	}
}

const current = new AsyncLocalStorage<ItemSlot>();

export function runHoldingSlot<T>(slot: ItemSlot, fn: () => Promise<T>): Promise<T> {
	return current.run(slot, fn);
}

/** One request of an item, as send() reports it, so the run's window follows the vendor's concurrency limit. */
export interface Attempt {
	answered(status: number, headers: Record<string, string> | undefined): void;
	/** No answer (a network error or timeout): neither room nor a refusal. */
	failed(): void;
}

const OUTSIDE_RUNNER: Attempt = { answered: () => undefined, failed: () => undefined };

export function beginAttempt(): Attempt {
	return current.getStore()?.beginAttempt() ?? OUTSIDE_RUNNER;
}

/**
 * Runs `fn`, work that several items share and wait on (a look-up listing), as a task of its own
 * with its own slot: started inside one item, its retries would otherwise wait for that item's slot,
 * which the item gives back while it waits (see awaitShared).
 */
export function sharedTask<T>(fn: () => Promise<T>): Promise<T> {
	const slot = current.getStore();
	return slot ? slot.spawn(fn) : fn();
}

/** An item's wait for work shared with other items (see sharedTask): its slot serves others meanwhile. */
export function awaitShared<T>(work: Promise<T>): Promise<T> {
	const slot = current.getStore();
	return slot ? slot.awaitWithoutSlot(work) : work;
}

/** When the current item sent its latest request; undefined outside runItems. */
export function lastAttemptAt(): number | undefined {
	return current.getStore()?.lastAttemptAt;
}

/** send()'s pause before a retry. */
export function sleepBeforeRetry(ms: number): Promise<void> {
	const slot = current.getStore();
	return slot ? slot.sleepBeforeRetry(ms) : sleep(ms);
}
