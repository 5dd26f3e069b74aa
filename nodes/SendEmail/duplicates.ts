/**
 * Send Email's duplicate guard: skip an email when the same sender sent the same subject to the
 * same recipients within N minutes.
 *
 * Resend's Idempotency-Key stops repeats of one item of one execution; it cannot say "this alert
 * already went out ten minutes ago from another execution". Resend's list of emails can: it is the
 * account's emails newest first, without filters, so the guard pages back through the window,
 * 100 emails a request, at most MAX_PAGES requests. Emails in flight in this process are seen
 * through ../shared/runner/recentSends.ts before Resend lists them.
 */
import { createHash } from 'node:crypto';
import type { CreateEmailOptions } from 'resend';
import type { ListedEmail, ResendClient } from '../shared/resend/client';
import type { EarlierSend } from '../shared/runner/recentSends';

const PAGE_LIMIT = 100;
/** 500 emails: an account sending more than that within the window gets a partial check. */
const MAX_PAGES = 5;

const addresses = (v: string | string[] | undefined) =>
	(v === undefined ? [] : Array.isArray(v) ? v : [v]).map((a) => bare(a)).sort();

/** "Alerts <alerts@example.com>" and "alerts@example.com" are the same sender. */
function bare(address: string | undefined): string {
	if (!address) return '';
	const angle = /<([^>]+)>\s*$/.exec(address);
	return (angle ? angle[1] : address).trim().toLowerCase();
}

function sameEmail(email: CreateEmailOptions, listed: ListedEmail): boolean {
	return (
		bare(listed.from) === bare(email.from) &&
		(listed.subject ?? '') === (email.subject ?? '') &&
		JSON.stringify(addresses(listed.to)) === JSON.stringify(addresses(email.to))
	);
}

export function guardKey(apiIdentity: string, email: CreateEmailOptions): string {
	return createHash('sha256')
		.update(JSON.stringify([apiIdentity, bare(email.from), email.subject ?? '', addresses(email.to)]))
		.digest('base64');
}

/** The newest email like `email` that Resend lists as created at or after `since`. */
export async function findEarlierEmail(client: ResendClient, email: CreateEmailOptions, since: Date): Promise<EarlierSend<ListedEmail> | undefined> {
	let after: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const { data, hasMore } = await client.listEmails(PAGE_LIMIT, after);
		for (const listed of data) {
			const at = Date.parse(listed.created_at);
			if (at < since.getTime()) return undefined;
			if (sameEmail(email, listed)) return { id: listed.id, at, resource: listed };
		}
		if (!hasMore || data.length === 0) return undefined;
		after = data[data.length - 1].id;
	}
	return undefined;
}
