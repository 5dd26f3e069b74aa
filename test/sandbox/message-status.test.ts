import { startSandbox, type Sandbox } from '../../sandbox';
import { verifySignature } from '../../nodes/shared/twilio/signature';
import { FULL_ACCOUNT, MAGIC_TO, MESSAGING_SERVICE, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { Receiver, sdk, startReceiver, waitFor } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;
let failing: Receiver;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
	receiver = await startReceiver(() => ({ status: 204 }));
	failing = await startReceiver(() => ({ status: 500, body: 'boom' }));
});
afterAll(async () => {
	await sandbox.close();
	await receiver.close();
	await failing.close();
});
beforeEach(() => {
	sandbox.reset();
	receiver.requests.length = 0;
	failing.requests.length = 0;
});

const main = NUMBER_MAIN.phoneNumber;
const finalStatus = (sid: string) => () => {
	const s = sandbox.state.message(sid)?.status;
	return s === 'delivered' || s === 'undelivered' || s === 'failed' ? s : undefined;
};

describe('message status progression', () => {
	it('walks queued → sending → sent → delivered and sets date_sent and price', async () => {
		const client = sdk(sandbox);
		const m = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'hello' });
		expect(await waitFor(finalStatus(m.sid))).toBe('delivered');
		expect(sandbox.state.message(m.sid)!.statusHistory.map((h) => h.status)).toEqual(['queued', 'sending', 'sent', 'delivered']);
		const fetched = await client.messages(m.sid).fetch();
		expect(fetched.status).toBe('delivered');
		expect(fetched.dateSent).toBeInstanceOf(Date);
		expect(fetched.price).toBe('-0.00790');
		expect(fetched.errorCode).toBeNull();
	});

	it('charges per segment', async () => {
		const m = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'x'.repeat(400) });
		await waitFor(finalStatus(m.sid));
		expect(sandbox.state.message(m.sid)!.price).toBe('-0.02370');
	});

	it('ends +15005550010 in undelivered with 30003', async () => {
		const client = sdk(sandbox);
		const m = await client.messages.create({ to: MAGIC_TO.undelivered, from: main, body: 'hello' });
		expect(m.status).toBe('queued');
		expect(await waitFor(finalStatus(m.sid))).toBe('undelivered');
		const fetched = await client.messages(m.sid).fetch();
		expect(fetched.errorCode).toBe(30003);
		expect(fetched.errorMessage).toBe('Unreachable destination handset');
		expect(sandbox.state.message(m.sid)!.statusHistory.map((h) => h.status)).toEqual(['queued', 'sending', 'sent', 'undelivered']);
	});

	it('ends +15005550011 in failed with 30008', async () => {
		const client = sdk(sandbox);
		const m = await client.messages.create({ to: MAGIC_TO.failed, from: main, body: 'hello' });
		expect(await waitFor(finalStatus(m.sid))).toBe('failed');
		const fetched = await client.messages(m.sid).fetch();
		expect(fetched.errorCode).toBe(30008);
		expect(fetched.price).toBeNull();
	});

	it('a Messaging Service send starts at accepted', async () => {
		const m = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, messagingServiceSid: MESSAGING_SERVICE.sid, body: 'hello' });
		await waitFor(finalStatus(m.sid));
		expect(sandbox.state.message(m.sid)!.statusHistory.map((h) => h.status)).toEqual(['accepted', 'queued', 'sending', 'sent', 'delivered']);
	});

	it('reset() stops progressions in flight', async () => {
		const m = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'hello' });
		sandbox.reset();
		await new Promise((r) => setTimeout(r, 100));
		expect(sandbox.state.message(m.sid)).toBeUndefined();
	});
});

describe('signed status callbacks', () => {
	it('POSTs every status, form-encoded and signed with the account auth token', async () => {
		const callbackUrl = `${receiver.url}/twilio/status?tenant=7`;
		const m = await sdk(sandbox).messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'hello', statusCallback: callbackUrl });
		await waitFor(() => receiver.requests.length === 4, 3000, 'four callbacks');
		expect(receiver.requests.map((r) => r.params.MessageStatus)).toEqual(['queued', 'sending', 'sent', 'delivered']);
		for (const r of receiver.requests) {
			expect(r.method).toBe('POST');
			expect(r.url).toBe(callbackUrl);
			expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
			expect(r.headers['i-twilio-idempotency-token']).toBeTruthy();
			const check = verifySignature({
				authToken: FULL_ACCOUNT.authToken,
				signature: r.headers['x-twilio-signature'] as string,
				url: r.url,
				params: r.params,
			});
			expect(check).toEqual({ valid: true });
			expect(r.params).toMatchObject({
				MessageSid: m.sid,
				SmsSid: m.sid,
				SmsStatus: r.params.MessageStatus,
				AccountSid: FULL_ACCOUNT.sid,
				From: main,
				To: SAMPLE_RECIPIENT,
				ApiVersion: '2010-04-01',
			});
			expect(r.params.ErrorCode).toBeUndefined();
		}
		// A signature made with another token does not verify: the check above is meaningful.
		const r0 = receiver.requests[0];
		expect(verifySignature({ authToken: 'x'.repeat(32), signature: r0.headers['x-twilio-signature'] as string, url: r0.url, params: r0.params }).valid).toBe(false);
		await sandbox.callbacksIdle();
		const attempts = sandbox.state.statusCallbacks(m.sid);
		expect(attempts.map((a) => [a.messageStatus, a.status])).toEqual([
			['queued', 204],
			['sending', 204],
			['sent', 204],
			['delivered', 204],
		]);
		expect(sandbox.stats().webhooks).toEqual({ attempted: 4, succeeded: 4, failed: 0 });
	});

	it('sends ErrorCode with a failed delivery', async () => {
		await sdk(sandbox).messages.create({ to: MAGIC_TO.undelivered, from: main, body: 'hello', statusCallback: `${receiver.url}/s` });
		await waitFor(() => receiver.requests.length === 4, 3000, 'four callbacks');
		const last = receiver.requests[3].params;
		expect(last.MessageStatus).toBe('undelivered');
		expect(last.ErrorCode).toBe('30003');
	});

	it('records failing receivers and unreachable URLs without breaking the sandbox', async () => {
		const client = sdk(sandbox);
		const a = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'a', statusCallback: `${failing.url}/cb` });
		// A closed port on loopback: the connection is refused.
		const dead = await startReceiver();
		const deadUrl = `${dead.url}/cb`;
		await dead.close();
		const b = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'b', statusCallback: deadUrl });
		await waitFor(finalStatus(a.sid));
		await waitFor(finalStatus(b.sid));
		await sandbox.callbacksIdle();
		expect(sandbox.state.statusCallbacks(a.sid).every((x) => x.status === 500)).toBe(true);
		const refused = sandbox.state.statusCallbacks(b.sid);
		expect(refused).toHaveLength(4);
		expect(refused.every((x) => x.status === null && typeof x.error === 'string')).toBe(true);
		expect(sandbox.stats().webhooks.failed).toBe(8);
		// Still serving.
		expect((await client.messages(a.sid).fetch()).status).toBe('delivered');
	});
});
