/**
 * The look-ups of one run after "outcome unknown": items waiting on the same recipient share a
 * listing, but never one that started before they asked.
 */
import type { Twilio } from 'twilio';
import { matching, SharedLookUps, type Sent, type SendSpec } from '../../nodes/shared/twilio/earlier';

interface PageCall {
	filter: Record<string, unknown>;
	answer(instances: Array<Partial<Sent>>): void;
}

/** A client whose list requests wait until the test answers them, in the order they were made. */
function fakeClient() {
	const calls: PageCall[] = [];
	const page = (filter: Record<string, unknown>) =>
		new Promise((resolve) => calls.push({ filter, answer: (instances) => resolve({ instances, nextPageUrl: undefined }) }));
	const client = { messages: { page, getPage: page }, calls: { page, getPage: page } } as unknown as Twilio;
	return { client, calls };
}

const spec = (body: string, to = '+15555550123'): SendSpec => ({ kind: 'message', to, from: '+15005550006', body });
const sent = (sid: string, body: string, at: Date) => ({ sid, body, dateCreated: at }) as unknown as Sent;
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('shared look-ups', () => {
	const t0 = new Date('2026-12-01T10:00:00Z');

	it('answers everyone who asked during a listing with one next listing, started after it, from the earliest since', async () => {
		const { client, calls } = fakeClient();
		const lookUps = new SharedLookUps(client);
		const first = lookUps.listSince(spec('a'), t0);
		await flush();
		expect(calls).toHaveLength(1);
		// Two items get ready while the first listing is under way: it started before they asked.
		const second = lookUps.listSince(spec('b'), new Date(t0.getTime() + 3000));
		const third = lookUps.listSince(spec('c'), new Date(t0.getTime() - 2000));
		await flush();
		expect(calls).toHaveLength(1);

		calls[0].answer([sent('SM1', 'a', t0)]);
		expect(await first).toHaveLength(1);
		await flush();
		expect(calls).toHaveLength(2);
		const later = [sent('SM3', 'c', new Date(t0.getTime() + 4000)), sent('SM2', 'b', new Date(t0.getTime() + 3000)), sent('SM1', 'a', t0)];
		calls[1].answer(later);
		expect(await second).toBe(await third);
		// The shared listing reaches back to the earliest since (t0 - 2 s), so SM1 is in it for the third item.
		expect((await third).map((s) => s.sid)).toEqual(['SM3', 'SM2', 'SM1']);
		expect(calls).toHaveLength(2);
	});

	it('lists separately per recipient, and starts afresh once nothing is under way', async () => {
		const { client, calls } = fakeClient();
		const lookUps = new SharedLookUps(client);
		const one = lookUps.listSince(spec('a', '+15555550001'), t0);
		const two = lookUps.listSince(spec('a', '+15555550002'), t0);
		await flush();
		expect(calls.map((c) => c.filter.to)).toEqual(['+15555550001', '+15555550002']);
		calls[0].answer([]);
		calls[1].answer([]);
		await Promise.all([one, two]);
		const again = lookUps.listSince(spec('a', '+15555550001'), t0);
		await flush();
		expect(calls).toHaveLength(3);
		calls[2].answer([]);
		await again;
	});

	it('a failed listing fails those waiting on it, and the next one still runs', async () => {
		const calls: PageCall[] = [];
		const failing = {
			messages: {
				page: (filter: Record<string, unknown>) =>
					calls.length === 0 ? (calls.push({ filter, answer: () => undefined }), Promise.reject(new Error('list failed'))) : new Promise((resolve) => calls.push({ filter, answer: (instances) => resolve({ instances }) })),
			},
		} as unknown as Twilio;
		const lookUps = new SharedLookUps(failing);
		const first = lookUps.listSince(spec('a'), t0);
		const second = lookUps.listSince(spec('b'), t0);
		await expect(first).rejects.toThrow('list failed');
		await flush();
		expect(calls).toHaveLength(2);
		calls[1].answer([sent('SM2', 'b', t0)]);
		expect((await second).map((s) => s.sid)).toEqual(['SM2']);
	});

	it('matches by text and since (to the second), oldest first, leaving out sends already claimed', () => {
		const listed = [
			sent('SM4', 'a', new Date(t0.getTime() + 2500)),
			sent('SM3', 'b', new Date(t0.getTime() + 2000)),
			sent('SM2', 'a', new Date(t0.getTime() + 1000)),
			sent('SM1', 'a', new Date(t0.getTime() - 1000)),
		];
		expect(matching(listed, spec('a'), new Date(t0.getTime() + 900), new Set()).map((s) => s.sid)).toEqual(['SM2', 'SM4']);
		expect(matching(listed, spec('a'), new Date(t0.getTime() + 900), new Set(['SM2'])).map((s) => s.sid)).toEqual(['SM4']);
		expect(matching(listed, spec('a'), new Date(t0.getTime() - 1000), new Set()).map((s) => s.sid)).toEqual(['SM1', 'SM2', 'SM4']);
	});
});
