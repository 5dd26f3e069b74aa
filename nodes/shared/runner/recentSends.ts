/**
 * The duplicate guard's memory in this n8n process: sends made with the guard on, by what was
 * sent, for as long as their window lasts.
 *
 * The vendor's list is the record that survives restarts and spans workers, but it cannot see a
 * send still in flight, and may lag behind a create. Two executions of one alert that start a few
 * milliseconds apart (a trigger that fired twice) would both find nothing there and both send. So
 * a guarded send first waits for any guarded send of the same thing in flight in this process,
 * then checks what this process sent recently, and only then asks the vendor.
 */

export interface EarlierSend<R> {
	/** The vendor's id (SM…, CA…, an email id). */
	id: string;
	/** When it was created (ms). */
	at: number;
	resource: R;
}

export type GuardOutcome<R, T> = { duplicate: EarlierSend<R> } | { sent: T };

/** Bounded, so that a bulk run with the guard on cannot grow the process without limit. */
const MAX_ENTRIES = 10_000;

interface Entry {
	until: number;
	earlier?: EarlierSend<unknown>;
	pending?: Promise<void>;
}

const entries = new Map<string, Entry>();

function prune(now: number): void {
	for (const [key, entry] of entries) {
		if (entries.size <= MAX_ENTRIES && entry.until > now) break;
		if (!entry.pending) entries.delete(key);
	}
}

function recent<R>(key: string, windowMs: number, now: number): EarlierSend<R> | undefined {
	const earlier = entries.get(key)?.earlier as EarlierSend<R> | undefined;
	return earlier && earlier.at >= now - windowMs ? earlier : undefined;
}

/**
 * Sends unless the same send (`key`) happened within `windowMs`: in this process, or at the vendor
 * (`findAtVendor`). Guarded sends of one key run one at a time in this process.
 */
export async function sendUnlessRecent<R, T>(
	key: string,
	windowMs: number,
	findAtVendor: (since: Date) => Promise<EarlierSend<R> | undefined>,
	send: () => Promise<{ value: T; record: EarlierSend<R> }>,
): Promise<GuardOutcome<R, T>> {
	for (let pending = entries.get(key)?.pending; pending; pending = entries.get(key)?.pending) await pending;
	const now = Date.now();
	const known = recent<R>(key, windowMs, now);
	if (known) return { duplicate: known };

	let done!: () => void;
	const entry: Entry = entries.get(key) ?? { until: 0 };
	entry.pending = new Promise<void>((resolve) => (done = resolve));
	// Re-inserted at the end, so the map stays ordered by expiry for prune().
	entries.delete(key);
	entries.set(key, entry);
	try {
		const atVendor = await findAtVendor(new Date(now - windowMs));
		if (atVendor) {
			entry.earlier = atVendor;
			entry.until = atVendor.at + windowMs;
			return { duplicate: atVendor };
		}
		const { value, record } = await send();
		entry.earlier = record;
		entry.until = record.at + windowMs;
		return { sent: value };
	} finally {
		entry.pending = undefined;
		if (!entry.earlier) entries.delete(key);
		done();
		prune(Date.now());
	}
}
