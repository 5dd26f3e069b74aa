/**
 * The default Idempotency-Key: the same item of the same run always gets the same key, so any
 * re-send of it (our retries after a 429, 5xx or dropped connection, or n8n's "Retry On Fail") is
 * answered by Resend with the first email's id instead of a second email.
 *
 *   key = "n8n-" + sha256(workflow id, origin, node id, run index, item index, sha256(request body))
 *
 * - The origin (../runner/origin.ts) scopes it to one logical execution: tomorrow's identical alert
 *   is a new email, not a replay, but n8n's retry of a failed execution, which gets a new execution
 *   id, is answered with the emails its original already sent.
 * - The node id, run index and item index tell apart items and loop iterations in one run.
 * - The body hash makes a changed email a new key rather than a 409 from Resend.
 * Resend keeps keys for 24 hours; the key is 68 characters (the limit is 256).
 */
import { createHash } from 'node:crypto';

export interface KeyScope {
	workflowId: string;
	/** The logical execution: `executionOrigin(ctx).id`. */
	origin: string;
	nodeId: string;
	runIndex: number;
	itemIndex: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function deriveIdempotencyKey(scope: KeyScope, body: unknown): string {
	const parts = [scope.workflowId, scope.origin, scope.nodeId, scope.runIndex, scope.itemIndex, sha256(JSON.stringify(body))];
	return `n8n-${sha256(JSON.stringify(parts))}`;
}

/** A batch request's key, from its emails' keys: a retried batch of the same items replays. */
export function batchIdempotencyKey(itemKeys: readonly string[]): string {
	return `n8n-batch-${sha256(itemKeys.join('\n')).slice(0, 58)}`;
}
