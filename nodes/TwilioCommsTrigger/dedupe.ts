/**
 * Memory of recently seen deliveries, kept in workflow static data so that every n8n process
 * (main, webhook workers) shares it and it survives restarts. Bounded both by count and by age:
 * Twilio retries within minutes, so a day is plenty and the memory never grows without limit.
 */
import type { IDataObject } from 'n8n-workflow';

export const DEDUPE_MAX_ENTRIES = 500;
export const DEDUPE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** [key, seenAtMs] pairs, oldest first. */
type Seen = Array<[string, number]>;

function seenList(staticData: IDataObject): Seen {
	const v = staticData.seen;
	return Array.isArray(v) ? (v as Seen).filter((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') : [];
}

/**
 * True if `key` was seen recently (a retry). Otherwise remembers it and returns false. Always
 * writes back a pruned list, so expired entries leave even when nothing new arrives.
 */
export function seenBefore(staticData: IDataObject, key: string, now = Date.now()): boolean {
	const fresh = seenList(staticData).filter(([, at]) => now - at < DEDUPE_MAX_AGE_MS && at <= now + 60_000);
	if (fresh.some(([k]) => k === key)) return true;
	fresh.push([key, now]);
	// Static data is assigned, not mutated in place: n8n notices changes through property sets.
	staticData.seen = fresh.slice(-DEDUPE_MAX_ENTRIES);
	return false;
}

/** Marks static data as changed without changing what it remembers, so n8n saves it. */
export function markChanged(staticData: IDataObject): void {
	staticData.seen = seenList(staticData);
}
