/**
 * Which svix-ids this trigger has already accepted. A signed request keeps its signature, so a copy
 * sent again within the 5-minute tolerance would pass verification: only its id gives it away.
 *
 * The same idea as the Twilio trigger's retry memory (../TwilioCommsTrigger/dedupe.ts): workflow
 * static data, which every n8n process shares and which outlives a restart, bounded by count and by
 * age. The age is shorter here and counted from the signed timestamp: once a timestamp is older than
 * the tolerance, verification refuses the request anyway, so remembering its id longer buys nothing.
 * A second copy kept in process memory covers the moment between accepting a request and n8n saving
 * static data, when a copy racing the first could not find it there yet.
 */
import type { IDataObject } from 'n8n-workflow';
import { TOLERANCE_SECONDS } from './svix';

export const SEEN_MAX_ENTRIES = 1_000;
/** Tolerance plus a margin for clocks that disagree by a little more than the tolerance allows for. */
export const SEEN_MAX_AGE_SECONDS = TOLERANCE_SECONDS + 5 * 60;

/** [svix-id, signed timestamp in seconds], oldest first. */
type Seen = Array<[string, number]>;

function seenList(staticData: IDataObject): Seen {
	const v = staticData.seenIds;
	return Array.isArray(v) ? (v as Seen).filter((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') : [];
}

/** svix-id → signed timestamp, in this process; insertion order is arrival order. */
const inProcess = new Map<string, number>();

function pruneProcess(nowSec: number): void {
	for (const [id, at] of inProcess) {
		if (nowSec - at < SEEN_MAX_AGE_SECONDS && inProcess.size <= SEEN_MAX_ENTRIES * 5) break;
		inProcess.delete(id);
	}
}

/** The key under which a delivery is remembered: ids are per Resend webhook, so the webhook scopes them. */
export const replayKey = (scope: string, svixId: string) => `${scope}:${svixId}`;

/**
 * True if the delivery was accepted before (a replay). Otherwise remembers it, in static data and
 * in this process, and returns false. Writes back a pruned list either way, so old ids leave.
 */
export function seenBefore(staticData: IDataObject, key: string, signedAtSec: number, nowMs = Date.now()): boolean {
	const now = Math.floor(nowMs / 1000);
	pruneProcess(now);
	const fresh = seenList(staticData).filter(([, at]) => now - at < SEEN_MAX_AGE_SECONDS);
	const replay = inProcess.has(key) || fresh.some(([k]) => k === key);
	if (!replay) {
		fresh.push([key, signedAtSec]);
		inProcess.set(key, signedAtSec);
	}
	// Assigned, not mutated in place: n8n notices static-data changes through property sets.
	staticData.seenIds = fresh.slice(-SEEN_MAX_ENTRIES);
	return replay;
}

/** Marks static data as changed without changing what it remembers, so n8n saves it. */
export function markChanged(staticData: IDataObject): void {
	staticData.seenIds = seenList(staticData);
}

/** For tests: forget this process's memory (static data is the test's own object). */
export function forgetProcessMemory(): void {
	inProcess.clear();
}
