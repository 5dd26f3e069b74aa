/** The reply router's registry and its signed requests (nodes/shared/twilio/replyRouting.ts). */
import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardReply, readRegistration, registrationRequest, rememberWait, takeWait } from '../../nodes/shared/twilio/replyRouting';
import { matchChoice, parseChoices } from '../../nodes/SendSms/reply';

const N = '+15555550101';
const wait = (recipient: string, url: string, expiresAt = 10_000) => ({ number: N, recipient, resumeUrl: url, expiresAt });

describe('reply registry', () => {
	it('keeps one wait per (number, recipient), the latest winning, and hands each out once', () => {
		const data: IDataObject = {};
		rememberWait(data, wait('+1111', 'https://n8n/a'), 1);
		rememberWait(data, wait('+2222', 'https://n8n/b'), 2);
		rememberWait(data, wait('+1111', 'https://n8n/c'), 3);
		expect(takeWait(data, N, '+1111', 4)).toBe('https://n8n/c');
		expect(takeWait(data, N, '+1111', 5)).toBeUndefined();
		expect(takeWait(data, N, '+2222', 6)).toBe('https://n8n/b');
		expect(takeWait(data, '+19999', '+2222', 7)).toBeUndefined();
	});

	it('two requests that began with the same old copy both keep their registration (same process)', () => {
		const before: IDataObject = {};
		const copyA: IDataObject = { ...before };
		const copyB: IDataObject = { ...before };
		rememberWait(copyA, wait('+3333', 'https://n8n/x'), 10);
		rememberWait(copyB, wait('+4444', 'https://n8n/y'), 11);
		// The copy saved last holds both; one taken stays taken even when an older copy still lists it.
		expect(Object.keys(copyB.replyWaits as object).sort()).toEqual([`${N}|+3333`, `${N}|+4444`]);
		expect(takeWait({ ...copyB }, N, '+3333', 12)).toBe('https://n8n/x');
		expect(takeWait({ ...copyA }, N, '+3333', 13)).toBeUndefined();
	});

	it('forgets waits once they expire', () => {
		const data: IDataObject = {};
		rememberWait(data, wait('+5555', 'https://n8n/z', 100), 50);
		expect(takeWait(data, N, '+5555', 101)).toBeUndefined();
	});
});

describe('registration request', () => {
	it('is signed as Twilio signs a JSON webhook (bodySHA256), checked with the twilio SDK, and reads back', () => {
		const r = registrationRequest('https://n8n.example.com/webhook/abc/webhook', 'token-1', wait('+6666', 'https://n8n/resume?signature=s', 1234));
		expect(new URL(r.url).searchParams.get('bodySHA256')).toBe(createHash('sha256').update(r.body).digest('hex'));
		expect(validateRequestWithBody('token-1', r.signature, r.url, r.body)).toBe(true);
		expect(validateRequestWithBody('token-2', r.signature, r.url, r.body)).toBe(false);
		expect(readRegistration(JSON.parse(r.body) as Record<string, string>)).toEqual(wait('+6666', 'https://n8n/resume?signature=s', 1234));
		expect(readRegistration({ MessageSid: 'SM1', Body: 'hi' })).toBeUndefined();
	});
});

describe('choices', () => {
	it('match ignoring case and spaces, and anything else is no choice', () => {
		const choices = parseChoices(' YES, No ,, 1 ');
		expect(choices).toEqual(['YES', 'No', '1']);
		expect(matchChoice('yes', choices)).toBe('YES');
		expect(matchChoice('  NO ', choices)).toBe('No');
		expect(matchChoice('1', choices)).toBe('1');
		expect(matchChoice('yes please', choices)).toBeNull();
		expect(matchChoice('anything', [])).toBeNull();
	});
});

describe('forwardReply: a reply handed to the waiting execution', () => {
	const listen = (answer: (res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string }> =>
		new Promise((resolve) => {
			const server = createServer((req, res) => {
				req.resume();
				req.on('end', () => answer(res));
			});
			server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook-waiting/1/node` }));
		});

	it('n8n slower than the timeout: unanswered, so the trigger must not run its workflow for the reply too', async () => {
		const { server, url } = await listen((res) => setTimeout(() => res.end('<Response/>'), 1000));
		try {
			expect(await forwardReply(url, 'token', { From: '+15555550101', Body: 'YES' }, 200)).toMatchObject({ status: 0, unanswered: true });
		} finally {
			server.closeAllConnections();
			server.close();
		}
	});

	it('nothing listening: not sent, so the reply is handled as any other SMS', async () => {
		const { server, url } = await listen((res) => res.end());
		await new Promise((r) => server.close(r));
		expect(await forwardReply(url, 'token', { From: '+15555550101', Body: 'YES' }, 2000)).toMatchObject({ status: 0, unanswered: false });
	});

	it('answered: the status and body come back', async () => {
		const { server, url } = await listen((res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>'));
		try {
			expect(await forwardReply(url, 'token', { From: '+15555550101', Body: 'YES' })).toEqual({ status: 200, contentType: 'text/xml', body: '<Response/>' });
		} finally {
			server.close();
		}
	});
});
