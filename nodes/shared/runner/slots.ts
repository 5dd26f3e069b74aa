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

/**
 * A counting semaphore with two first-come-first-served queues. Items coming back from a retry
 * wait go before items not started yet: otherwise fresh items keep taking the slots, and the
 * items that were rate limited pile up at the end of the run.
 */
export class Slots {
	private readonly returning: Array<() => void> = [];
	private readonly starting: Array<() => void> = [];

	constructor(private free: number) {}

	acquire(returning: boolean): Promise<void> {
		if (this.free > 0) {
			this.free--;
			return Promise.resolve();
		}
		return new Promise((resolve) => (returning ? this.returning : this.starting).push(resolve));
	}

	/** Hands the slot straight to the next waiter, so nobody can take it in between. */
	release(): void {
		const next = this.returning.shift() ?? this.starting.shift();
		if (next) next();
		else this.free++;
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
		// An item runs its requests one after another, except Message Status conversation lists (two
		// pages at once): there the other request may still be in flight, as it could before slots.
		this.letGo();
		await sleep(ms);
		await (this.regaining ??= this.regain());
		await this.gate();
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

/** send()'s pause before a retry. */
export function sleepBeforeRetry(ms: number): Promise<void> {
	const slot = current.getStore();
	return slot ? slot.sleepBeforeRetry(ms) : sleep(ms);
}
