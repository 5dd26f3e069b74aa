import * as fs from 'node:fs';
import { findOperation, loadSpec, specPath, toJsonSchema, validateRequest, validateResponse } from '../support/openapi';

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const MG = `MG${'0123456789abcdef'.repeat(2)}`;
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
const SM = `SM${'fedcba9876543210'.repeat(2)}`;

const twilio = loadSpec('twilio_api_v2010.json');
const resend = loadSpec('resend.json');

function post(form: Record<string, string | string[]>, path = MESSAGES) {
	return validateRequest(twilio, { method: 'POST', path, form });
}

/** A Message resource as Twilio returns it for a freshly queued SMS. */
function messageResource(overrides: Record<string, unknown> = {}) {
	return {
		account_sid: ACCOUNT,
		api_version: '2010-04-01',
		body: 'Your code is 123456',
		date_created: 'Sat, 21 Nov 2026 12:00:00 +0000',
		date_sent: null,
		date_updated: 'Sat, 21 Nov 2026 12:00:00 +0000',
		direction: 'outbound-api',
		error_code: null,
		error_message: null,
		from: '+14155550100',
		messaging_service_sid: null,
		num_media: '0',
		num_segments: '1',
		price: null,
		price_unit: 'USD',
		sid: SM,
		status: 'queued',
		subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SM}/Media.json` },
		to: '+14155550123',
		uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SM}.json`,
		...overrides,
	};
}

describe('loadSpec', () => {
	it('reads the shared specs from beside the repository', () => {
		expect(fs.existsSync(specPath('twilio_api_v2010.json'))).toBe(true);
		expect(loadSpec('twilio_api_v2010.json')).toBe(twilio);
		expect(twilio.operations.length).toBeGreaterThan(100);
	});

	it('prefers literal path segments over parameters', () => {
		expect(findOperation(resend, 'POST', '/emails/batch')?.entry.operationId).toBe('emails/send-batch');
		expect(findOperation(resend, 'GET', '/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c')?.entry.operationId).toBe('emails/get');
		expect(findOperation(twilio, 'GET', `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SM}.json`)?.pathParams).toEqual({
			AccountSid: ACCOUNT,
			Sid: SM,
		});
	});

	it('turns OpenAPI 3.0 nullable into JSON Schema', () => {
		expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
		expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({ type: ['string', 'null'], enum: ['a', null] });
		expect(toJsonSchema({ $ref: '#/components/schemas/x', nullable: true })).toEqual({
			anyOf: [{ $ref: 'spec#/components/schemas/x' }, { type: 'null' }],
		});
		expect(toJsonSchema({ type: 'string', format: 'uri', 'x-twilio': { ignoreFormat: true } })).not.toHaveProperty('format');
		expect(toJsonSchema({ type: 'object', properties: { nullable: { type: 'boolean' } } })).toEqual({
			type: 'object',
			properties: { nullable: { type: 'boolean' } },
		});
	});
});

