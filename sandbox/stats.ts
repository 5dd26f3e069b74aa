/**
 * Counters for tests and benchmarks. The exactly-once part answers "did a retry send the same
 * message twice?": every accepted create carries a logical key (a hash of what the user asked to
 * send), and a key seen again is a duplicate.
 */
import { createHash } from 'node:crypto';

export type FaultKind = 'latency' | 'rate429' | 'concurrency429' | 'rate5xx' | 'rate5xxBefore' | 'reset' | 'resetAfter' | 'slow';

/** A resource a request stored although its client got a 500 (`rate5xx`) or a reset (`resetAfter`). */
export interface FaultedCreate {
	/** Route name, e.g. `twilio.messages.create`, `resend.emails.batch`. */
	route: string;
	fault: 'rate5xx' | 'resetAfter';
	/** As in createsAcceptedByKind: `message`, `call`, `email`, `verification`. */
	kind: string;
	/** The SID (Twilio) or id (Resend) the client never saw. */
	sid: string;
	to: string;
}

/** What a create handler stored, noted on its request (see acceptCreate). */
export interface CreatedResource {
	kind: string;
	sid: string;
	to: string;
}

export interface DuplicateKey {
	key: string;
	kind: string;
	/** Accepted creates with this key; 2 or more. */
	count: number;
	sids: string[];
	to: string;
}

export interface SandboxStats {
	startedAt: string;
	requestsTotal: number;
	requestsByRoute: Record<string, number>;
	responsesByStatus: Record<string, number>;
	faults: Record<FaultKind, number>;
	createsAccepted: number;
	createsAcceptedByKind: Record<string, number>;
	uniqueSends: number;
	duplicates: number;
	duplicateKeys: DuplicateKey[];
	/**
	 * Resources stored by a request whose answer a fault replaced (500 after processing, or a reset
	 * after processing), in order. Each is "outcome unknown" to its client.
	 */
	faultedCreates: FaultedCreate[];
	inFlight: number;
	/** Peak number of API requests being handled at once. */
	maxInFlight: number;
	webhooks: { attempted: number; succeeded: number; failed: number };
	inboundSimulated: number;
	/** Resend: batch requests accepted, answers replayed for a known Idempotency-Key, and 409s for reused keys. */
	emails: { batches: number; idempotentReplays: number; idempotencyConflicts: number };
}

/** Stable hash of the parts of a create request that define "the same send". */
export function logicalKey(parts: ReadonlyArray<string | readonly string[] | null | undefined>): string {
	return createHash('sha256')
		.update(JSON.stringify(parts.map((p) => p ?? null)))
		.digest('hex')
		.slice(0, 24);
}

interface KeyEntry {
	kind: string;
	sids: string[];
	to: string;
}

const noFaults = (): Record<FaultKind, number> => ({
	latency: 0,
	rate429: 0,
	concurrency429: 0,
	rate5xx: 0,
	rate5xxBefore: 0,
	reset: 0,
	resetAfter: 0,
	slow: 0,
});

/**
 * What a create handler calls once it has stored a resource: counts the create (so a second one
 * with the same logical key is a duplicate) and notes it on the request, so that server.ts can list
 * it in faultedCreates if a fault then replaces the answer.
 */
export function acceptCreate(
	ctx: { core: { stats: StatsCollector }; created: CreatedResource[] },
	kind: string,
	key: string,
	sid: string,
	to: string,
): void {
	ctx.core.stats.acceptedCreate(kind, key, sid, to);
	ctx.created.push({ kind, sid, to });
}

export class StatsCollector {
	private startedAt = new Date();
	private requestsTotal = 0;
	private requestsByRoute: Record<string, number> = {};
	private responsesByStatus: Record<string, number> = {};
	private faults = noFaults();
	private createsByKind: Record<string, number> = {};
	private keys = new Map<string, KeyEntry>();
	private faultedCreates: FaultedCreate[] = [];
	private inFlight = 0;
	private maxInFlight = 0;
	private webhooks = { attempted: 0, succeeded: 0, failed: 0 };
	private inboundSimulated = 0;
	private emails = { batches: 0, idempotentReplays: 0, idempotencyConflicts: 0 };

	requestStarted(route: string): void {
		this.requestsTotal++;
		this.requestsByRoute[route] = (this.requestsByRoute[route] ?? 0) + 1;
		this.inFlight++;
		if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
	}

	requestEnded(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
	}

	response(status: number): void {
		const k = String(status);
		this.responsesByStatus[k] = (this.responsesByStatus[k] ?? 0) + 1;
	}

	fault(kind: FaultKind): void {
		this.faults[kind]++;
	}

	acceptedCreate(kind: string, key: string, sid: string, to: string): void {
		this.createsByKind[kind] = (this.createsByKind[kind] ?? 0) + 1;
		const entry = this.keys.get(key);
		if (entry) entry.sids.push(sid);
		else this.keys.set(key, { kind, sids: [sid], to });
	}

	faultedCreate(entry: FaultedCreate): void {
		this.faultedCreates.push(entry);
	}

	webhook(ok: boolean): void {
		this.webhooks.attempted++;
		if (ok) this.webhooks.succeeded++;
		else this.webhooks.failed++;
	}

	inbound(): void {
		this.inboundSimulated++;
	}

	idempotency(kind: 'replay' | 'conflict'): void {
		if (kind === 'replay') this.emails.idempotentReplays++;
		else this.emails.idempotencyConflicts++;
	}

	emailBatch(): void {
		this.emails.batches++;
	}

	reset(): void {
		this.startedAt = new Date();
		this.requestsTotal = 0;
		this.requestsByRoute = {};
		this.responsesByStatus = {};
		this.faults = noFaults();
		this.createsByKind = {};
		this.keys.clear();
		this.faultedCreates = [];
		// In-flight requests are still running; only the peak starts over.
		this.maxInFlight = this.inFlight;
		this.webhooks = { attempted: 0, succeeded: 0, failed: 0 };
		this.inboundSimulated = 0;
		this.emails = { batches: 0, idempotentReplays: 0, idempotencyConflicts: 0 };
	}

	snapshot(): SandboxStats {
		const duplicateKeys: DuplicateKey[] = [];
		let accepted = 0;
		for (const [key, e] of this.keys) {
			accepted += e.sids.length;
			if (e.sids.length > 1) duplicateKeys.push({ key, kind: e.kind, count: e.sids.length, sids: [...e.sids], to: e.to });
		}
		return {
			startedAt: this.startedAt.toISOString(),
			requestsTotal: this.requestsTotal,
			requestsByRoute: { ...this.requestsByRoute },
			responsesByStatus: { ...this.responsesByStatus },
			faults: { ...this.faults },
			createsAccepted: accepted,
			createsAcceptedByKind: { ...this.createsByKind },
			uniqueSends: this.keys.size,
			duplicates: accepted - this.keys.size,
			duplicateKeys,
			faultedCreates: this.faultedCreates.map((f) => ({ ...f })),
			inFlight: this.inFlight,
			maxInFlight: this.maxInFlight,
			webhooks: { ...this.webhooks },
			inboundSimulated: this.inboundSimulated,
			emails: { ...this.emails },
		};
	}
}
