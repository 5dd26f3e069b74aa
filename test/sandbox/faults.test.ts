import { startSandbox, type Sandbox } from '../../sandbox';
import { API_KEY, FULL_ACCOUNT, NUMBER_MAIN, NUMBER_TRIAL, RESEND_FROM, RESEND_FULL_KEY, SAMPLE_RECIPIENT, TRIAL_ACCOUNT, TRIAL_VERIFIED_NUMBERS } from '../../sandbox/fixtures';
import { basic, createRaw, postJson, request } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const params = { To: SAMPLE_RECIPIENT, From: NUMBER_MAIN.phoneNumber, Body: 'fault test' };
const listUrl = () => `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`;
const auth = { Authorization: basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken) };

describe('fault injection', () => {
	it('429 carries Retry-After and code 20429, and creates nothing', async () => {
		sandbox.faults.set({ rate429: 1, retryAfterSec: 3 });
		const res = await createRaw(sandbox, params);
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('3');
		expect(res.json).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
		expect(sandbox.state.messages.size).toBe(0);
		const stats = sandbox.stats();
		expect(stats.faults.rate429).toBe(1);
		expect(stats.createsAccepted).toBe(0);
		expect(stats.responsesByStatus['429']).toBe(1);
	});

	it('concurrencyLimit refuses requests over the account-wide limit at once, with 20429 and Twilio-Concurrent-Requests; the others carry the count', async () => {
		sandbox.faults.set({ concurrencyLimit: 2, latencyMs: 300 });
		const started = Date.now();
		const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => createRaw(sandbox, { ...params, Body: `limit ${i}` })));
		const refused = answers.filter((r) => r.status === 429);
		const accepted = answers.filter((r) => r.status === 201);
		expect(accepted).toHaveLength(2);
		expect(refused).toHaveLength(3);
		for (const r of refused) {
			expect(r.json).toMatchObject({ code: 20429, status: 429 });
			expect(r.headers['twilio-concurrent-requests']).toBe('2');
			// Twilio does not say when to come back for a concurrency refusal.
			expect(r.headers['retry-after']).toBeUndefined();
		}
		for (const r of accepted) expect(['1', '2']).toContain(r.headers['twilio-concurrent-requests']);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		// Refused requests are never processed, and the slots come back once answered.
		expect(sandbox.state.messages.size).toBe(2);
		expect(sandbox.stats().faults.concurrency429).toBe(3);
		const next = await createRaw(sandbox, { ...params, Body: 'limit again' });
		expect(next.status).toBe(201);
	});

	it('concurrencyLimit counts an API key against its account, counts each account apart, and leaves Resend alone', async () => {
		sandbox.faults.set({ concurrencyLimit: 1, latencyMs: 300 });
		const viaKey = basic(API_KEY.sid, API_KEY.secret);
		const [token, key, trial] = await Promise.all([
			createRaw(sandbox, params),
			createRaw(sandbox, { ...params, Body: 'via key' }, viaKey),
			createRaw(sandbox, { To: TRIAL_VERIFIED_NUMBERS[0], From: NUMBER_TRIAL.phoneNumber, Body: 'other account' }, basic(TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken), TRIAL_ACCOUNT.sid),
		]);
		expect([token.status, key.status].sort()).toEqual([201, 429]);
		expect(trial.status).toBe(201);
		const emails = await Promise.all(
			[0, 1].map((i) =>
				request(`${sandbox.url}/emails`, {
					method: 'POST',
					headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'Content-Type': 'application/json' },
					body: JSON.stringify({ from: RESEND_FROM, to: ['someone@example.com'], subject: `limit ${i}`, text: 'x' }),
				}),
			),
		);
		expect(emails.map((r) => r.status)).toEqual([200, 200]);
		expect(() => sandbox.faults.set({ concurrencyLimit: 1.5 })).toThrow(/integer/);
	});

	it('5xx-after answers 500 but the message exists ("outcome unknown")', async () => {
		sandbox.faults.set({ rate5xx: 1 });
		const res = await createRaw(sandbox, params);
		expect(res.status).toBe(500);
		expect(res.json.code).toBe(20500);
		expect(sandbox.state.messages.size).toBe(1);
		expect(sandbox.stats().createsAccepted).toBe(1);
		// A blind retry is exactly what the duplicate counter catches.
		await createRaw(sandbox, params);
		expect(sandbox.stats()).toMatchObject({ createsAccepted: 2, uniqueSends: 1, duplicates: 1 });
	});

	it('5xx-before answers 503 without processing', async () => {
		sandbox.faults.set({ rate5xxBefore: 1 });
		const res = await createRaw(sandbox, params);
		expect(res.status).toBe(503);
		expect(res.json.code).toBe(20503);
		expect(sandbox.state.messages.size).toBe(0);
	});

	it('reset destroys the socket without a response and without processing', async () => {
		sandbox.faults.set({ rateReset: 1 });
		await expect(createRaw(sandbox, params)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(sandbox.state.messages.size).toBe(0);
		expect(sandbox.stats().faults.reset).toBe(1);
		const recorded = sandbox.state.requests.at(-1)!;
		expect(recorded).toMatchObject({ route: 'twilio.messages.create', status: 0, fault: 'reset' });
	});

	it('latency and slow responses delay the answer; slow still processes', async () => {
		sandbox.faults.set({ latencyMs: 60 });
		let t = Date.now();
		expect((await request(listUrl(), { headers: auth })).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(55);
		sandbox.faults.set({ latencyMs: 0, rateSlow: 1, slowMs: 60 });
		t = Date.now();
		expect((await createRaw(sandbox, params)).status).toBe(201);
		expect(Date.now() - t).toBeGreaterThanOrEqual(55);
		expect(sandbox.stats().faults).toMatchObject({ latency: 1, slow: 1 });
	});

	it('a seed makes the fault sequence repeatable', async () => {
		const run = async (seed: number): Promise<number[]> => {
			sandbox.reset();
			sandbox.faults.set({ rate429: 0.5, rate5xxBefore: 0.2, seed });
			const statuses: number[] = [];
			for (let i = 0; i < 24; i++) statuses.push((await request(listUrl(), { headers: auth })).status);
			return statuses;
		};
		const a = await run(42);
		const b = await run(42);
		const c = await run(43);
		expect(a).toEqual(b);
		expect(a).not.toEqual(c);
		expect(a).toContain(429);
		expect(a).toContain(200);
	});

	it('can target specific routes', async () => {
		sandbox.faults.set({ rate429: 1, routes: ['twilio.messages.create'] });
		expect((await request(listUrl(), { headers: auth })).status).toBe(200);
		expect((await createRaw(sandbox, params)).status).toBe(429);
		sandbox.faults.set({ routes: ['twilio.incoming_phone_numbers.*'] });
		expect((await createRaw(sandbox, params)).status).toBe(201);
	});

	it('never faults the admin endpoints, which also configure faults over HTTP', async () => {
		const set = await postJson(`${sandbox.url}/__sandbox/faults`, { rate429: 1, rateReset: 0 });
		expect(set.status).toBe(200);
		expect(set.json.rate429).toBe(1);
		expect((await request(`${sandbox.url}/__sandbox/stats`)).status).toBe(200);
		expect((await createRaw(sandbox, params)).status).toBe(429);
		const bad = await postJson(`${sandbox.url}/__sandbox/faults`, { rate429: 2 });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/rate429/);
		const unknown = await postJson(`${sandbox.url}/__sandbox/faults`, { rate999: 1 });
		expect(unknown.status).toBe(400);
		const cleared = await request(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
		expect(cleared.json.rate429).toBe(0);
		expect((await createRaw(sandbox, params)).status).toBe(201);
	});

	it('reset() restores the startup fault settings; clear() removes all', async () => {
		const slow = await startSandbox({ latencyMs: 30, jitterMs: 10 });
		try {
			expect(slow.faults.get()).toMatchObject({ latencyMs: 30, jitterMs: 10 });
			slow.faults.set({ latencyMs: 0, rate429: 1 });
			slow.reset();
			expect(slow.faults.get()).toMatchObject({ latencyMs: 30, jitterMs: 10, rate429: 0 });
			slow.faults.clear();
			expect(slow.faults.get()).toMatchObject({ latencyMs: 0, jitterMs: 0 });
		} finally {
			await slow.close();
		}
	});

	it('counts peak concurrency in maxInFlight', async () => {
		sandbox.faults.set({ latencyMs: 80 });
		await Promise.all(Array.from({ length: 6 }, () => request(listUrl(), { headers: auth })));
		const stats = sandbox.stats();
		expect(stats.maxInFlight).toBe(6);
		expect(stats.inFlight).toBe(0);
	});

	it('close() returns promptly even with a request parked in a latency sleep', async () => {
		const other = await startSandbox({ latencyMs: 10_000 });
		const pending = request(`${other.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`, { headers: auth }).catch((e: Error) => e);
		await new Promise((r) => setTimeout(r, 50));
		// Waiting out the 10 s latency would overrun jest's 5 s test timeout and fail this test.
		await other.close();
		// Errors from node:http come from another realm than jest's, so compare the message.
		expect(String(await pending)).toMatch(/socket hang up|ECONNRESET/);
	});
});
