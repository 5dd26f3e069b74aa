/**
 * Every request Send Email (through the resend SDK) and the credential test send, and every
 * success the sandbox answers, checked against Resend's official OpenAPI spec (../shared/specs).
 * Unknown JSON keys count as errors: Resend ignores them, which would hide a misspelt field.
 */
import type { ICredentialTestFunctions } from 'n8n-workflow';
import { Resend } from 'resend';
import { startSandbox, type Sandbox } from '../../sandbox';
import { RESEND_FULL_KEY, RESEND_SENDING_KEY } from '../../sandbox/fixtures';
import { resendApiTest } from '../../nodes/shared/resend/credentialTest';
import { checkRecordedRequests } from '../support/contract';
import { loadSpec, type OpenApiSpec } from '../support/openapi';
import { runEmailNode } from '../support/resendWorkflows';

let sandbox: Sandbox;
let spec: OpenApiSpec;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 20 });
	spec = loadSpec('resend.json');
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const checkRecorded = () => checkRecordedRequests(sandbox, () => spec);

const FAST = { maxPerSecond: 0 };

describe('Send Email requests match the Resend spec', () => {
	it.each([
		['text', { to: 'ada@example.com', subject: 'Hi', text: 'Body' }],
		['HTML and text', { to: 'ada@example.com', subject: 'Hi', bodyFormat: 'both', html: '<p>x</p>', text: 'x' }],
		[
			'every option',
			{
				from: 'Ops <ops@example.com>',
				to: 'ada@example.com, grace@example.com',
				subject: 'Hi',
				text: 'Body',
				options: {
					cc: 'cc@example.com',
					bcc: 'bcc@example.com',
					replyTo: 'help@example.com',
					tags: { values: [{ name: 'category', value: 'alert' }] },
					headers: { values: [{ name: 'X-Entity-Ref-ID', value: '7' }] },
					scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
					topicId: 'topic_123',
					idempotencyKey: 'contract-1',
					attachments: { values: [{ source: 'url', url: 'https://example.com/a.pdf', contentType: 'application/pdf', contentId: 'a' }] },
				},
			},
		],
	])('%s', async (_name, parameters) => {
		const r = await runEmailNode({ parameters: { ...parameters, options: { ...FAST, ...(parameters as { options?: object }).options } } as never, items: [{}], baseUrl: sandbox.url });
		expect(r.error).toBeUndefined();
		expect(checkRecorded()).toBe(1);
		expect(sandbox.state.requests[0].headers?.['idempotency-key']).toBeDefined();
	});

	it('binary attachments', async () => {
		const r = await runEmailNode({
			parameters: { to: 'ada@example.com', subject: 'Hi', text: 'Body', options: { ...FAST, binaryProperties: 'data' } } as never,
			items: [{ files: { data: { text: 'hello', fileName: 'a.txt', mimeType: 'text/plain' } } }],
			baseUrl: sandbox.url,
			withFiles: true,
		});
		expect(r.error).toBeUndefined();
		expect(checkRecorded()).toBe(1);
	});

	it('batch mode, strict and permissive', async () => {
		const items = Array.from({ length: 120 }, (_, i) => ({ to: `u${i}@example.com` }));
		for (const batchValidation of ['strict', 'permissive']) {
			const r = await runEmailNode({
				parameters: { batch: true, to: '={{ $json.to }}', subject: 'S', text: 'T', options: { ...FAST, batchValidation } } as never,
				items,
				baseUrl: sandbox.url,
			});
			expect(r.error).toBeUndefined();
		}
		expect(checkRecorded()).toBe(4);
		expect(sandbox.state.requests.map((r) => r.headers?.['x-batch-validation'])).toEqual(['strict', 'strict', 'permissive', 'permissive']);
	});

	it("the sandbox's retrieve, cancel and domains answers, and the credential test's request", async () => {
		const resend = new Resend(RESEND_FULL_KEY.token, { baseUrl: sandbox.url });
		const sent = await resend.emails.send({ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't', scheduledAt: 'in 1 hour' });
		await resend.emails.get(sent.data!.id);
		await resend.emails.cancel(sent.data!.id);
		await resend.domains.list();
		for (const apiKey of [RESEND_FULL_KEY.token, RESEND_SENDING_KEY.token]) {
			const result = await resendApiTest.call({} as ICredentialTestFunctions, { id: 'c', name: 'c', type: 'resendCommsApi', data: { apiKey, useCustomBaseUrl: true, baseUrl: sandbox.url } });
			expect(result.status).toBe('OK');
		}
		expect(checkRecorded()).toBe(6);
	});

	it("the sandbox's list answers (GET /emails), paged with the resend SDK", async () => {
		const resend = new Resend(RESEND_FULL_KEY.token, { baseUrl: sandbox.url });
		for (const subject of ['one', 'two', 'three']) await resend.emails.send({ from: 'a@example.com', to: 'b@example.com', subject, html: '<p>x</p>' });
		const first = await resend.emails.list({ limit: 2 });
		expect(first.data!.data.map((e) => e.subject)).toEqual(['three', 'two']);
		await resend.emails.list({ limit: 2, after: first.data!.data[1].id });
		await resend.emails.list({ before: first.data!.data[1].id });
		expect(checkRecorded()).toBe(6);
	});
});
