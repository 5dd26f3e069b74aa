/**
 * The compatibility set, run against each pinned n8n (n8n-runtime/ = 2.x, n8n-runtime-1.x/ = 1.x):
 * the packed package installs and loads, each action node runs once against the sandbox, both
 * credential tests pass, the trigger activates / answers a signed inbound SMS / restores the number,
 * and example workflows import, activate and run. Each version's file starts its own n8n.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import { credentialTypes, deactivateWorkflow, nodeTypes, testCredential, type SavedWorkflow, type WorkflowJson } from '../../scripts/n8n/instance';
import type { N8nLine } from '../../scripts/n8n/paths';
import { pinnedVersion } from '../../scripts/n8n/provision';
import { NUMBER_MAIN, NUMBER_SUPPORT, RESEND_FROM, SAMPLE_RECIPIENT, VERIFY_SERVICE } from '../../sandbox/fixtures';
import { useOwnN8n } from '../e2e/harness';
import { requestNode } from '../support/n8n/requestNode';
import type { SandboxCall } from '../support/n8n/sandboxClient';

const said = (call: SandboxCall) => call.sandbox.heard.flatMap((v) => (v.verb === 'Say' && v.text ? [v.text] : [])).join(' ');

export function compatibilitySuite(line: N8nLine): void {
	const version = pinnedVersion(line);
	const n8n = useOwnN8n({ line });

	/** Request (Webhook) → one of our nodes, answered with the node's output items. */
	async function runOnce<T = Record<string, unknown>>(type: string, parameters: Record<string, unknown>, body: Record<string, unknown> = {}): Promise<T[]> {
		const path = `compat-${type}-${randomUUID().slice(0, 8)}`;
		const credential: Record<string, { id: null; name: string }> = type === 'sendEmail' ? { resendCommsApi: { id: null, name: 'Resend sandbox' } } : { twilioCommsApi: { id: null, name: 'Twilio sandbox' } };
		const wf: WorkflowJson = {
			name: `compat ${line}: ${type}`,
			nodes: [requestNode(path), { name: 'Node', type: `n8n-nodes-comms.${type}`, typeVersion: 1, position: [200, 0], parameters, credentials: credential }],
			connections: { Request: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		const saved = await n8n.importWorkflow(wf, { activate: true });
		const res = await n8n.webhook<T[] | T>(path, body);
		if (res.status !== 200) throw new Error(`${type} on n8n ${version}: webhook answered ${res.status}: ${res.text}; the execution says: ${await lastError(saved.id)}`);
		return Array.isArray(res.json) ? res.json : [res.json];
	}

	/** The sandbox's record of a call once it has ended (it answers and plays the TwiML after the create). */
	async function finishedCall(sid: string): Promise<SandboxCall> {
		const deadline = Date.now() + 15_000;
		for (;;) {
			const call = (await n8n.sandbox.state()).calls.find((c) => c.sid === sid);
			if (call && ['completed', 'failed', 'busy', 'no-answer', 'canceled'].includes(call.status)) return call;
			if (Date.now() > deadline) throw new Error(`call ${sid} did not end within 15 s: ${JSON.stringify(call ?? null)}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	/** The node error of a workflow's newest execution, as the editor shows it. */
	async function lastError(workflowId: string): Promise<string> {
		const [latest] = await n8n.executions(workflowId);
		if (!latest) return '(no execution)';
		const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${latest.id}`);
		const run = parse(data.data) as { resultData: { error?: { message?: string; description?: string } } };
		return JSON.stringify(run.resultData.error ?? null);
	}

	describe(`n8n ${version} (${line})`, () => {
		it(`is the n8n ${version} that n8n-runtime${line === '2.x' ? '' : `-${line}`}/ pins`, async () => {
			const { data } = await n8n.rest.get<{ versionCli: string }>('/rest/settings');
			expect(data.versionCli).toBe(version);
		});

		it('loads every node and credential type of the package, installed from its tarball, and offers the action nodes as AI tools', async () => {
			const names = new Set((await nodeTypes(n8n.rest)).map((t) => t.name));
			expect(n8n.ctx.pkg.nodeTypes).toHaveLength(7);
			for (const type of n8n.ctx.pkg.nodeTypes) expect(names).toContain(type);
			for (const tool of ['sendSms', 'voiceMessage', 'outboundCall', 'sendEmail', 'messageStatus', 'verifyPhone']) expect(names).toContain(`n8n-nodes-comms.${tool}Tool`);
			const creds = new Set((await credentialTypes(n8n.rest)).map((c) => c.name));
			expect(n8n.ctx.pkg.credentialTypes.sort()).toEqual(['resendCommsApi', 'twilioCommsApi']);
			for (const type of n8n.ctx.pkg.credentialTypes) expect(creds).toContain(type);
		});

		it('both credential tests pass against the sandbox', async () => {
			expect(await testCredential(n8n.rest, n8n.ctx.credentials.twilio)).toEqual({ status: 'OK', message: expect.stringMatching(/Sandbox Full Account/) });
			expect(await testCredential(n8n.rest, n8n.ctx.credentials.resend)).toEqual({ status: 'OK', message: expect.stringMatching(/full-access/) });
		});

		describe('each action node runs once', () => {
			let smsSid = '';

			it('Send SMS', async () => {
				const text = n8n.tag('sms');
				const [out] = await runOnce('sendSms', { to: SAMPLE_RECIPIENT, body: text, options: {} });
				expect(out).toMatchObject({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: text });
				smsSid = String(out.sid);
				expect(smsSid).toMatch(/^SM[0-9a-f]{32}$/);
				expect(await n8n.sandbox.messages((m) => m.body === text)).toEqual([expect.objectContaining({ sid: smsSid, to: SAMPLE_RECIPIENT })]);
			});

			it('Message Status (of that SMS)', async () => {
				expect(smsSid).not.toBe('');
				const [out] = await runOnce('messageStatus', { operation: 'get', channel: 'message', id: smsSid, waitForFinal: true, timeout: 30, options: {} });
				expect(out).toMatchObject({ id: smsSid, channel: 'sms', status: 'delivered', isFinal: true, isSuccess: true, to: SAMPLE_RECIPIENT });
			});

			it('Voice Message', async () => {
				const text = n8n.tag('voice');
				const [out] = await runOnce('voiceMessage', { to: SAMPLE_RECIPIENT, message: text, options: {} });
				expect(out).toMatchObject({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, direction: 'outbound-api' });
				expect(said(await finishedCall(String(out.sid)))).toBe(text);
			});

			it('Outbound Call (inline TwiML)', async () => {
				const text = n8n.tag('call');
				const twiml = `<Response><Say voice="Polly.Joanna">${text}</Say></Response>`;
				const [out] = await runOnce('outboundCall', { to: SAMPLE_RECIPIENT, instructions: 'twiml', twiml, options: {} });
				expect(out).toMatchObject({ to: SAMPLE_RECIPIENT, instructions: 'twiml' });
				expect(said(await finishedCall(String(out.sid)))).toBe(text);
			});

			it('Send Email', async () => {
				const subject = n8n.tag('email');
				const [out] = await runOnce('sendEmail', { to: 'ops@example.com', subject, text: 'compatibility', options: {} });
				expect(out).toMatchObject({ from: RESEND_FROM, to: ['ops@example.com'], subject });
				expect(await n8n.sandbox.emails((e) => e.subject === subject)).toEqual([expect.objectContaining({ id: out.id, text: 'compatibility' })]);
			});

			it('Verify Phone (send a code)', async () => {
				const [out] = await runOnce('verifyPhone', {
					operation: 'sendCode',
					verifyService: { __rl: true, mode: 'id', value: VERIFY_SERVICE.sid },
					channel: 'sms',
					to: SAMPLE_RECIPIENT,
					options: {},
				});
				expect(out).toMatchObject({ status: 'pending', valid: false, to: SAMPLE_RECIPIENT, channel: 'sms', serviceSid: VERIFY_SERVICE.sid });
				expect(String(out.sid)).toMatch(/^VE[0-9a-f]{32}$/);
			});
		});

		describe('Twilio Comms Trigger', () => {
			let wf: SavedWorkflow;
			const webhookId = randomUUID();
			const previous = 'https://previous.example.com/sms';

			it("activation points the number's SMS webhook at n8n", async () => {
				await n8n.sandbox.twilio(`/2010-04-01/Accounts/${NUMBER_SUPPORT.accountSid}/IncomingPhoneNumbers/${NUMBER_SUPPORT.sid}.json`, { SmsUrl: previous, SmsMethod: 'POST' });
				wf = await n8n.importWorkflow(
					{
						name: `compat ${line}: trigger`,
						nodes: [
							{
								name: 'Twilio Trigger',
								type: 'n8n-nodes-comms.twilioCommsTrigger',
								typeVersion: 1,
								position: [0, 0],
								webhookId,
								parameters: {
									events: ['incomingSms'],
									phoneNumber: { __rl: true, mode: 'list', value: NUMBER_SUPPORT.phoneNumber },
									smsReply: 'text',
									replyText: '=Got it: {{ $json.body.Body }}',
								},
								credentials: { twilioCommsApi: { id: null, name: 'Twilio sandbox' } },
							},
						],
						connections: {},
						settings: { executionOrder: 'v1' },
					},
					{ activate: true },
				);
				expect((await n8n.sandbox.number(NUMBER_SUPPORT.phoneNumber)).sms_url).toBe(`${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`);
			});

			it('answers a signed inbound SMS with its TwiML reply, and refuses a forged one', async () => {
				const text = n8n.tag('inbound');
				const { data } = await n8n.sandbox.inboundSms({ from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: text });
				expect(data.status).toBe(200);
				expect(data.replies.map((r) => r.body)).toEqual([`Got it: ${text}`]);
				const forged = await n8n.sandbox.post<{ status: number; replies: unknown[] }>('/__sandbox/inbound/sms', { from: SAMPLE_RECIPIENT, to: NUMBER_SUPPORT.phoneNumber, body: 'forged', tamper: true });
				expect(forged.data).toMatchObject({ status: 403, replies: [] });
			});

			it('deactivation restores the previous SMS webhook', async () => {
				wf = await deactivateWorkflow(n8n.rest, wf);
				expect(await n8n.sandbox.number(NUMBER_SUPPORT.phoneNumber)).toMatchObject({ sms_url: previous, sms_method: 'POST' });
			});
		});

		describe('example workflows', () => {
			it('every example imports, and those with a trigger are active', () => {
				const imported = Object.values(n8n.ctx.workflows);
				expect(imported.map((w) => w.file.split('/').pop()).sort()).toEqual(expect.arrayContaining(['agent-notification.json', 'cron-voice-alert.json', 'inbound-sms-reply.json']));
				for (const wf of imported) expect({ file: wf.file, active: wf.active }).toEqual({ file: wf.file, active: true });
			});

			it('cron-voice-alert.json: a failing URL gets the on-call number called and a summary emailed', async () => {
				const url = `${n8n.ctx.sandboxUrl}/${n8n.tag('no-such-page')}`;
				const res = await n8n.webhook<{ status: string; call: { id: string; status: string }; email: { id: string } }>('health-check', { url, oncall: '+15555550142', email: 'ops@example.com' });
				expect(res.status).toBe(200);
				expect(res.json).toMatchObject({ status: 'down', call: { status: 'completed' } });
				const calls = (await n8n.sandbox.state()).calls.filter((c) => said(c).includes(url));
				expect(calls.map((c) => c.sid)).toEqual([res.json.call.id]);
				expect(await n8n.sandbox.emails((e) => e.subject === `Health check failed: ${url}`)).toEqual([expect.objectContaining({ id: res.json.email.id })]);
			});

			it("agent-notification.json: n8n's AI Agent texts through our Send SMS tool", async () => {
				const text = n8n.tag('agent');
				const res = await n8n.webhook<{ output: string }>('notify', { request: `text ${SAMPLE_RECIPIENT} that ${text}` });
				expect(res.status).toBe(200);
				const sent = await n8n.sandbox.messages((m) => m.body === text);
				expect(sent).toEqual([expect.objectContaining({ to: SAMPLE_RECIPIENT, direction: 'outbound-api' })]);
				expect(res.json.output).toContain(sent[0].sid);
			});
		});
	});
}
