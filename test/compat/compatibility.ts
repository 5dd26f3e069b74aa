/**
 * The compatibility set, run against each pinned n8n (n8n-runtime/ = 2.x, n8n-runtime-1.x/ = 1.x):
 * the packed package installs and loads, each action node runs once against the sandbox, both
 * credential tests pass, the Twilio trigger activates / answers a signed inbound SMS / restores the
 * number and gets a call's Recording Completed event (its workflow downloads the MP3 as binary data),
 * the Email Events Trigger creates its Resend webhook / runs on a signed event / deletes it, and
 * example workflows import, activate and run. Each version's file starts its own n8n.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import { credentialTypes, deactivateWorkflow, nodeTypes, testCredential, type SavedWorkflow, type WorkflowJson } from '../../scripts/n8n/instance';
import type { N8nLine } from '../../scripts/n8n/paths';
import { pinnedVersion } from '../../scripts/n8n/provision';
import { FULL_ACCOUNT, LOOKUP_NUMBERS, NUMBER_MAIN, NUMBER_SUPPORT, RESEND_FROM, RESEND_FULL_KEY, SAMPLE_RECIPIENT, VERIFY_SERVICE } from '../../sandbox/fixtures';
import { useOwnN8n } from '../e2e/harness';
import { requestNode } from '../support/n8n/requestNode';
import type { SandboxCall } from '../support/n8n/sandboxClient';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TWILIO_CREDENTIAL = { twilioCommsApi: { id: null, name: 'Twilio sandbox' } };

type Item = { json: Record<string, unknown>; binary?: Record<string, { mimeType: string; fileName?: string }> };

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

	/** The items a node of an execution put out, as the editor shows them. */
	async function nodeOutput(executionId: string, node: string): Promise<Item[]> {
		const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${executionId}`);
		const run = parse(data.data) as { resultData: { runData: Record<string, Array<{ data?: { main: Item[][] } }>> } };
		return run.resultData.runData[node]?.at(-1)?.data?.main[0] ?? [];
	}

	/** The workflow's newest execution once it has ended. */
	async function finishedExecution(workflowId: string, timeoutMs = 30_000): Promise<{ id: string; status: string }> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const [latest] = await n8n.executions(workflowId);
			if (latest && ['success', 'error', 'crashed', 'canceled'].includes(latest.status)) return latest;
			if (Date.now() > deadline) throw new Error(`no finished execution of ${workflowId} within ${timeoutMs} ms: ${JSON.stringify(latest ?? null)}`);
			await sleep(150);
		}
	}

	/** The sandbox's Twilio and Resend APIs directly, as the vendor's dashboard would show them. */
	async function vendor<T = Record<string, unknown>>(path: string, auth: 'twilio' | 'resend', init: { method?: string } = {}): Promise<{ status: number; body: T }> {
		const authorization = auth === 'twilio' ? `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}` : `Bearer ${RESEND_FULL_KEY.token}`;
		const res = await fetch(`${n8n.ctx.sandboxUrl}${path}`, { method: init.method ?? 'GET', headers: { authorization } });
		return { status: res.status, body: (await res.json()) as T };
	}

	describe(`n8n ${version} (${line})`, () => {
		it(`is the n8n ${version} that n8n-runtime${line === '2.x' ? '' : `-${line}`}/ pins`, async () => {
			const { data } = await n8n.rest.get<{ versionCli: string }>('/rest/settings');
			expect(data.versionCli).toBe(version);
		});

		it('loads every node and credential type of the package, installed from its tarball, and offers the action nodes as AI tools', async () => {
			const names = new Set((await nodeTypes(n8n.rest)).map((t) => t.name));
			expect(n8n.ctx.pkg.nodeTypes).toHaveLength(9);
			expect(n8n.ctx.pkg.nodeTypes).toEqual(expect.arrayContaining(['n8n-nodes-comms.lookUpPhone', 'n8n-nodes-comms.emailEventsTrigger']));
			for (const type of n8n.ctx.pkg.nodeTypes) expect(names).toContain(type);
			for (const tool of ['sendSms', 'voiceMessage', 'outboundCall', 'sendEmail', 'messageStatus', 'verifyPhone', 'lookUpPhone']) expect(names).toContain(`n8n-nodes-comms.${tool}Tool`);
			// Triggers are not offered as tools.
			for (const trigger of ['twilioCommsTrigger', 'emailEventsTrigger']) expect(names).not.toContain(`n8n-nodes-comms.${trigger}Tool`);
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

			it('Look Up Phone (with Line Type Intelligence)', async () => {
				const [out] = await runOnce('lookUpPhone', { phoneNumber: LOOKUP_NUMBERS.landline, dataPackages: ['line_type_intelligence'], options: {} });
				expect(out).toMatchObject({ valid: true, phoneNumber: LOOKUP_NUMBERS.landline, countryCode: 'US', lineType: 'landline', isLandline: true, isMobile: false });
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

		describe('call recordings', () => {
			it('a recorded Voice Message: the Twilio Comms Trigger gets Recording Completed, its workflow downloads the MP3, and Message Status lists the recording', async () => {
				const webhookId = randomUUID();
				const trigger = await n8n.importWorkflow(
					{
						name: `compat ${line}: recording completed`,
						nodes: [
							{
								name: 'Twilio Trigger',
								type: 'n8n-nodes-comms.twilioCommsTrigger',
								typeVersion: 1,
								position: [0, 0],
								webhookId,
								parameters: { events: ['recordingCompleted'], setupMode: 'manual' },
								credentials: TWILIO_CREDENTIAL,
							},
							{
								name: 'Download',
								type: 'n8n-nodes-comms.messageStatus',
								typeVersion: 1,
								position: [200, 0],
								parameters: { operation: 'downloadRecording', recordingSid: '={{ $json.recordingSid }}', format: 'mp3', options: {} },
								credentials: TWILIO_CREDENTIAL,
							},
						],
						connections: { 'Twilio Trigger': { main: [[{ node: 'Download', type: 'main', index: 0 }]] } },
						settings: { executionOrder: 'v1' },
					},
					{ activate: true },
				);
				const text = n8n.tag('recorded');
				const [call] = await runOnce('voiceMessage', {
					to: SAMPLE_RECIPIENT,
					message: text,
					options: { record: true, recordingStatusCallback: `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`, recordingStatusCallbackEvent: ['completed'] },
				});
				const callSid = String(call.sid);
				expect(said(await finishedCall(callSid))).toBe(text);

				const done = await finishedExecution(trigger.id);
				expect({ status: done.status, error: done.status === 'success' ? null : await lastError(trigger.id) }).toEqual({ status: 'success', error: null });
				const [event] = await nodeOutput(done.id, 'Twilio Trigger');
				expect(event.json).toMatchObject({ event: 'recordingCompleted', callSid, status: 'completed' });
				const recordingSid = String(event.json.recordingSid);
				expect(recordingSid).toMatch(/^RE[0-9a-f]{32}$/);
				const [downloaded] = await nodeOutput(done.id, 'Download');
				expect(downloaded.json).toMatchObject({ recordingSid, callSid, downloaded: true, format: 'mp3', mimeType: 'audio/mpeg', fileSize: expect.any(Number) });
				expect(Number(downloaded.json.fileSize)).toBeGreaterThan(0);
				expect(downloaded.binary?.data).toMatchObject({ mimeType: 'audio/mpeg', fileName: `${recordingSid}.mp3` });

				const listed = await runOnce('messageStatus', { operation: 'listRecordings', callSid, options: {} });
				expect(listed).toEqual([expect.objectContaining({ recordingSid, callSid, status: 'completed', isReady: true })]);
				await deactivateWorkflow(n8n.rest, trigger);
			});
		});

		describe('Email Events Trigger', () => {
			let wf: SavedWorkflow;
			const webhookId = randomUUID();
			const url = () => `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`;
			const ours = async () => (await vendor<{ data: Array<{ id: string; endpoint: string; events: string[] }> }>('/webhooks?limit=100', 'resend')).body.data.filter((w) => w.endpoint === url());

			it('activation creates the Resend webhook for the production URL and the chosen events', async () => {
				wf = await n8n.importWorkflow(
					{
						name: `compat ${line}: email events`,
						nodes: [
							{
								name: 'Email Events Trigger',
								type: 'n8n-nodes-comms.emailEventsTrigger',
								typeVersion: 1,
								position: [0, 0],
								webhookId,
								parameters: { events: ['email.sent'] },
								credentials: { resendCommsApi: { id: null, name: 'Resend sandbox' } },
							},
						],
						connections: {},
						settings: { executionOrder: 'v1' },
					},
					{ activate: true },
				);
				expect((await ours()).map((w) => w.events)).toEqual([['email.sent']]);
			});

			it("a sent email's signed event starts the workflow with the flat output", async () => {
				const subject = n8n.tag('email-event');
				const [sent] = await runOnce('sendEmail', { to: 'ops@example.com', subject, text: 'compatibility', options: {} });
				// Other emails of this n8n reach the webhook too: wait for this one's event.
				const deadline = Date.now() + 20_000;
				let item: Record<string, unknown> | undefined;
				while (!item && Date.now() < deadline) {
					for (const e of (await n8n.executions(wf.id)).filter((x) => x.status === 'success')) {
						const [out] = await nodeOutput(e.id, 'Email Events Trigger');
						if (out?.json.emailId === sent.id) item = out.json;
					}
					if (!item) await sleep(200);
				}
				expect(item).toMatchObject({ type: 'email.sent', emailId: sent.id, subject, from: RESEND_FROM, to: ['ops@example.com'] });
			});

			it('deactivation deletes the webhook', async () => {
				wf = await deactivateWorkflow(n8n.rest, wf);
				expect(await ours()).toEqual([]);
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
