/**
 * Every request Message Status sends (fetches, list pages with filters and PageToken, Resend email
 * retrieval), and every success the sandbox answers, checked against the official Twilio 2010 and
 * Resend OpenAPI specs.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { MAGIC_TO, NUMBER_MAIN, RESEND_FROM, RESEND_FULL_KEY, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { checkRecordedRequests } from '../support/contract';
import { MESSAGE_STATUS_NODE, runMessageStatus } from '../support/messageStatusWorkflows';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
import { sdk, waitFor } from '../sandbox/helpers';

let sandbox: Sandbox;
let specs: { twilio: OpenApiSpec; resend: OpenApiSpec };

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 10 });
	specs = { twilio: loadSpec('twilio_api_v2010.json'), resend: loadSpec('resend.json') };
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const specFor = (path: string) => (path.startsWith('/emails') ? specs.resend : specs.twilio);

describe('Message Status requests match the Twilio and Resend specs', () => {
	it('Get (with waiting) for a message, a call and an email', async () => {
		const twilio = sdk(sandbox);
		const sms = await twilio.messages.create({ to: MAGIC_TO.undelivered, from: NUMBER_MAIN.phoneNumber, body: 'x' });
		const call = await twilio.calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response><Say>x</Say></Response>' });
		const sent = await fetch(`${sandbox.url}/emails`, {
			method: 'POST',
			headers: { authorization: `Bearer ${RESEND_FULL_KEY.token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ from: RESEND_FROM, to: ['ada@example.com'], subject: 'x', text: 'x' }),
		});
		const email = ((await sent.json()) as { id: string }).id;
		const r = await runMessageStatus({
			baseUrl: sandbox.url,
			parameters: { operation: 'get', id: '={{ $json.id }}', waitForFinal: true, timeout: 5, options: { pollInterval: 0.02 } },
			items: [{ id: sms.sid }, { id: call.sid }, { id: email }],
		});
		expect(r.outputs(MESSAGE_STATUS_NODE).map((o) => o.json.status)).toEqual(['undelivered', 'completed', 'delivered']);
		const methods = sandbox.state.requests.map((q) => `${q.method} ${q.path.replace(/[A-Z]{2}[0-9a-f]{32}|[0-9a-f-]{36}/g, '{id}')}`);
		expect(methods).toEqual(expect.arrayContaining(['GET /2010-04-01/Accounts/{id}/Messages/{id}.json', 'GET /2010-04-01/Accounts/{id}/Calls/{id}.json', 'GET /emails/{id}']));
		expect(checkRecordedRequests(sandbox, specFor)).toBeGreaterThanOrEqual(6);
	});

	it('Get Many: filtered and paged message lists, conversations and call lists', async () => {
		const twilio = sdk(sandbox);
		for (let n = 0; n < 5; n++) await twilio.messages.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: `m${n}` });
		// The date filters match only messages that have a date_sent.
		await waitFor(() => ([...sandbox.state.messages.values()].every((m) => m.status === 'delivered') ? true : undefined));
		const run = (parameters: Record<string, unknown>) => runMessageStatus({ baseUrl: sandbox.url, parameters: parameters as never });
		const filtered = await run({ operation: 'getMany', resource: 'message', to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, dateSentAfter: '2020-01-01T00:00:00Z', dateSentBefore: '2099-01-01T00:00:00Z', returnAll: true, options: { pageSize: 2 } });
		expect(filtered.outputs(MESSAGE_STATUS_NODE)).toHaveLength(5);
		await run({ operation: 'getMany', resource: 'message', messageQuery: 'conversation', numberA: { __rl: true, mode: 'list', value: NUMBER_MAIN.phoneNumber }, numberB: SAMPLE_RECIPIENT, limit: 3, output: 'summary' });
		await run({ operation: 'getMany', resource: 'call', to: SAMPLE_RECIPIENT, callStatus: 'completed', limit: 10 });
		const lists = sandbox.state.requests.filter((q) => q.method === 'GET' && /\/(Messages|Calls)\.json$/.test(q.path));
		expect(lists.some((q) => q.query.PageToken !== undefined)).toBe(true);
		expect(lists.some((q) => q.query.Status?.[0] === 'completed')).toBe(true);
		expect(checkRecordedRequests(sandbox, specFor)).toBeGreaterThan(8);
	});
});
