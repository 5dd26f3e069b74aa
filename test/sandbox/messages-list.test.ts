import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { basic, request, sdk, waitFor } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 5 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const auth = { Authorization: basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken) };
const get = (pathAndQuery: string) => request(`${sandbox.url}${pathAndQuery}`, { headers: auth });
const listPath = `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`;

async function sendMany(n: number, from = NUMBER_MAIN.phoneNumber, to = SAMPLE_RECIPIENT): Promise<string[]> {
	const client = sdk(sandbox);
	const sids: string[] = [];
	for (let i = 0; i < n; i++) sids.push((await client.messages.create({ to, from, body: `n${i}` })).sid);
	return sids;
}

const allDelivered = () => [...sandbox.state.messages.values()].every((m) => m.status === 'delivered');

describe('message list and paging', () => {
	it('pages with Twilio’s fields and PageToken links, newest first', async () => {
		const sids = (await sendMany(7)).reverse();
		const p0 = await get(`${listPath}?PageSize=3`);
		expect(p0.status).toBe(200);
		expect(p0.json.messages.map((m: { sid: string }) => m.sid)).toEqual(sids.slice(0, 3));
		expect(p0.json).toMatchObject({ page: 0, page_size: 3, start: 0, end: 2, previous_page_uri: null });
		expect(p0.json.uri).toBe(`${listPath}?PageSize=3&Page=0`);
		expect(p0.json.first_page_uri).toBe(`${listPath}?PageSize=3&Page=0`);
		expect(p0.json.next_page_uri).toBe(`${listPath}?PageSize=3&Page=1&PageToken=PA${sids[2]}`);

		const p1 = await get(p0.json.next_page_uri);
		expect(p1.json.messages.map((m: { sid: string }) => m.sid)).toEqual(sids.slice(3, 6));
		expect(p1.json).toMatchObject({ page: 1, start: 3, end: 5 });
		expect(p1.json.previous_page_uri).toBe(`${listPath}?PageSize=3&Page=0&PageToken=PB${sids[3]}`);

		const p2 = await get(p1.json.next_page_uri);
		expect(p2.json.messages.map((m: { sid: string }) => m.sid)).toEqual(sids.slice(6));
		expect(p2.json.next_page_uri).toBeNull();

		const back = await get(p1.json.previous_page_uri);
		expect(back.json.messages.map((m: { sid: string }) => m.sid)).toEqual(sids.slice(0, 3));
		// Page without a token is an offset.
		const byOffset = await get(`${listPath}?PageSize=3&Page=1`);
		expect(byOffset.json.messages.map((m: { sid: string }) => m.sid)).toEqual(sids.slice(3, 6));
	});

	it('keeps token paging stable while new messages arrive', async () => {
		const sids = (await sendMany(4)).reverse();
		const p0 = await get(`${listPath}?PageSize=2`);
		await sendMany(3);
		const p1 = await get(p0.json.next_page_uri);
		expect(p1.json.messages.map((m: { sid: string }) => m.sid)).toEqual(sids.slice(2, 4));
	});

	it('the SDK follows next_page_uri across pages', async () => {
		await sendMany(7);
		const client = sdk(sandbox);
		const all = await client.messages.list({ pageSize: 2 });
		expect(all).toHaveLength(7);
		const limited = await client.messages.list({ pageSize: 2, limit: 3 });
		expect(limited).toHaveLength(3);
		const page = await client.messages.page({ pageSize: 5 });
		expect(page.instances).toHaveLength(5);
		const next = await page.nextPage();
		expect(next?.instances).toHaveLength(2);
	});

	it('filters by To and From and carries filters into paging links', async () => {
		await sendMany(2, NUMBER_MAIN.phoneNumber, SAMPLE_RECIPIENT);
		await sendMany(3, NUMBER_SUPPORT.phoneNumber, '+15555550124');
		const client = sdk(sandbox);
		expect(await client.messages.list({ to: '+15555550124' })).toHaveLength(3);
		expect(await client.messages.list({ from: NUMBER_MAIN.phoneNumber })).toHaveLength(2);
		expect(await client.messages.list({ from: NUMBER_MAIN.phoneNumber, to: '+15555550124' })).toHaveLength(0);
		const page = await get(`${listPath}?To=%2B15555550124&PageSize=2`);
		expect(page.json.next_page_uri).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json\?To=%2B15555550124&PageSize=2&Page=1&PageToken=PA/);
	});

	it('filters by DateSent, DateSent< and DateSent> (inclusive, by UTC day or second)', async () => {
		await sendMany(3);
		await waitFor(allDelivered);
		const client = sdk(sandbox);
		const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
		const yesterday = new Date(today.getTime() - 86_400_000);
		const tomorrow = new Date(today.getTime() + 86_400_000);
		expect(await client.messages.list({ dateSentAfter: yesterday })).toHaveLength(3);
		expect(await client.messages.list({ dateSentAfter: tomorrow })).toHaveLength(0);
		expect(await client.messages.list({ dateSentBefore: yesterday })).toHaveLength(0);
		expect(await client.messages.list({ dateSentBefore: tomorrow })).toHaveLength(3);
		const day = today.toISOString().slice(0, 10);
		const byDay = await get(`${listPath}?DateSent=${day}`);
		expect(byDay.json.messages).toHaveLength(3);
		const byOtherDay = await get(`${listPath}?DateSent=${yesterday.toISOString().slice(0, 10)}`);
		expect(byOtherDay.json.messages).toHaveLength(0);
	});

	it('fetching an unknown message is 404 20404', async () => {
		const res = await get(`/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages/SM${'0'.repeat(32)}.json`);
		expect(res.status).toBe(404);
		expect(res.json.code).toBe(20404);
	});
});