describe('Twilio Messages create request', () => {
	it('accepts a complete, well-formed request', () => {
		const result = post({
			To: '+14155550123',
			From: '+14155550100',
			MessagingServiceSid: MG,
			Body: 'Hello 👋',
			MediaUrl: 'https://example.com/cat.jpg',
			StatusCallback: 'https://hooks.example.com/status',
			ValidityPeriod: '600',
			ShortenUrls: 'true',
			SendAt: '2026-11-21T12:30:00Z',
			ScheduleType: 'fixed',
			ContentSid: `HX${'a'.repeat(32)}`,
			ContentVariables: '{"1":"Alice"}',
		});
		expect(result).toEqual({ ok: true, operationId: 'CreateMessage', errors: [] });
	});

	it('accepts repeated MediaUrl keys and WhatsApp addresses', () => {
		expect(
			post({
				To: 'whatsapp:+14155550123',
				From: 'whatsapp:+14155550100',
				MediaUrl: ['https://example.com/1.png', 'https://example.com/2.png'],
			}).ok,
		).toBe(true);
	});

	it('ignores the host of a full URL', () => {
		const result = post({ To: '+14155550123', From: 'Acme', Body: 'x' }, `http://127.0.0.1:4010${MESSAGES}`);
		expect(result.ok).toBe(true);
	});

	it.each([
		['a missing To', { From: '+14155550100', Body: 'x' }, 'form: missing required "To"'],
		['a typo in a key', { To: '+14155550123', Bdoy: 'x' }, 'form: unknown parameter "Bdoy" (did you mean "Body"?)'],
		['a key in the wrong case', { To: '+14155550123', body: 'x' }, 'form: unknown parameter "body" (did you mean "Body"?)'],
		['a non-integer ValidityPeriod', { To: '+14155550123', ValidityPeriod: 'ten' }, 'form/ValidityPeriod: must be integer'],
		['a non-boolean ShortenUrls', { To: '+14155550123', ShortenUrls: 'yes' }, 'form/ShortenUrls: must be boolean'],
		['an unnormalized To', { To: '(415) 555-0123' }, 'form/To: "(415) 555-0123" must match format "phone-number"'],
		['a repeated To', { To: ['+14155550123', '+14155550124'] }, 'form/To: sent 2 times, but it is not an array parameter'],
		['a bad SendAt', { To: '+14155550123', SendAt: 'tomorrow' }, 'form/SendAt: "tomorrow" must match format "date-time"'],
		['a bad ScheduleType', { To: '+14155550123', ScheduleType: 'later' }, 'form/ScheduleType: "later" is not one of "fixed"'],
		['a relative StatusCallback', { To: '+14155550123', StatusCallback: 'hooks/status' }, 'form/StatusCallback: "hooks/status" must match format "uri"'],
		['a bad Messaging Service SID', { To: '+14155550123', MessagingServiceSid: 'MG123' }, 'form/MessagingServiceSid: must NOT have fewer than 34 characters'],
	])('rejects %s', (_name, form, expected) => {
		const result = post(form as Record<string, string | string[]>);
		expect(result.ok).toBe(false);
		expect(result.operationId).toBe('CreateMessage');
		expect(result.errors).toContain(expected);
	});

	it('reports every problem at once', () => {
		const result = post({ Bdoy: 'x', ValidityPeriod: 'x' });
		expect(result.errors).toEqual(
			expect.arrayContaining(['form: unknown parameter "Bdoy" (did you mean "Body"?)', 'form: missing required "To"']),
		);
		expect(result.errors.length).toBeGreaterThanOrEqual(3);
	});

	it('checks path parameters', () => {
		const result = post({ To: '+14155550123' }, '/2010-04-01/Accounts/AC123/Messages.json');
		expect(result.ok).toBe(false);
		expect(result.errors.some((e) => e.startsWith('path/AccountSid: '))).toBe(true);
	});

	it('rejects an unknown path, a wrong method and a JSON body', () => {
		expect(post({ To: '+1' }, `/2010-04-01/Accounts/${ACCOUNT}/Mesages.json`)).toEqual({
			ok: false,
			errors: [`no operation matches POST /2010-04-01/Accounts/${ACCOUNT}/Mesages.json in twilio_api_v2010.json`],
		});
		expect(validateRequest(twilio, { method: 'PUT', path: MESSAGES, form: { To: '+14155550123' } }).ok).toBe(false);
		const json = validateRequest(twilio, { method: 'POST', path: MESSAGES, json: { To: '+14155550123' } });
		expect(json.errors[0]).toMatch(/^json: CreateMessage does not take a JSON body/);
	});

	it('validates list queries', () => {
		const list = (query: Record<string, string>) => validateRequest(twilio, { method: 'GET', path: MESSAGES, query });
		expect(list({ To: '+14155550123', PageSize: '50', 'DateSent>': '2026-11-01T00:00:00Z' })).toEqual({
			ok: true,
			operationId: 'ListMessage',
			errors: [],
		});
		expect(list({ PageSize: 'fifty' }).errors).toContain('query/PageSize: must be integer');
		expect(list({ PageSize: '5000' }).errors).toContain('query/PageSize: must be <= 1000');
		expect(list({ Pagesize: '5' }).errors).toContain('query: unknown parameter "Pagesize" (did you mean "PageSize"?)');
		// Query strings in the path count too (a + in a query string is a space, so it is encoded).
		expect(validateRequest(twilio, { method: 'GET', path: `${MESSAGES}?To=%2B14155550123&Page=1` }).ok).toBe(true);
	});
});

