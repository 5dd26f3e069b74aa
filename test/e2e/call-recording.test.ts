/**
 * Call recordings in a real n8n: a Voice Message with Record on sends its Recording Status Callback
 * to an active Twilio Comms Trigger listening for "Recording Completed"; the trigger's workflow
 * downloads the recording with Message Status, and the file n8n holds (read back through n8n's REST
 * API: the execution's binary data) is byte for byte the sandbox's media.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'flatted';
import type { WorkflowJson } from '../../scripts/n8n/instance';
import { harnessFetch } from '../../scripts/n8n/http';
import { FULL_ACCOUNT } from '../../sandbox/fixtures';
import { latestExecution } from '../support/n8n/callAndWait';
import { settledExecutions } from '../support/n8n/executions';
import { useN8n } from './harness';

const n8n = useN8n();

// This file's own number: the sandbox is shared by every e2e file.
const CALLEE = '+15555550181';
const CREDENTIAL = { twilioCommsApi: { id: null, name: 'Twilio sandbox' } };

interface BinaryRef {
	id?: string;
	data?: string;
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
}
type Item = { json: Record<string, unknown>; binary?: Record<string, BinaryRef> };
type RunData = Record<string, Array<{ data?: { main: Item[][] } }>>;

function recordingTrigger(webhookId: string): WorkflowJson {
	return {
		name: `Recording completed ${n8n.tag()}`,
		nodes: [
			{
				name: 'Twilio Trigger',
				type: 'n8n-nodes-comms.twilioCommsTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { events: ['recordingCompleted'], setupMode: 'manual' },
				credentials: CREDENTIAL,
			},
			{
				name: 'Download',
				type: 'n8n-nodes-comms.messageStatus',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'downloadRecording', recordingSid: '={{ $json.recordingSid }}', format: 'mp3', options: {} },
				credentials: CREDENTIAL,
			},
		],
		connections: {
			'Twilio Trigger': { main: [[{ node: 'Download', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function recordedVoiceMessage(path: string, recordingUrl: string): WorkflowJson {
	return {
		name: `Recorded voice message ${path}`,
		nodes: [
			{
				name: 'Request',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: path,
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Voice Message',
				type: 'n8n-nodes-comms.voiceMessage',
				typeVersion: 1,
				position: [200, 0],
				parameters: {
					to: CALLEE,
					message: '=Recorded alert {{ $json.body.tag }}',
					options: { record: true, recordingStatusCallback: recordingUrl, recordingStatusCallbackEvent: ['completed'] },
				},
				credentials: CREDENTIAL,
			},
		],
		connections: { Request: { main: [[{ node: 'Voice Message', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function runDataOf(executionId: string): Promise<RunData> {
	const { data } = await n8n.rest.get<{ data: string }>(`/rest/executions/${executionId}`);
	return (parse(data.data) as { resultData: { runData: RunData } }).resultData.runData;
}

const outputOf = (runData: RunData, node: string): Item[] => runData[node]?.at(-1)?.data?.main[0] ?? [];

/** The file as n8n stores it: through the REST binary-data endpoint (filesystem mode), or inline base64. */
async function binaryBytes(ref: BinaryRef): Promise<Buffer> {
	if (!ref.id) return Buffer.from(ref.data ?? '', 'base64');
	const res = await harnessFetch(`${n8n.ctx.n8nUrl}/rest/binary-data?id=${encodeURIComponent(ref.id)}&action=download`, { headers: { cookie: n8n.ctx.authCookie } });
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

async function sandboxMedia(recordingSid: string): Promise<Buffer> {
	const auth = `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}`;
	const res = await fetch(`${n8n.ctx.sandboxUrl}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Recordings/${recordingSid}.mp3`, { headers: { authorization: auth } });
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toBe('audio/mpeg');
	return Buffer.from(await res.arrayBuffer());
}

describe('call recording: Voice Message → Recording Completed trigger → Message Status download', () => {
	it('the trigger gets the recording and the workflow holds its MP3 byte for byte', async () => {
		const webhookId = randomUUID();
		const triggerUrl = `${n8n.ctx.n8nUrl}/webhook/${webhookId}/webhook`;
		const trigger = await n8n.importWorkflow(recordingTrigger(webhookId), { activate: true });

		const path = `recorded-${randomUUID().slice(0, 8)}`;
		await n8n.importWorkflow(recordedVoiceMessage(path, triggerUrl), { activate: true });
		const tag = n8n.tag('rec');
		const placed = await n8n.webhook<{ sid: string; to: string }>(path, { tag });
		expect(placed.status).toBe(200);
		const callSid = placed.json.sid;
		expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);

		const done = await latestExecution(n8n, trigger.id, (s) => s === 'success' || s === 'error', 30_000);
		expect(done.status).toBe('success');
		const runData = await runDataOf(done.id);

		const [event] = outputOf(runData, 'Twilio Trigger');
		expect(event.json).toMatchObject({ event: 'recordingCompleted', callSid, status: 'completed', duration: 12, channels: 1, source: 'OutboundAPI', accountSid: FULL_ACCOUNT.sid });
		const recordingSid = String(event.json.recordingSid);
		expect(recordingSid).toMatch(/^RE[0-9a-f]{32}$/);
		expect(event.json.mediaUrl).toBe(`${n8n.ctx.sandboxUrl}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Recordings/${recordingSid}.mp3`);

		const expected = await sandboxMedia(recordingSid);
		const [downloaded] = outputOf(runData, 'Download');
		expect(downloaded.json).toMatchObject({ recordingSid, callSid, downloaded: true, format: 'mp3', mimeType: 'audio/mpeg', fileSize: expected.length });
		const file = downloaded.binary!.data;
		expect(file).toMatchObject({ mimeType: 'audio/mpeg', fileName: `${recordingSid}.mp3`, fileExtension: 'mp3' });
		expect((await binaryBytes(file)).equals(expected)).toBe(true);

		// The callback was signed and accepted once: one execution, and the sandbox saw a 200.
		const state = (await n8n.sandbox.state()) as unknown as { webhooks: Array<{ kind: string; recordingSid?: string; status: number | null; url: string }> };
		const hooks = state.webhooks.filter((w) => w.kind === 'recording-status' && w.recordingSid === recordingSid);
		expect(hooks.map((w) => [w.url, w.status])).toEqual([[triggerUrl, 200]]);
		expect(await settledExecutions(n8n, trigger.id, 1)).toBe(1);
	});
});
