/**
 * Finds messages or calls this account already created for a request, by asking Twilio's list
 * endpoints (filtered by To and From, newest first). Twilio has no idempotency key for Messages
 * or Calls, so its lists are the only record of what went out: the duplicate guard, the look-up
 * after an "outcome unknown" and a retried execution all ask here.
 */
import type { Twilio } from 'twilio';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { awaitShared, sharedTask } from '../runner/slots';

/** What identifies "the same send" at Twilio. */
export type SendSpec =
	| {
			kind: 'message';
			to: string;
			from?: string;
			messagingServiceSid?: string;
			/** undefined when a Content Template replaces the text: only To and From can match. */
			body?: string;
	  }
	| { kind: 'call'; to: string; from: string };

export type Sent = MessageInstance | CallInstance;

/** Twilio prefixes a trial account's texts with this, so the stored body is longer than the request's. */
const TRIAL_PREFIX = 'Sent from your Twilio trial account - ';
/** Most recipients have had few sends since `since`: one small page answers. */
const FIRST_PAGE_SIZE = 50;
/**
 * A recipient sent to in bulk can have hundreds of newer sends piled on top of the one sought, so
 * later pages are Twilio's largest. 50 + 2 × 1,000 newest sends to one recipient from one sender
 * are searched; beyond that a look-up finds nothing, which is reported as such, never acted on.
 */
const LATER_PAGE_SIZE = 1000;
const MAX_PAGES = 3;

interface Page<T> {
	instances: T[];
	nextPageUrl?: string;
}

interface Lister {
	first(): Promise<Page<Sent>>;
	at(url: string): Promise<Page<Sent>>;
}

function largerPages(url: string): string {
	const next = new URL(url);
	next.searchParams.set('PageSize', String(LATER_PAGE_SIZE));
	return next.toString();
}

function matches(spec: SendSpec, sent: Sent): boolean {
	if (spec.kind === 'call') return true;
	const m = sent as MessageInstance;
	if (spec.messagingServiceSid && m.messagingServiceSid !== spec.messagingServiceSid) return false;
	if (spec.body === undefined) return true;
	const body = m.body ?? '';
	return body === spec.body || body === TRIAL_PREFIX + spec.body;
}

/**
 * Sends to `spec`'s recipient from its sender created at or after `since`, newest first, whatever
 * their text. Twilio's date_created has whole seconds, so `since` is compared at second precision.
 */
async function listSince(client: Twilio, spec: SendSpec, since: Date): Promise<Sent[]> {
	const floor = secondFloor(since);
	const filter = { to: spec.to, ...(spec.from ? { from: spec.from } : {}), pageSize: FIRST_PAGE_SIZE };
	const list: Lister =
		spec.kind === 'message'
			? { first: () => client.messages.page(filter), at: (url) => client.messages.getPage(url) }
			: { first: () => client.calls.page(filter), at: (url) => client.calls.getPage(url) };
	let page: Page<Sent> | undefined = await list.first();
	const listed: Sent[] = [];
	for (let n = 1; page; n++) {
		let older = false;
		for (const sent of page.instances) {
			if ((sent.dateCreated?.getTime() ?? 0) < floor) older = true;
			else listed.push(sent);
		}
		if (older || n >= MAX_PAGES || !page.nextPageUrl) break;
		// The next page's URL carries Twilio's page token; only its size changes.
		page = await list.at(largerPages(page.nextPageUrl));
	}
	return listed;
}

const secondFloor = (since: Date) => Math.floor(since.getTime() / 1000) * 1000;

/** Of `listed` (newest first), the sends since `since` matching `spec`, oldest first, leaving out `exclude`. */
export function matching(listed: Sent[], spec: SendSpec, since: Date, exclude: ReadonlySet<string>): Sent[] {
	const floor = secondFloor(since);
	return listed.filter((sent) => (sent.dateCreated?.getTime() ?? 0) >= floor && !exclude.has(sent.sid) && matches(spec, sent)).reverse();
}

/**
 * Sends matching `spec` created at or after `since`, oldest first, leaving out `exclude` (SIDs
 * already accounted for by this run).
 */
export async function findEarlier(client: Twilio, spec: SendSpec, since: Date, exclude: ReadonlySet<string> = new Set()): Promise<Sent[]> {
	return matching(await listSince(client, spec, since), spec, since, exclude);
}

interface Sweep {
	since: Date;
	listed: Promise<Sent[]>;
}

/**
 * The look-ups of one node run, shared by recipient and sender. A bulk send to one recipient (an
 * on-call phone) can have dozens of items looking for their sends at once, each reading the same
 * pages of that recipient's newest sends: one listing then answers all the items waiting for it.
 *
 * A listing answers only items that were ready (their settle delay over) before it started, so no
 * item gets a listing older than it asked for: an item that arrives while one is under way waits
 * for the next, which starts when that one ends, for everyone who arrived meanwhile.
 */
export class SharedLookUps {
	private readonly running = new Map<string, Promise<unknown>>();
	private readonly queued = new Map<string, Sweep>();

	constructor(private readonly client: Twilio) {}

	/**
	 * Sends to `spec`'s recipient from its sender since `since`, newest first, from a listing started
	 * after this call. The calling item gives its slot to others while it waits (see awaitShared).
	 */
	listSince(spec: SendSpec, since: Date): Promise<Sent[]> {
		return awaitShared(this.listing(spec, since));
	}

	private listing(spec: SendSpec, since: Date): Promise<Sent[]> {
		const key = JSON.stringify([spec.kind, spec.to, spec.from ?? null]);
		const queued = this.queued.get(key);
		if (queued) {
			if (since < queued.since) queued.since = since;
			return queued.listed;
		}
		const before = this.running.get(key);
		if (!before) return this.start(key, spec, since);
		const sweep: Sweep = { since, listed: Promise.resolve([]) };
		this.queued.set(key, sweep);
		const settled = () => {
			this.queued.delete(key);
			return this.start(key, spec, sweep.since);
		};
		sweep.listed = before.then(settled, settled);
		return sweep.listed;
	}

	private start(key: string, spec: SendSpec, since: Date): Promise<Sent[]> {
		// Several items wait for this listing, none of them holding a slot meanwhile (see sharedTask).
		const listed = sharedTask(() => listSince(this.client, spec, since));
		this.running.set(key, listed);
		const done = () => {
			if (this.running.get(key) === listed) this.running.delete(key);
		};
		listed.then(done, done);
		return listed;
	}
}
