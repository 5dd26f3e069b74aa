/**
 * Exactly once for Twilio creates (messages and calls) beyond one request. Twilio has no
 * idempotency key for either, so what was sent is found in its lists (./earlier.ts):
 *
 * - n8n's retry of a failed execution: items its original already sent are found and output with
 *   `alreadySent: true` instead of being sent again (retries inside one execution are handled
 *   without any request by ../runner/sentLedger.ts);
 * - the duplicate guard (opt-in): the same send within N minutes is skipped;
 * - "outcome unknown" (a 5xx, a timeout or a dropped connection on the create): the node looks the
 *   send up after a settle delay instead of leaving the user to, and re-sends only if asked to.
 */
import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { OutcomeUnknownError } from '../http/send';
import { executionOrigin } from '../runner/origin';
import { sendUnlessRecent, type EarlierSend } from '../runner/recentSends';
import { lastAttemptAt, sleepBeforeRetry } from '../runner/slots';
import type { TwilioContext } from './context';
import { findEarlier, matching, SharedLookUps, type Sent, type SendSpec } from './earlier';

export type IfUnknown = 'lookUp' | 'lookUpThenResend' | 'report';

export interface OnceSettings {
	/** 0: no duplicate guard. */
	skipDuplicatesMinutes: number;
	ifUnknown: IfUnknown;
}

/**
 * Waits before each look-up after an outcome unknown. Twilio stores a create before it answers,
 * but a list may lag behind it; 7 s in all, and an item waiting gives its concurrency slot back.
 * A listing that already shows a later send of this run cuts the wait short (see createOrLookUp).
 */
export const LOOK_UP_DELAYS_MS = [1_000, 2_000, 4_000];
/**
 * How far this host's clock may run ahead of Twilio's when creation times are compared. Larger would
 * let an identical send from just before the request pass for it; smaller only turns a match into
 * "not found", which is reported, never acted on blindly.
 */
export const CLOCK_SKEW_MS = 5_000;

export interface Created<T extends Sent> {
	resource: T;
	/** alreadySent, skipped + duplicateOf, reconciled or resent: merged into the item's output. */
	marks: IDataObject;
}

const record = (sent: Sent, at = sent.dateCreated?.getTime() ?? Date.now()): EarlierSend<Sent> => ({ id: sent.sid, at, resource: sent });

