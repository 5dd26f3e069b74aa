/**
 * How many requests a run may have in flight, learnt from the vendor the way TCP learns a path's
 * capacity: additive increase, multiplicative decrease.
 *
 * Twilio refuses requests over an account's concurrent-request limit with 429 (code 20429), and the
 * limit is shared by everything using the account: other workflows, other queue-mode workers. The
 * node's Max Concurrent Requests is the ceiling and the starting point; each refusal shrinks the
 * window, each answered request grows it by 1/window (so by one request per round of answers).
 *
 * - One decrease per congestion episode: a burst over the limit is refused many times over, but all
 *   those requests started before the first decrease, and shrinking for each would collapse the window.
 * - Twilio reports the account's requests in flight (`Twilio-Concurrent-Requests`) on its answers.
 *   A refusal's count is the account's limit as Twilio saw it: the first decrease from a window far
 *   above it lands just under it at once, instead of after many halvings. And an answer whose count
 *   says the account is already at that limit is no reason to grow: the window grows only while the
 *   account has room, so a run stops probing a limit it knows (TCP cannot see the queue; we can).
 * - The first decrease is gentle (0.9, not TCP's 0.5): a refused request costs one quick round trip
 *   and is never processed, and halving would leave a lone worker at 3/4 of its account's capacity.
 *   Later ones (0.85) and a slower growth near the known limit keep several runs sharing one
 *   account from probing it in turn.
 * - A window the run does not fill is not grown: that it works says nothing about a bigger one.
 * - A run that shared the account and is left alone (for ALONE_MS and a whole round of answers, the
 *   count showed only its own requests) goes straight back to the known limit: probing up to it
 *   slowly made the last run of two spend its second half one or more requests under it.
 * - Only refusals that carry the count move the window (see Slots.answered): a 429 with Retry-After
 *   is a rate limit, which waiting answers.
 */
export const DECREASE_FACTOR = 0.9;
/** Later decreases, once the limit is known: the window is then near it, and others may share it. */
export const AGAIN_FACTOR = 0.85;
/**
 * Once a refusal has shown where the limit is, the window grows 8 times slower (by one request per
 * 8 rounds of answers): near a known limit, probing is what costs refusals. Measured with two runs
 * sharing a limit of 10 in the engine, this took refusals from 20-27% to 5-6%.
 */
export const PROBE_SLOWDOWN = 8;

/**
 * How long a run must also have seen the account to itself before taking all of it: another run
 * whose items were all just refused sleeps 250-500 ms before retrying, with nothing in flight. In
 * the bench, two runs sharing a limit of 10 (three runs each): without it 4.9-6.8% refused, with
 * 500 ms 3.6-4.3%, with 1 s 4.0-4.9% but slower (86-89% of the bound against 90-92%).
 */
export const ALONE_MS = 500;

export class AdaptiveLimit {
	private window: number;
	private lastDecreaseAt = Number.NEGATIVE_INFINITY;
	private refusals = 0;
	/** The account's limit, as the latest refusal reported it; unknown until one does. */
	private accountLimit?: number;
	private firstDecrease = true;
	/** Answers in a row whose count showed only this run's requests. */
	private aloneFor = 0;
	private aloneSince = 0;

	constructor(
		private readonly ceiling: number,
		private readonly now: () => number = Date.now,
	) {
		this.window = Math.max(1, ceiling);
	}

	/** Requests the run may have in flight now. */
	get current(): number {
		return Math.max(1, Math.floor(this.window));
	}

	get refused(): number {
		return this.refusals;
	}

	/**
	 * An answer that was not a refusal: the vendor had room for this request. `reported` is the
	 * account's count of requests in flight on that answer, when it has one.
	 */
	answered(reported?: number, inFlight?: number): void {
		// The count includes this run's own requests (this one too): no more than those means nobody
		// else is using the account now.
		if (reported !== undefined && inFlight !== undefined && reported <= inFlight) {
			if (this.aloneFor++ === 0) this.aloneSince = this.now();
		} else this.aloneFor = 0;
		if (this.accountLimit !== undefined && this.window < this.accountLimit && this.aloneFor >= this.current && this.now() - this.aloneSince >= ALONE_MS) {
			// A whole round of answers, over ALONE_MS, saw the account to itself: whoever shared it has
			// finished, and the limit is known, so the window goes back to it at once.
			this.window = Math.min(this.ceiling, this.accountLimit);
			return;
		}
		if (reported !== undefined && this.accountLimit !== undefined && reported >= this.accountLimit) {
			// Full, as far as we know; a count above the known limit means the limit was raised.
			this.accountLimit = reported;
			return;
		}
		// A window the run does not fill says nothing about whether a bigger one would fit.
		if (inFlight !== undefined && inFlight < this.current) return;
		const slowdown = this.accountLimit === undefined ? 1 : PROBE_SLOWDOWN;
		this.window = Math.min(this.ceiling, this.window + 1 / (this.window * slowdown));
	}

	/**
	 * A 429. `startedAt` is when the refused request was sent; `reported` the vendor's count of the
	 * account's requests in flight, when its answer has one (a positive number: see reportedConcurrency).
	 */
	refused429(startedAt: number, reported?: number): void {
		this.refusals++;
		this.aloneFor = 0;
		if (reported !== undefined) this.accountLimit = reported;
		if (startedAt <= this.lastDecreaseAt) return;
		this.lastDecreaseAt = this.now();
		const seen = reported === undefined ? this.window : Math.min(this.window, reported);
		this.window = Math.max(1, seen * (this.firstDecrease ? DECREASE_FACTOR : AGAIN_FACTOR));
		this.firstDecrease = false;
	}
}

/** Twilio's header, as undici hands it over (lower case). */
export function reportedConcurrency(headers: Record<string, string> | undefined): number | undefined {
	const raw = headers?.['twilio-concurrent-requests'];
	if (raw === undefined) return undefined;
	const n = Number(raw);
	return Number.isFinite(n) && n > 0 ? n : undefined;
}
