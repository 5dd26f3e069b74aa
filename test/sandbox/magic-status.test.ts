/**
 * The magic recipients whose messages are accepted, sent, and then rejected by the "carrier" with
 * Twilio's real delivery error codes, as Message Status and status callbacks see them.
 */
import type { Sandbox } from '../../sandbox';
import { MAGIC_DELIVERY_FAILURES, MAGIC_TO, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { sdk, waitFor, type Receiver, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;

useSandboxAndReceiver({ statusStepMs: 5, answer: () => ({ status: 204 }) }, (s, r) => {
	sandbox = s;
	receiver = r;
});

const settled = (sid: string) => () => {
	const m = sandbox.state.message(sid);
	return m && ['delivered', 'undelivered', 'failed'].includes(m.status) ? m : undefined;
};

describe('magic delivery failures', () => {
	it.each([
		[MAGIC_TO.undelivered, 'undelivered', 30003, ['queued', 'sending', 'sent', 'undelivered']],
		[MAGIC_TO.failed, 'failed', 30008, ['queued', 'sending', 'failed']],
		[MAGIC_TO.carrierBlocked, 'undelivered', 30004, ['queued', 'sending', 'sent', 'undelivered']],
		[MAGIC_TO.unknownHandset, 'undelivered', 30005, ['queued', 'sending', 'sent', 'undelivered']],
		[MAGIC_TO.landline, 'undelivered', 30006, ['queued', 'sending', 'sent', 'undelivered']],
		[MAGIC_TO.carrierFiltered, 'undelivered', 30007, ['queued', 'sending', 'sent', 'undelivered']],
	])('%s ends %s with %d', async (to, status, code, history) => {
		const client = sdk(sandbox);
		const created = await client.messages.create({ to, from: NUMBER_MAIN.phoneNumber, body: 'magic', statusCallback: receiver.url });
		expect(created.status).toBe('queued');
		const record = await waitFor(settled(created.sid));
		expect(record.statusHistory.map((h) => h.status)).toEqual(history);

		const fetched = await client.messages(created.sid).fetch();
		expect(fetched).toMatchObject({ status, errorCode: code, errorMessage: MAGIC_DELIVERY_FAILURES[to].errorMessage, priceUnit: 'USD' });
		// Twilio charges a message once it has been sent, even when the carrier then rejects it.
		if (history.includes('sent')) expect(fetched.price).toBe('-0.00790');

		await sandbox.callbacksIdle();
		const last = receiver.requests.at(-1)!;
		expect(new URLSearchParams(last.body).get('MessageStatus')).toBe(status);
		expect(new URLSearchParams(last.body).get('ErrorCode')).toBe(String(code));
	});

	it('ordinary recipients are still delivered', async () => {
		const m = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: 'hi' });
		expect((await waitFor(settled(m.sid))).status).toBe('delivered');
	});
});
