/**
 * Finds messages or calls this account already created for a request, by asking Twilio's list
 * endpoints (filtered by To and From, newest first). Twilio has no idempotency key for Messages
 * or Calls, so its lists are the only record of what went out: the duplicate guard, the look-up
 * after an "outcome unknown" and a retried execution all ask here.
 */
import type { Twilio } from 'twilio';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';

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
 * Sends matching `spec` created at or after `since`, oldest first, leaving out `exclude` (SIDs
 * already accounted for by this run). Twilio's date_created has whole seconds, so `since` is
 * compared at second precision.
 */
export async function findEarlier(client: Twilio, spec: SendSpec, since: Date, exclude: ReadonlySet<string> = new Set()): Promise<Sent[]> {
	const floor = Math.floor(since.getTime() / 1000) * 1000;
	const filter = { to: spec.to, ...(spec.from ? { from: spec.from } : {}), pageSize: FIRST_PAGE_SIZE };
	const list: Lister =
		spec.kind === 'message'
			? { first: () => client.messages.page(filter), at: (url) => client.messages.getPage(url) }
			: { first: () => client.calls.page(filter), at: (url) => client.calls.getPage(url) };
	let page: Page<Sent> | undefined = await list.first();
	const found: Sent[] = [];
	for (let n = 1; page; n++) {
		let older = false;
		for (const sent of page.instances) {
			const created = sent.dateCreated?.getTime() ?? 0;
			if (created < floor) {
				older = true;
				continue;
			}
			if (!exclude.has(sent.sid) && matches(spec, sent)) found.push(sent);
		}
		if (older || n >= MAX_PAGES || !page.nextPageUrl) break;
		// The next page's URL carries Twilio's page token; only its size changes.
		page = await list.at(largerPages(page.nextPageUrl));
	}
	return found.reverse();
}