/** One per node run: `claimed` holds every SID this run created or matched, so no two items claim one send. */
export class TwilioSends {
	private readonly claimed = new Set<string>();
	/** When the request that created each of this run's sends was sent: Twilio stored it after that. */
	private readonly requestedAt = new Map<string, number>();
	private readonly lookUps: SharedLookUps;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly twilio: TwilioContext,
	) {
		this.lookUps = new SharedLookUps(twilio.client);
	}

	async create<T extends Sent>(spec: SendSpec, settings: OnceSettings, create: () => Promise<T>): Promise<Created<T>> {
		const origin = executionOrigin(this.ctx);
		if (origin.retry && origin.startedAt !== undefined) {
			// Oldest first, so identical items of one run match their sends in order.
			const [earlier] = await findEarlier(this.twilio.client, spec, new Date(origin.startedAt - CLOCK_SKEW_MS), this.claimed);
			if (earlier) return this.claim(earlier as T, { alreadySent: true });
		}
		if (settings.skipDuplicatesMinutes <= 0) return this.createOrLookUp(spec, settings, create);

		const outcome = await sendUnlessRecent<Sent, Created<T>>(
			this.guardKey(spec),
			settings.skipDuplicatesMinutes * 60_000,
			async (since) => {
				const found = await findEarlier(this.twilio.client, spec, since);
				const latest = found[found.length - 1];
				return latest ? record(latest) : undefined;
			},
			async () => {
				const created = await this.createOrLookUp(spec, settings, create);
				return { value: created, record: record(created.resource, Date.now()) };
			},
		);
		if ('sent' in outcome) return outcome.sent;
		return { resource: outcome.duplicate.resource as T, marks: { skipped: 'duplicate', duplicateOf: outcome.duplicate.id } };
	}

	private claim<T extends Sent>(resource: T, marks: IDataObject, requestedAt?: number): Created<T> {
		this.claimed.add(resource.sid);
		if (requestedAt !== undefined) this.requestedAt.set(resource.sid, requestedAt);
		return { resource, marks };
	}

	/**
	 * Whether `listed` shows a send of this run whose request began after `failedAt`. Twilio stored
	 * it after the unknown send (stored, if at all, before its request failed), and a list shows sends
	 * in the order they were stored: a send missing from this listing is then missing for good.
	 */
	private caughtUp(listed: Sent[], failedAt: number): boolean {
		return listed.some((sent) => (this.requestedAt.get(sent.sid) ?? Number.NEGATIVE_INFINITY) > failedAt);
	}

	private guardKey(spec: SendSpec): string {
		return createHash('sha256').update(JSON.stringify([this.twilio.credentials.accountSid, spec])).digest('base64');
	}

	// Errors leave as they came, an OutcomeUnknownError with what the look-up found: toNodeError
	// (twilio/errors.ts) makes the NodeApiError, and needs their type and fields to do so.
	/* eslint-disable @n8n/community-nodes/require-node-api-error */
	private async createOrLookUp<T extends Sent>(spec: SendSpec, settings: OnceSettings, create: () => Promise<T>): Promise<Created<T>> {
		const startedAt = Date.now();
		try {
			const created = await create();
			// The attempt that created it, not the first of its 429 retries: Twilio stored it after that began.
			return this.claim(created, {}, lastAttemptAt() ?? startedAt);
		} catch (error) {
			if (!(error instanceof OutcomeUnknownError) || settings.ifUnknown === 'report') throw error;
			const failedAt = Date.now();
			const since = new Date(startedAt - CLOCK_SKEW_MS);
			let found: Sent[] = [];
			let tries = 0;
			try {
				for (const delay of LOOK_UP_DELAYS_MS) {
					await sleepBeforeRetry(delay);
					tries++;
					const listed = await this.lookUps.listSince(spec, since);
					// Matched after the await, with nothing awaited before the claim below: items sharing
					// a listing must not both claim one send.
					found = matching(listed, spec, since, this.claimed);
					if (found.length > 0 || this.caughtUp(listed, failedAt)) break;
				}
			} catch (lookUpError) {
				error.lookUp = { result: 'failed', reason: lookUpError instanceof Error ? lookUpError.message : String(lookUpError) };
				throw error;
			}
			if (found.length === 1) return this.claim(found[0] as T, { reconciled: true }, startedAt);
			if (found.length > 1) {
				// Two identical sends since the request started: which one is ours cannot be known.
				error.lookUp = { result: 'ambiguous', candidates: found.map((s) => s.sid) };
				throw error;
			}
			if (settings.ifUnknown === 'lookUpThenResend') {
				// Once: a re-send that is not confirmed either is looked up, never sent a third time.
				const again = await this.createOrLookUp(spec, { ...settings, ifUnknown: 'lookUp' }, create);
				return { resource: again.resource, marks: { ...again.marks, resent: true } };
			}
			error.lookUp = { result: 'not found', tries, waitedMs: Date.now() - startedAt };
			throw error;
		}
	}
	/* eslint-enable @n8n/community-nodes/require-node-api-error */
}

/** From the item's already-read options collection, so the settings cost no parameter look-up. */
export function readOnceSettings(options: IDataObject): OnceSettings {
	const minutes = Number(options.skipDuplicatesMinutes ?? 0) || 0;
	const ifUnknown = (options.ifOutcomeUnknown as IfUnknown | undefined) ?? 'lookUp';
	return { skipDuplicatesMinutes: Math.max(0, minutes), ifUnknown };
}

export function onceOptionFields(what: 'message' | 'call'): INodeProperties[] {
	const same =
		what === 'message'
			? 'the same text was sent to the same number from the same sender'
			: 'a call was placed to the same number from the same number';
	return [
		{
			displayName: 'If the Outcome Is Unknown',
			name: 'ifOutcomeUnknown',
			type: 'options',
			default: 'lookUp',
			options: [
				{
					name: 'Look It Up',
					value: 'lookUp',
					description: `Wait a few seconds, then look for the ${what} at Twilio. Found: the item succeeds with reconciled: true. Not found: the item fails as outcome unknown, and nothing is sent again.`,
				},
				{
					name: 'Look It Up, Then Re-Send If Not Found',
					value: 'lookUpThenResend',
					description: `As Look It Up, but a ${what} that is not found is sent once more (resent: true). Twilio's list can lag, so this can rarely duplicate.`,
				},
				{
					name: 'Report It',
					value: 'report',
					description: 'Fail the item as outcome unknown without looking',
				},
			],
			description: `What to do when Twilio did not confirm a ${what} (a 5xx, a timeout or a dropped connection): it may exist, so it is never re-sent blindly`,
		},
		{
			displayName: 'Skip Duplicates Within (Minutes)',
			name: 'skipDuplicatesMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: `Skip the item if ${same} within this many minutes (for example a trigger that fired twice). Skipped items are output with skipped: "duplicate" and the earlier SID. Costs one list request per item. 0 turns it off.`,
		},
	];
}