describe('Twilio Message responses', () => {
	const created = (body: unknown, status = 201) => validateResponse(twilio, { method: 'POST', path: MESSAGES, status, body });

	it('accepts a realistic created message, including null fields', () => {
		expect(created(messageResource())).toEqual({ ok: true, operationId: 'CreateMessage', errors: [] });
		expect(created(messageResource({ status: 'delivered', price: '-0.00790', date_sent: 'Sat, 21 Nov 2026 12:00:02 +0000' })).ok).toBe(
			true,
		);
		expect(created(messageResource({ from: null, subresource_uris: null, body: null })).ok).toBe(true);
	});

	it.each([
		['an unknown status', { status: 'bogus' }, /^response\/status: "bogus" is not one of "queued"/],
		['a string error_code', { error_code: '30003' }, /^response\/error_code: must be integer,null$/],
		['an ISO date where RFC 2822 is expected', { date_created: '2026-11-21T12:00:00Z' }, /^response\/date_created: .* must match format "date-time-rfc-2822"$/],
		['a malformed sid', { sid: 'SM123' }, /^response\/sid: /],
		['a number for num_segments', { num_segments: 1 }, /^response\/num_segments: must be string,null$/],
	])('rejects %s', (_name, overrides, expected) => {
		const result = created(messageResource(overrides));
		expect(result.ok).toBe(false);
		expect(result.errors.some((e) => expected.test(e))).toBe(true);
	});

	it('rejects an undocumented status code', () => {
		expect(created(messageResource(), 200).errors).toEqual([
			'response: status 200 is not documented for CreateMessage (documented: 201)',
		]);
	});

	it('optionally reports undeclared properties', () => {
		const body = messageResource({ date_create: 'x' });
		expect(created(body).ok).toBe(true);
		expect(validateResponse(twilio, { method: 'POST', path: MESSAGES, status: 201, body, strictProperties: true }).errors).toEqual([
			'response: unknown property "date_create" (did you mean "date_created"?)',
		]);
	});

	it('validates list pages and empty 204 bodies', () => {
		const page = {
			first_page_uri: `${MESSAGES}?PageSize=50&Page=0`,
			end: 0,
			previous_page_uri: null,
			messages: [messageResource()],
			uri: `${MESSAGES}?PageSize=50&Page=0`,
			page_size: 50,
			start: 0,
			next_page_uri: null,
			page: 0,
		};
		expect(validateResponse(twilio, { method: 'GET', path: MESSAGES, status: 200, body: page }).ok).toBe(true);
		const broken = { ...page, messages: [messageResource({ direction: 'sideways' })] };
		expect(validateResponse(twilio, { method: 'GET', path: MESSAGES, status: 200, body: broken }).errors[0]).toMatch(
			/^response\/messages\/0\/direction: "sideways" is not one of/,
		);
		const one = `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SM}.json`;
		expect(validateResponse(twilio, { method: 'DELETE', path: one, status: 204, body: undefined }).ok).toBe(true);
		expect(validateResponse(twilio, { method: 'DELETE', path: one, status: 204, body: { a: 1 } }).ok).toBe(false);
	});
});

describe('Resend POST /emails', () => {
	const send = (json: unknown, headers?: Record<string, string>) =>
		validateRequest(resend, { method: 'POST', path: '/emails', json, headers });
	const email = {
		from: 'Acme <alerts@acme.example>',
		to: ['oncall@acme.example'],
		subject: 'Disk almost full',
		html: '<p>Disk at 93%</p>',
		text: 'Disk at 93%',
		reply_to: 'ops@acme.example',
		tags: [{ name: 'category', value: 'alert' }],
		headers: { 'X-Entity-Ref-ID': '123' },
		attachments: [{ filename: 'report.txt', content: 'aGVsbG8=' }],
	};

	it('accepts a well-formed email', () => {
		expect(send(email, { 'Idempotency-Key': 'item-0-abc', Authorization: 'Bearer re_x' })).toEqual({
			ok: true,
			operationId: 'emails/send',
			errors: [],
		});
		expect(send({ from: 'a@acme.example', to: 'b@acme.example', subject: 'Hi', text: 'x' }).ok).toBe(true);
	});

	it('rejects missing fields, too many recipients and wrong types', () => {
		const { subject: _omit, ...noSubject } = email;
		expect(send(noSubject).errors).toContain('json: missing required "subject"');
		const many = Array.from({ length: 51 }, (_, i) => `r${i}@acme.example`);
		expect(send({ ...email, to: many }).errors).toContain('json/to: must NOT have more than 50 items');
		expect(send({ ...email, tags: 'alert' }).errors).toContain('json/tags: must be array');
	});

	it('reports unknown keys, nested ones too', () => {
		const { reply_to: replyTo, ...rest } = email;
		expect(send({ ...rest, replyTo }).errors).toEqual(['json: unknown property "replyTo" (did you mean "reply_to"?)']);
		expect(send({ ...email, attachments: [{ fileName: 'a.txt', content: 'eA==' }] }).errors).toEqual([
			'json/attachments/0: unknown property "fileName" (did you mean "filename"?)',
		]);
	});

	it('checks declared headers and the body type', () => {
		expect(send(email, { 'idempotency-key': 'k'.repeat(257) }).errors).toContain(
			'header/idempotency-key: must NOT have more than 256 characters',
		);
		expect(validateRequest(resend, { method: 'POST', path: '/emails', form: { to: 'x' } }).errors[0]).toMatch(
			/^form: emails\/send does not take a form body/,
		);
	});

	it('validates batches and the send response', () => {
		expect(validateRequest(resend, { method: 'POST', path: '/emails/batch', json: [email, email] }).operationId).toBe(
			'emails/send-batch',
		);
		expect(validateRequest(resend, { method: 'POST', path: '/emails/batch', json: [email, email] }).ok).toBe(true);
		const ok = validateResponse(resend, { method: 'POST', path: '/emails', status: 200, body: { id: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c' } });
		expect(ok).toEqual({ ok: true, operationId: 'emails/send', errors: [] });
		expect(validateResponse(resend, { method: 'POST', path: '/emails', status: 200, body: { id: 42 } }).errors).toEqual([
			'response/id: must be string',
		]);
	});
});
