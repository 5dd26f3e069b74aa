/**
 * Fault injection for the vendor API routes (never the admin routes). The order models what a
 * client can and cannot know:
 *   latency → connection reset → 429 → 503-before  (request NOT processed: safe to retry)
 *   → handler runs → reset-after or 500-after      (request processed: outcome unknown to the client)
 *   → slow response.
 * With a seed, every request draws the same fixed number of random values, so a given sequence of
 * requests meets the same faults on every run.
 *
 * Also here, because it is set and scoped like the faults: `listLagMs`, an eventually consistent
 * list that does not show resources created less than that long ago.
 */
export interface FaultConfig {
	latencyMs: number;
	/** Extra delay, uniform in [0, jitterMs). */
	jitterMs: number;
	rate429: number;
	retryAfterSec: number;
	rate5xx: number;
	rate5xxBefore: number;
	rateReset: number;
	/** The handler runs (a create is stored), then the socket is destroyed without an answer. */
	rateResetAfter: number;
	rateSlow: number;
	slowMs: number;
	/**
	 * List endpoints (Twilio Messages and Calls, Resend emails) leave out resources created less than
	 * this many ms ago, as an eventually consistent list may. Fetching one by SID or id still works.
	 */
	listLagMs: number;
	/**
	 * Twilio's account-wide concurrent-request limit: with N > 0, a Twilio API request arriving while
	 * N of the same account's requests are in flight is refused at once with 429 / 20429 (never
	 * processed). Every Twilio answer then carries `Twilio-Concurrent-Requests`. 0: no limit.
	 */
	concurrencyLimit: number;
	seed?: number;
	/**
	 * Only inject into these routes (names as in stats.requestsByRoute, e.g. `twilio.messages.create`;
	 * a trailing `*` matches a prefix). Unset: every API route.
	 */
	routes?: string[];
}

export interface FaultDecision {
	delayMs: number;
	reset: boolean;
	tooManyRequests: boolean;
	unavailableBefore: boolean;
	errorAfter: boolean;
	/** Processed, then the socket is destroyed; wins over errorAfter when both are drawn. */
	resetAfter: boolean;
	slowMs: number;
}

export const DEFAULT_FAULTS: FaultConfig = {
	latencyMs: 0,
	jitterMs: 0,
	rate429: 0,
	retryAfterSec: 1,
	rate5xx: 0,
	rate5xxBefore: 0,
	rateReset: 0,
	rateResetAfter: 0,
	rateSlow: 0,
	slowMs: 0,
	listLagMs: 0,
	concurrencyLimit: 0,
};

export const RATE_KEYS = ['rate429', 'rate5xx', 'rate5xxBefore', 'rateReset', 'rateResetAfter', 'rateSlow'] as const;
export const DURATION_KEYS = ['latencyMs', 'jitterMs', 'retryAfterSec', 'slowMs', 'listLagMs'] as const;
export const COUNT_KEYS = ['concurrencyLimit'] as const;

/** Throws a readable Error for values that make no sense, so the admin endpoint can answer 400. */
export function validateFaults(input: unknown): Partial<FaultConfig> {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults must be a JSON object');
	const src = input as Record<string, unknown>;
	const out: Partial<FaultConfig> = {};
	for (const key of Object.keys(src)) {
		const value = src[key];
		if ((RATE_KEYS as readonly string[]).includes(key)) {
			if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${key} must be a number from 0 to 1`);
			out[key as (typeof RATE_KEYS)[number]] = value;
		} else if ((DURATION_KEYS as readonly string[]).includes(key)) {
			if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a number >= 0`);
			out[key as (typeof DURATION_KEYS)[number]] = value;
		} else if ((COUNT_KEYS as readonly string[]).includes(key)) {
			if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`${key} must be an integer >= 0`);
			out[key as (typeof COUNT_KEYS)[number]] = value;
		} else if (key === 'seed') {
			if (value === null || value === undefined) out.seed = undefined;
			else if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error('seed must be an integer');
			else out.seed = value;
		} else if (key === 'routes') {
			if (value === null || value === undefined) out.routes = undefined;
			else if (!Array.isArray(value) || !value.every((r) => typeof r === 'string')) throw new Error('routes must be a list of route names');
			else out.routes = value as string[];
		} else {
			throw new Error(`unknown fault setting: ${key}`);
		}
	}
	return out;
}

/**
 * The seed of the second stream, from which the draws added after the first six come (today only
 * reset-after). Its own stream, so adding it shifted no seeded sequence of the six older faults.
 */
const SECOND_STREAM = 0x5eed2a17;

/** mulberry32: tiny, fast, and good enough to make fault sequences repeatable. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultController {
	private config: FaultConfig;
	private random: () => number = Math.random;
	private random2: () => number = Math.random;

	/** `baseline` is what reset() returns to (the startup options); clear() always goes to no faults. */
	constructor(private readonly baseline: Partial<FaultConfig> = {}) {
		this.config = { ...DEFAULT_FAULTS };
		this.set(baseline);
	}

	get(): FaultConfig {
		return { ...this.config, routes: this.config.routes ? [...this.config.routes] : undefined };
	}

	set(patch: Partial<FaultConfig>): FaultConfig {
		const valid = validateFaults(patch);
		this.config = { ...this.config, ...valid };
		if ('seed' in valid) {
			this.random = valid.seed === undefined ? Math.random : mulberry32(valid.seed);
			this.random2 = valid.seed === undefined ? Math.random : mulberry32(valid.seed ^ SECOND_STREAM);
		}
		return this.get();
	}

	clear(): FaultConfig {
		this.config = { ...DEFAULT_FAULTS };
		this.random = Math.random;
		this.random2 = Math.random;
		return this.get();
	}

	restoreBaseline(): FaultConfig {
		this.clear();
		return this.set(this.baseline);
	}

	decide(route: string): FaultDecision {
		const c = this.config;
		if (!this.applies(route)) {
			return { delayMs: 0, reset: false, tooManyRequests: false, unavailableBefore: false, errorAfter: false, resetAfter: false, slowMs: 0 };
		}
		// Always six draws, in this order, whatever the rates: keeps seeded runs aligned. Draws added
		// later go at the end of the list, and come from the second stream, so the six keep both their
		// order and their alignment from one request to the next.
		const [jitter, reset, tooMany, before, after, slow] = [0, 0, 0, 0, 0, 0].map(() => this.random());
		const resetAfter = this.random2();
		const outcome = {
			delayMs: c.latencyMs + (c.jitterMs > 0 ? Math.floor(jitter * c.jitterMs) : 0),
			reset: reset < c.rateReset,
			tooManyRequests: tooMany < c.rate429,
			unavailableBefore: before < c.rate5xxBefore,
			errorAfter: after < c.rate5xx,
			resetAfter: resetAfter < c.rateResetAfter,
			slowMs: slow < c.rateSlow ? c.slowMs : 0,
		};
		return outcome;
	}

	/**
	 * For a list route: whether a resource created at `createdAt` is listed yet. With `listLagMs` set
	 * (and `routes` naming this route, or unset), those created less than listLagMs ago are not.
	 */
	listed(route: string, now = Date.now()): (createdAt: Date) => boolean {
		const lag = this.applies(route) ? this.config.listLagMs : 0;
		if (lag <= 0) return () => true;
		return (createdAt) => now - createdAt.getTime() >= lag;
	}

	private applies(route: string): boolean {
		const routes = this.config.routes;
		if (!routes || routes.length === 0) return true;
		return routes.some((r) => (r.endsWith('*') ? route.startsWith(r.slice(0, -1)) : route === r));
	}
}
