import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, MESSAGING_SERVICE, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { createRaw, postJson, request, sdk } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const main = NUMBER_MAIN.phoneNumber;

describe('exactly-once accounting', () => {
	it('counts a repeated logical send as a duplicate, with detail', async () => {
		const client = sdk(sandbox);
		const a = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'same' });
		const b = await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'same' });
		await client.messages.create({ to: SAMPLE_RECIPIENT, from: main, body: 'different' });
		await client.messages.create({ to: SAMPLE_RECIPIENT, messagingServiceSid: MESSAGING_SERVICE.sid, body: 'same' });
		const stats = sandbox.stats();
		expect(stats.createsAccepted).toBe(4);
		expect(stats.createsAcceptedByKind).toEqual({ message: 4 });
		expect(stats.uniqueSends).toBe(3);
		expect(stats.duplicates).toBe(1);
		expect(stats.duplicateKeys).toEqual([{ key: expect.stringMatching(/^[0-9a-f]{24}$/), kind: 'message', count: 2, sids: [a.sid, b.sid], to: SAMPLE_RECIPIENT }]);
		expect(sandbox.state.message(a.sid)?.logicalKey).toBe(stats.duplicateKeys[0].key);
	});

	it('media lists are part of the key', async () => {
		await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, Body: 'x', MediaUrl: ['https://e.com/1.png'] });
		await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, Body: 'x', MediaUrl: ['https://e.com/2.png'] });
		expect(sandbox.stats()).toMatchObject({ uniqueSends: 2, duplicates: 0 });
	});

	it('rejected creates are not counted', async () => {
		await createRaw(sandbox, { To: 'bad', From: main, Body: 'x' });
		expect(sandbox.stats()).toMatchObject({ createsAccepted: 0, uniqueSends: 0 });
	});
});

describe('request recording and counters', () => {
	it('records method, path, query, repeated form keys, content type, route and status', async () => {
		await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, Body: 'hi', MediaUrl: ['https://e.com/a.png', 'https://e.com/b.png'] });
		await sdk(sandbox).messages.list({ to: SAMPLE_RECIPIENT, pageSize: 5 });
		const [create, list] = sandbox.state.requests;
		expect(create).toMatchObject({
			method: 'POST',
			path: `/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`,
			route: 'twilio.messages.create',
			routePath: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
			form: { To: [SAMPLE_RECIPIENT], From: [main], Body: ['hi'], MediaUrl: ['https://e.com/a.png', 'https://e.com/b.png'] },
			contentType: 'application/x-www-form-urlencoded',
			authUser: FULL_ACCOUNT.sid,
			status: 201,
			fault: null,
		});
		expect((create.responseBody as { sid: string }).sid).toMatch(/^MM/);
		expect(list).toMatchObject({ method: 'GET', route: 'twilio.messages.list', query: { To: [SAMPLE_RECIPIENT], PageSize: ['5'] }, status: 200 });
		// A GET has no body, even though the SDK labels it form-encoded.
		expect(list.form).toBeUndefined();
		const stats = sandbox.stats();
		expect(stats.requestsTotal).toBe(2);
		expect(stats.requestsByRoute).toEqual({ 'twilio.messages.create': 1, 'twilio.messages.list': 1 });
		expect(stats.responsesByStatus).toEqual({ '201': 1, '200': 1 });
	});

	it('keeps at most requestLimit requests', async () => {
		const small = await startSandbox({ requestLimit: 3 });
		try {
			for (let i = 0; i < 5; i++) await request(`${small.url}/nope/${i}`);
			expect(small.state.requests.map((r) => r.path)).toEqual(['/nope/2', '/nope/3', '/nope/4']);
			expect(small.stats().requestsByRoute['unmatched.not_found']).toBe(5);
		} finally {
			await small.close();
		}
	});
});

describe('admin endpoints', () => {
	it('serve state, stats, fixtures and health without auth and without being counted', async () => {
		await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, Body: 'hi' });
		const state = await request(`${sandbox.url}/__sandbox/state`);
		expect(state.status).toBe(200);
		expect(state.json.messages).toHaveLength(1);
		// Messages in their API shape, plus sandbox-only detail.
		expect(state.json.messages[0]).toMatchObject({
			to: SAMPLE_RECIPIENT,
			from: main,
			body: 'hi',
			num_segments: '1',
			num_media: '0',
			sandbox: { encoding: 'GSM-7' },
		});
		// The first status; on a loaded machine the 20 ms step may already have added the next one.
		expect(state.json.messages[0].sandbox.statusHistory[0]).toMatchObject({ status: 'queued' });
		expect(state.json.numbers.find((n: { sid: string }) => n.sid === NUMBER_MAIN.sid)).toMatchObject({ phone_number: main, sms_url: '' });
		expect(state.json.accounts.map((a: { type: string }) => a.type)).toEqual(['Full', 'Trial']);
		expect(state.json.requests).toHaveLength(1);
		const stats = await request(`${sandbox.url}/__sandbox/stats`);
		expect(stats.json).toMatchObject({ requestsTotal: 1, createsAccepted: 1 });
		const fixtures = await request(`${sandbox.url}/__sandbox/fixtures`);
		expect(fixtures.json.fullAccount.sid).toBe(FULL_ACCOUNT.sid);
		expect((await request(`${sandbox.url}/__sandbox/health`)).json).toEqual({ ok: true, url: sandbox.url });
		expect(sandbox.stats().requestsTotal).toBe(1);
	});

	it('reset over HTTP clears messages and counters', async () => {
		await createRaw(sandbox, { To: SAMPLE_RECIPIENT, From: main, Body: 'hi' });
		expect((await postJson(`${sandbox.url}/__sandbox/reset`, {})).json).toEqual({ ok: true });
		expect(sandbox.state.messages.size).toBe(0);
		expect(sandbox.stats().requestsTotal).toBe(0);
	});

	it('answers unknown admin paths with 404 and bad JSON with 400', async () => {
		expect((await request(`${sandbox.url}/__sandbox/nope`)).status).toBe(404);
		const bad = await request(`${sandbox.url}/__sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
		expect(bad.status).toBe(400);
	});
});
