import type { IDataObject } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, MAGIC_TO, MESSAGING_SERVICE, NUMBER_MAIN, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { runNode } from '../support/twilioWorkflows';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 50 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const sms = (parameters: Record<string, unknown>, items: Record<string, unknown>[] = [{}], extra: { continueOnFail?: boolean; credential?: IDataObject | null } = {}) =>
	runNode({ type: 'CUSTOM.sendSms', parameters: parameters as never, items: items as never, baseUrl: sandbox.url, ...extra });

/** Outbound messages the sandbox holds, through its admin endpoint (what a phone would receive). */
async function sandboxMessages(): Promise<Array<Record<string, unknown>>> {
	const res = await fetch(`${sandbox.url}/__sandbox/state`);
	const state = (await res.json()) as { messages: Array<Record<string, unknown>> };
	return state.messages;
}

describe('Send SMS in WorkflowExecute against the sandbox', () => {
	it('sends one SMS from a listed number, with a flat, paired output', async () => {
		const r = await sms({ to: '+1 (555) 555-0123', from: { __rl: true, mode: 'list', value: NUMBER_SUPPORT.phoneNumber }, body: 'Disk almost full' });
		expect(r.error).toBeUndefined();
		const [item] = r.outputs(r.nodeName);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			status: 'queued',
			to: SAMPLE_RECIPIENT,
			from: NUMBER_SUPPORT.phoneNumber,
			body: 'Disk almost full',
			numSegments: 1,
			encoding: 'GSM-7',
			characters: 16,
			accountSid: FULL_ACCOUNT.sid,
		});
		expect(item.json.sid).toMatch(/^SM[0-9a-f]{32}$/);
		const stored = await sandboxMessages();
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ sid: item.json.sid, to: SAMPLE_RECIPIENT, body: 'Disk almost full' });
	});

	it("uses the credential's default From when From is empty, and maps expressions per item", async () => {
		const r = await sms({ to: '={{ $json.phone }}', body: '=Hello {{ $json.name }}' }, [
			{ phone: '+15555550123', name: 'Ada' },
			{ phone: '+15555550124', name: 'Grace' },
		]);
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName).map((i) => i.json);
		expect(out.map((o) => [o.to, o.from, o.body])).toEqual([
			['+15555550123', NUMBER_MAIN.phoneNumber, 'Hello Ada'],
			['+15555550124', NUMBER_MAIN.phoneNumber, 'Hello Grace'],
		]);
	});

	it('sends MMS with two media URLs', async () => {
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Chart', options: { mediaUrls: 'https://example.com/a.png, https://example.com/b.png' } });
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName)[0].json.numMedia).toBe(2);
		const [stored] = await sandboxMessages();
		expect(stored.num_media ?? stored.numMedia).toBe('2');
	});

	it('sends WhatsApp with both addresses prefixed', async () => {
		const r = await sms({ channel: 'whatsapp', to: SAMPLE_RECIPIENT, body: 'Your code is 1234' });
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName)[0].json).toMatchObject({ to: `whatsapp:${SAMPLE_RECIPIENT}`, from: `whatsapp:${NUMBER_MAIN.phoneNumber}` });
	});

	it('sends through a Messaging Service, and schedules with one', async () => {
		const service = { __rl: true, mode: 'id', value: MESSAGING_SERVICE.sid };
		const now = await sms({ to: SAMPLE_RECIPIENT, sender: 'messagingService', messagingService: service, body: 'Now' });
		expect(now.error).toBeUndefined();
		expect(now.outputs(now.nodeName)[0].json).toMatchObject({ messagingServiceSid: MESSAGING_SERVICE.sid });

		const at = new Date(Date.now() + 3600_000).toISOString();
		const later = await sms({ to: SAMPLE_RECIPIENT, sender: 'messagingService', messagingService: service, body: 'Later', options: { sendAt: at } });
		expect(later.error).toBeUndefined();
		expect(later.outputs(later.nodeName)[0].json).toMatchObject({ status: 'scheduled', scheduledFor: at, numSegments: 1 });
	});

	it('reports UCS-2 and segment counts for emoji text', async () => {
		const body = `Server down 🔥 ${'x'.repeat(60)}`;
		const r = await sms({ to: SAMPLE_RECIPIENT, body });
		expect(r.outputs(r.nodeName)[0].json).toMatchObject({ encoding: 'UCS-2', numSegments: 2 });
	});

	it('20 items with 3 invalid under continueOnFail: 17 sent, 3 paired error items', async () => {
		const items = Array.from({ length: 20 }, (_, i) => ({ to: `+1555555${String(1000 + i)}`, body: `Alert ${i}` }));
		items[3].to = '12345';
		items[9].body = 'x'.repeat(1601);
		items[15].to = '';
		const r = await sms({ to: '={{ $json.to }}', body: '={{ $json.body }}' }, items, { continueOnFail: true });
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out).toHaveLength(20);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		const failed = out.flatMap((o, i) => (o.json.error ? [i] : []));
		expect(failed).toEqual([3, 9, 15]);
		expect(out[3].json.error).toMatch(/To.*"12345".*item 3/);
		expect(out[9].json.error).toMatch(/Message.*item 9/);
		expect(out[15].json.error).toMatch(/To.*item 15/);
		expect(out.filter((o) => o.json.sid)).toHaveLength(17);
		expect(await sandboxMessages()).toHaveLength(17);
	});

	it('without continueOnFail, a bad item fails the run with a message naming it, before sending it', async () => {
		const items = [{ to: SAMPLE_RECIPIENT }, { to: 'not-a-number' }];
		const r = await sms({ to: '={{ $json.to }}', body: 'hi', options: { maxConcurrency: 1 } }, items);
		expect(r.error).toBeDefined();
		expect(r.error!.message).toMatch(/Invalid To "not-a-number" in item 1/);
		const stored = await sandboxMessages();
		expect(stored.map((m) => m.to)).toEqual([SAMPLE_RECIPIENT]);
	});

	it('sends exactly once through 429 bursts', async () => {
		sandbox.faults.set({ rate429: 0.4, retryAfterSec: 0, seed: 7 });
		const items = Array.from({ length: 30 }, (_, i) => ({ n: i }));
		const r = await sms({ to: SAMPLE_RECIPIENT, body: '=Burst {{ $json.n }}' }, items);
		expect(r.error).toBeUndefined();
		expect(r.outputs(r.nodeName).every((o) => typeof o.json.sid === 'string')).toBe(true);
		const stats = sandbox.stats();
		expect(stats.faults.rate429).toBeGreaterThan(0);
		expect(stats.uniqueSends).toBe(30);
		expect(stats.duplicates).toBe(0);
		expect(await sandboxMessages()).toHaveLength(30);
	});

	it('a 5xx on a create, with "If the Outcome Is Unknown" set to Report It, is "outcome unknown" and is never re-sent', async () => {
		sandbox.faults.set({ rate5xx: 1, seed: 1 });
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'Maybe sent', options: { ifOutcomeUnknown: 'report' } }, [{}], { continueOnFail: true });
		const [item] = r.outputs(r.nodeName);
		expect(item.json.error).toMatch(/Outcome unknown/);
		expect(item.json.outcomeUnknown).toBe(true);
		expect(String(item.json.errorDescription)).toContain('Maybe sent');
		// The sandbox processed the request before failing it: exactly one request, one message, no second attempt.
		expect(sandbox.stats().requestsByRoute['twilio.messages.create']).toBe(1);
		expect(sandbox.stats().requestsByRoute['twilio.messages.list']).toBeUndefined();
		expect(await sandboxMessages()).toHaveLength(1);
		expect(sandbox.stats().duplicates).toBe(0);
	});

	it('wrong credentials give a clear auth error that never contains a secret', async () => {
		const badToken = 'f'.repeat(32);
		const r = await sms({ to: SAMPLE_RECIPIENT, body: 'x' }, [{}], { credential: { authToken: badToken } });
		expect(r.error).toBeDefined();
		const text = JSON.stringify({ message: r.error!.message, description: (r.error as { description?: string }).description, run: r.run.data.resultData });
		expect(r.error!.message).toMatch(/20003/);
		expect(text).not.toContain(badToken);
		expect(text).not.toContain(FULL_ACCOUNT.authToken);
	});

	it('a missing credential, or a malformed one, gives a clear message before any request', async () => {
		const none = await sms({ to: SAMPLE_RECIPIENT, body: 'x' }, [{}], { credential: null });
		expect(none.error?.message).toMatch(/No Twilio credential/);
		const malformed = await sms({ to: SAMPLE_RECIPIENT, body: 'x' }, [{}], { credential: { accountSid: 'AC123' } });
		expect(malformed.error?.message).toMatch(/Account SID .* "AC" followed by 32 hexadecimal/);
		expect(sandbox.stats().requestsTotal).toBe(0);
	});

	it("maps Twilio's magic-number failures to coded, explained errors", async () => {
		const r = await sms({ to: '={{ $json.to }}', body: 'x' }, [{ to: MAGIC_TO.blocked }, { to: MAGIC_TO.notMobile }], { continueOnFail: true });
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(out[0]).toMatchObject({ errorCode: 21610 });
		expect(String(out[0].errorDescription)).toMatch(/START/);
		expect(out[1]).toMatchObject({ errorCode: 21614 });
	});
});
