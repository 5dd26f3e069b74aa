/**
 * n8n's Retry On Fail runs a failed node again with all its items, in the same execution. In
 * n8n-core's own WorkflowExecute against the sandbox: what an earlier try sent is not sent again.
 */
import type { IDataObject } from 'n8n-workflow';
import { MAGIC_TO, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { runNode } from '../support/twilioWorkflows';
import { useSandboxAndReceiver } from '../sandbox/helpers';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
useSandboxAndReceiver({ statusStepMs: 1000 }, (s) => {
	sandbox = s;
});

const ITEMS = 100;
const BAD = 57;
// n8n treats 0 as "unset" (1 s); 10 ms keeps three tries quick.
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

const bodyOf = (tag: string, i: number) => `${tag} #${i}`;
function items(tag: string, badTo: string | undefined): IDataObject[] {
	return Array.from({ length: ITEMS }, (_, i) => ({ to: i === BAD && badTo ? badTo : SAMPLE_RECIPIENT, body: bodyOf(tag, i) }));
}

/** How many times the sandbox stored each item's message. */
function sendsPerItem(tag: string): number[] {
	const counts = new Array<number>(ITEMS).fill(0);
	for (const m of sandbox.state.messages.values()) {
		const match = new RegExp(`^${tag} #(\\d+)$`).exec(m.body);
		if (match) counts[Number(match[1])]++;
	}
	return counts;
}

const sms = (list: IDataObject[], extra: { continueOnFail?: boolean } = {}) =>
	runNode({
		type: 'CUSTOM.sendSms',
		parameters: { to: '={{ $json.to }}', body: '={{ $json.body }}' },
		items: list,
		baseUrl: sandbox.url,
		nodeSettings: RETRY,
		...extra,
	});

describe('Retry On Fail (3 tries) never sends an item twice', () => {
	it.each([
		['our validation', 'not-a-number', /item 57/],
		['Twilio (21211)', MAGIC_TO.invalid, /^Twilio error 21211: Invalid 'To' Phone Number/],
	])('item 57 rejected by %s, continueOnFail off: items 0–56 sent exactly once, nothing sent twice, the error names item 57', async (_by, badTo, why) => {
		const tag = `retry-${badTo.replace(/\W/g, '')}`;
		const r = await sms(items(tag, badTo));
		expect(r.error?.message).toMatch(why);
		expect((r.error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(BAD);
		const counts = sendsPerItem(tag);
		expect(counts.slice(0, BAD)).toEqual(new Array(BAD).fill(1));
		expect(counts[BAD]).toBe(0);
		// Items already in flight when 57 failed were sent by the first try, and by no later one.
		expect(Math.max(...counts)).toBe(1);
	});

	it('with continueOnFail, a first item that fails makes n8n retry; the others are sent once and come back marked alreadySent', async () => {
		const tag = 'retry-cof';
		const list = items(tag, undefined);
		list[0] = { to: 'not-a-number', body: bodyOf(tag, 0) };
		const r = await sms(list, { continueOnFail: true });
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName);
		expect(out).toHaveLength(ITEMS);
		expect(out[0].json.error).toMatch(/item 0/);
		expect(out.slice(1).every((o) => o.json.alreadySent === true && /^SM[0-9a-f]{32}$/.test(String(o.json.sid)))).toBe(true);
		expect(out.map((o) => o.pairedItem)).toEqual(Array.from({ length: ITEMS }, (_, i) => ({ item: i })));
		const counts = sendsPerItem(tag);
		expect(counts.slice(1)).toEqual(new Array(ITEMS - 1).fill(1));
		// The sids in the output are the ones the sandbox stored.
		const stored = new Set([...sandbox.state.messages.values()].map((m) => m.sid));
		expect(out.slice(1).filter((o) => !stored.has(String(o.json.sid)))).toEqual([]);
	});

	it('a run without failures remembers nothing: the same items in a new execution are sent again', async () => {
		const tag = 'retry-clean';
		const list = items(tag, undefined).slice(0, 5);
		expect((await sms(list)).error).toBeUndefined();
		expect((await sms(list)).error).toBeUndefined();
		expect(sendsPerItem(tag).slice(0, 5)).toEqual([2, 2, 2, 2, 2]);
	});
});
