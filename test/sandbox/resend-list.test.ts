/**
 * Resend's GET /emails (operationId emails/list) in the sandbox: newest first, cursor paging with
 * `after` and `before`, `limit` 1..100 (default 20); answers checked against Resend's spec.
 */
import { Resend } from 'resend';
import type { Sandbox } from '../../sandbox';
import { RESEND_FROM, RESEND_FULL_KEY, RESEND_SENDING_KEY } from '../../sandbox/fixtures';
import { loadSpec, validateRequest, validateResponse, type OpenApiSpec } from '../support/openapi';
import { request, useSandbox } from './helpers';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 20 }, (s) => (sandbox = s));
const spec: OpenApiSpec = loadSpec('resend.json');

const EMAIL = { from: RESEND_FROM, to: ['ada@example.com'], subject: 'Hello', text: 'Hi Ada' };

const list = (query = '', key = RESEND_FULL_KEY.token) => request(`${sandbox.url}/emails${query}`, { headers: { Authorization: `Bearer ${key}` } });

/** Sends `n` emails in one batch (stored in order, so the last is the newest); returns their ids, oldest first. */
async function send(n: number): Promise<string[]> {
	const res = await request(`${sandbox.url}/emails/batch`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(Array.from({ length: n }, (_, i) => ({ ...EMAIL, subject: `Email ${i}` }))),
	});
	expect(res.status).toBe(200);
	return (res.json.data as Array<{ id: string }>).map((d) => d.id);
}

/** A 200 list answer, checked against the spec (unknown properties included), as ids. */
function page(res: { status: number; json: { has_more: boolean; data: Array<{ id: string }> } }, path: string) {
	expect(res.status).toBe(200);
	const checked = validateResponse(spec, { method: 'GET', path, status: res.status, body: res.json, strictProperties: true });
	expect({ path, errors: checked.errors }).toEqual({ path, errors: [] });
	expect(checked.operationId).toBe('emails/list');
	return { hasMore: res.json.has_more, ids: res.json.data.map((e) => e.id) };
}

describe('sandbox: Resend GET /emails', () => {
	it('lists newest first in the spec’s Email shape, 20 by default', async () => {
		const ids = await send(25);
		const newestFirst = [...ids].reverse();
		const res = await list();
		expect(page(res, '/emails')).toEqual({ hasMore: true, ids: newestFirst.slice(0, 20) });
		expect(res.json.object).toBe('list');
		expect(res.json.data[0]).toEqual({
			object: 'email',
			id: ids[24],
			to: ['ada@example.com'],
			from: RESEND_FROM,
			created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+00$/),
			subject: 'Email 24',
			text: 'Hi Ada',
			bcc: [],
			cc: [],
			reply_to: [],
			last_event: expect.stringMatching(/^(queued|sent|delivered)$/),
		});
		expect(res.headers['ratelimit-limit']).toBe('5');
	});

	it('pages forward with `after` and back with `before`, the cursor left out', async () => {
		const newestFirst = (await send(25)).reverse();
		const first = page(await list('?limit=10'), '/emails?limit=10');
		expect(first).toEqual({ hasMore: true, ids: newestFirst.slice(0, 10) });
		const second = page(await list(`?limit=10&after=${first.ids[9]}`), `/emails?limit=10&after=${first.ids[9]}`);
		expect(second).toEqual({ hasMore: true, ids: newestFirst.slice(10, 20) });
		const third = page(await list(`?limit=10&after=${second.ids[9]}`), '/emails');
		expect(third).toEqual({ hasMore: false, ids: newestFirst.slice(20) });

		// Back from the second page: the 10 just newer than its first item, nothing newer beyond.
		expect(page(await list(`?limit=10&before=${second.ids[0]}`), '/emails')).toEqual({ hasMore: false, ids: first.ids });
		// A shorter step back leaves newer ones beyond it.
		expect(page(await list(`?limit=3&before=${third.ids[0]}`), '/emails')).toEqual({ hasMore: true, ids: newestFirst.slice(17, 20) });
		expect(page(await list(`?before=${newestFirst[0]}`), '/emails')).toEqual({ hasMore: false, ids: [] });
	});

	it('keeps its pages stable while new emails arrive', async () => {
		const newestFirst = (await send(6)).reverse();
		const first = page(await list('?limit=3'), '/emails');
		await send(2);
		expect(page(await list(`?limit=3&after=${first.ids[2]}`), '/emails')).toEqual({ hasMore: false, ids: newestFirst.slice(3) });
	});

	it('checks `limit` as the spec’s schema does (an integer 1..100), with Resend’s validation error', async () => {
		await send(2);
		for (const limit of ['1', '100']) {
			expect(validateRequest(spec, { method: 'GET', path: `/emails?limit=${limit}` }).errors).toEqual([]);
			expect(page(await list(`?limit=${limit}`), '/emails').ids.length).toBe(limit === '1' ? 1 : 2);
		}
		for (const limit of ['0', '101', '-1', 'abc', '1.5']) {
			expect({ limit, specErrors: validateRequest(spec, { method: 'GET', path: `/emails?limit=${limit}` }).errors.length > 0 }).toEqual({ limit, specErrors: true });
			const res = await list(`?limit=${limit}`);
			expect({ limit, status: res.status, body: res.json }).toEqual({
				limit,
				status: 422,
				body: { statusCode: 422, name: 'validation_error', message: 'The `limit` parameter must be an integer between 1 and 100.' },
			});
		}
	});

	it('refuses `after` with `before`, an unknown cursor, and sending-only keys', async () => {
		const [id] = await send(1);
		expect((await list(`?after=${id}&before=${id}`)).json).toEqual({ statusCode: 422, name: 'validation_error', message: 'You can only use either `after` or `before`, not both.' });
		expect((await list('?after=5a4db0c5-0000-4000-8000-000000000000')).json).toMatchObject({ statusCode: 422, name: 'validation_error' });
		const restricted = await list('', RESEND_SENDING_KEY.token);
		expect(restricted.status).toBe(401);
		expect(restricted.json.name).toBe('restricted_api_key');
		expect(sandbox.stats().requestsByRoute['resend.emails.list']).toBe(3);
	});

	it('answers the resend SDK’s emails.list', async () => {
		const ids = await send(3);
		const resend = new Resend(RESEND_FULL_KEY.token, { baseUrl: sandbox.url });
		const first = await resend.emails.list({ limit: 2 });
		expect(first.error).toBeNull();
		expect(first.data!.data.map((e) => e.id)).toEqual([ids[2], ids[1]]);
		expect(first.data!.has_more).toBe(true);
		const next = await resend.emails.list({ limit: 2, after: ids[1] });
		expect(next.data).toMatchObject({ object: 'list', has_more: false, data: [{ id: ids[0] }] });
	});
});
