/** The Retry On Fail ledger: what a failed try sent is given back for the same item only. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { alreadySent, fingerprint, forgetRun, rememberSent, runKey } from '../../nodes/shared/runner/sentLedger';

const ctx = (executionId: string | undefined, runIndex = 0) =>
	({ getExecutionId: () => executionId, getNode: () => ({ id: 'node-1', name: 'Send SMS' }), runIndex }) as unknown as IExecuteFunctions;

describe('sent ledger', () => {
	it('keys runs by execution, node and run index, and has no key without an execution id', () => {
		expect(runKey(ctx('e1'))).not.toBe(runKey(ctx('e1', 1)));
		expect(runKey(ctx('e1'))).not.toBe(runKey(ctx('e2')));
		expect(runKey(ctx(undefined))).toBeUndefined();
	});

	it('gives back an earlier output only for the same input, keeps adding across tries, and forgets a run that succeeded', () => {
		const key = runKey(ctx('ledger-1'));
		const input = { to: '+15555550123', body: 'a' };
		rememberSent(key, new Map([[3, { fingerprint: fingerprint(input), outputs: [{ sid: 'SM1' }] }]]));
		rememberSent(key, new Map([[4, { fingerprint: fingerprint(input), outputs: [{ sid: 'SM2' }] }]]));
		expect(alreadySent(key, 3, () => input)).toEqual([{ sid: 'SM1' }]);
		expect(alreadySent(key, 4, () => input)).toEqual([{ sid: 'SM2' }]);
		// Another item at the same index (the input changed between tries) is a new send.
		expect(alreadySent(key, 3, () => ({ ...input, body: 'b' }))).toBeUndefined();
		expect(alreadySent(key, 5, () => input)).toBeUndefined();
		expect(alreadySent(runKey(ctx('ledger-1', 1)), 3, () => input)).toBeUndefined();
		forgetRun(key);
		expect(alreadySent(key, 3, () => input)).toBeUndefined();
	});
});
