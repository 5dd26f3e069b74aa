/*
 * Message Status's recording operations in n8n-core's WorkflowExecute against the sandbox: List Call
 * Recordings (one flat item per recording), Download Recording as n8n binary data byte-exact with the
 * sandbox's media in MP3 and WAV, bad SIDs naming field, value and item, Continue On Fail, a
 * recording that does not exist (NodeApiError 20404) or is not ready yet, and the node as an AI tool.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { MessageStatus } from '../../nodes/MessageStatus/MessageStatus.node';
import type { EngineResult } from '../support/engine';
import { MESSAGE_STATUS_NODE as NODE, runMessageStatus } from '../support/messageStatusWorkflows';
import { CREDENTIAL_TYPES, TWILIO_CREDENTIAL_REF, twilioCredential } from '../support/twilioWorkflows';
import { sdk, waitFor, type TwilioClient } from '../sandbox/helpers';
import { asAiTool, runAgentWorkflow } from './toolAgent';

let sandbox: Sandbox;
let twilio: TwilioClient;

beforeAll(async () => {
	sandbox = await startSandbox({ statusStepMs: 15 });
	twilio = sdk(sandbox);
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.reset());

const AUTH = `Basic ${Buffer.from(`${FULL_ACCOUNT.sid}:${FULL_ACCOUNT.authToken}`).toString('base64')}`;

const run = (parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) =>
	runMessageStatus({ baseUrl: sandbox.url, parameters, items, continueOnFail, credentials: ['twilio'] });
const json = (r: EngineResult) => r.outputs(NODE).map((o) => o.json);
const paired = (r: EngineResult) => r.outputs(NODE).map((o) => (o.pairedItem as { item: number }).item);

async function recordedCall(): Promise<{ callSid: string; recordingSid: string }> {
	const call = await twilio.calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response><Say>Hi</Say></Response>', record: true });
	const rec = await waitFor(() => [...sandbox.state.recordings.values()].find((r) => r.callSid === call.sid && r.status === 'completed'), 3000, `recording of ${call.sid}`);
	return { callSid: call.sid, recordingSid: rec.sid };
}

/** The bytes the sandbox serves for a recording, fetched directly: what n8n must hold exactly. */
async function sandboxMedia(sid: string, ext: 'mp3' | 'wav'): Promise<Buffer> {
	const res = await fetch(`${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Recordings/${sid}.${ext}`, { headers: { authorization: AUTH } });
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

const download = (extra: INodeParameters = {}): INodeParameters => ({ operation: 'downloadRecording', recordingSid: '={{ $json.recordingSid }}', ...extra });

describe('List Call Recordings', () => {
	it('outputs one flat item per recording of each call, paired with its input; a call without recordings outputs none', async () => {
		const a = await recordedCall();
		const b = await recordedCall();
		const plain = await twilio.calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response/>' });
		const r = await run({ operation: 'listRecordings', callSid: '={{ $json.callSid }}' }, [{ callSid: a.callSid }, { callSid: plain.sid }, { callSid: b.callSid }]);
		expect(r.error).toBeUndefined();
		expect(paired(r)).toEqual([0, 2]);
		const [first, second] = json(r);
		expect(first).toEqual({
			recordingSid: a.recordingSid,
			callSid: a.callSid,
			accountSid: FULL_ACCOUNT.sid,
			conferenceSid: null,
			status: 'completed',
			isReady: true,
			duration: 12,
			channels: 1,
			source: 'OutboundAPI',
			startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			dateCreated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			dateUpdated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			price: -0.0025,
			priceUnit: 'USD',
			errorCode: null,
			mediaUrl: `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Recordings/${a.recordingSid}.mp3`,
			mediaUrlWav: `${sandbox.url}/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Recordings/${a.recordingSid}.wav`,
		});
		expect(second.recordingSid).toBe(b.recordingSid);
		// Twilio's account-level list, filtered by the call.
		const lists = sandbox.state.requests.filter((q) => q.route === 'twilio.recordings.list');
		expect(lists.map((q) => q.query.CallSid?.[0])).toEqual(expect.arrayContaining([a.callSid, plain.sid, b.callSid]));
	});

	it('Include Raw adds the Recording resource', async () => {
		const a = await recordedCall();
		const r = await run({ operation: 'listRecordings', callSid: a.callSid, options: { includeRaw: true } });
		expect(json(r)[0].raw).toMatchObject({ sid: a.recordingSid, callSid: a.callSid, status: 'completed' });
	});
});

describe('Download Recording', () => {
	it.each(['mp3', 'wav'] as const)('puts the %s in binary data, byte-exact with the sandbox media, with the metadata in json', async (format) => {
		const rec = await recordedCall();
		const r = await run(download({ format }), [rec]);
		expect(r.error).toBeUndefined();
		const [item] = r.outputs(NODE);
		const expected = await sandboxMedia(rec.recordingSid, format);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			recordingSid: rec.recordingSid,
			callSid: rec.callSid,
			status: 'completed',
			duration: 12,
			format,
			mimeType: format === 'mp3' ? 'audio/mpeg' : 'audio/x-wav',
			fileName: `${rec.recordingSid}.${format}`,
			fileSize: expected.length,
			binaryPropertyName: 'data',
			downloaded: true,
		});
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: format === 'mp3' ? 'audio/mpeg' : 'audio/x-wav', fileName: `${rec.recordingSid}.${format}`, fileExtension: format });
		expect(Buffer.from(binary.data, 'base64').equals(expected)).toBe(true);
		// Metadata first (in the spec), then the media, both with the credential's auth.
		const routes = sandbox.state.requests.filter((q) => q.route.startsWith('twilio.recordings')).map((q) => [q.route, q.path.split('/').pop(), q.authUser]);
		expect(routes).toEqual([
			['twilio.recordings.fetch', `${rec.recordingSid}.json`, FULL_ACCOUNT.sid],
			['twilio.recordings.media', `${rec.recordingSid}.${format}`, FULL_ACCOUNT.sid],
			['twilio.recordings.media', `${rec.recordingSid}.${format}`, FULL_ACCOUNT.sid],
		]);
	});

	it('takes the binary field and the file name from the options; several items download in order', async () => {
		const a = await recordedCall();
		const b = await recordedCall();
		const r = await run(download({ binaryPropertyName: 'audio', options: { fileName: '={{ "call-" + $itemIndex + ".mp3" }}' } }), [a, b]);
		expect(r.error).toBeUndefined();
		const items = r.outputs(NODE);
		expect(items.map((i) => [i.json.recordingSid, i.binary?.audio.fileName])).toEqual([
			[a.recordingSid, 'call-0.mp3'],
			[b.recordingSid, 'call-1.mp3'],
		]);
		expect(Buffer.from(items[1].binary!.audio.data, 'base64').equals(await sandboxMedia(b.recordingSid, 'mp3'))).toBe(true);
	});

	it('bad SIDs fail before any request, naming the field, the value and the item; Continue On Fail keeps the good item', async () => {
		const rec = await recordedCall();
		const before = sandbox.state.requests.length;
		const items = [{ recordingSid: '' }, { recordingSid: 'RE123' }, { recordingSid: rec.callSid }, rec];
		const r = await run(download(), items, true);
		expect(r.error).toBeUndefined();
		const out = json(r);
		expect(paired(r)).toEqual([0, 1, 2, 3]);
		expect(out[0].error).toBe('Missing Recording SID in item 0: a SID is required');
		expect(out[1].error).toBe('Invalid Recording SID "RE123" in item 1: not a Recording SID (RE followed by 32 hexadecimal characters)');
		expect(out[2].error).toBe(`Invalid Recording SID "${rec.callSid}" in item 2: is a Call SID (CA…), not a Recording SID (RE…)`);
		expect(out[3]).toMatchObject({ recordingSid: rec.recordingSid, downloaded: true });
		// Only the good item reached the sandbox.
		expect(sandbox.state.requests.slice(before).map((q) => q.route)).toEqual(['twilio.recordings.fetch', 'twilio.recordings.media']);

		const listed = await run({ operation: 'listRecordings', callSid: 'CAnope' });
		expect(listed.error?.message).toBe('Invalid Call SID "CAnope" in item 0: not a Call SID (CA followed by 32 hexadecimal characters)');
		expect(listed.nodeError(NODE)?.name).toBe('NodeOperationError');
	});

	it('a recording that does not exist is a NodeApiError with Twilio code 20404', async () => {
		const missing = `RE${'ab'.repeat(16)}`;
		const r = await run(download(), [{ recordingSid: missing }]);
		expect(r.error).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
		expect(r.error?.message).toMatch(/^Twilio error 20404: /);
		const soft = await run(download(), [{ recordingSid: missing }], true);
		expect(json(soft)[0]).toMatchObject({ errorCode: 20404, errorHttpCode: '404' });
		// An unknown call simply has no recordings.
		const none = await run({ operation: 'listRecordings', callSid: `CA${'cd'.repeat(16)}` });
		expect(none.error).toBeUndefined();
		expect(none.outputs(NODE)).toEqual([]);
	});

	it('a recording still in progress is refused with what to do, without a media request', async () => {
		const callee = '+15555550178';
		await fetch(`${sandbox.url}/__sandbox/callee`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ number: callee, script: { answer: 'human', afterMs: 0, secondMs: 1000 } }),
		});
		const call = await twilio.calls.create({ to: callee, from: NUMBER_MAIN.phoneNumber, twiml: '<Response><Pause length="60"/></Response>', record: true });
		const rec = await waitFor(() => [...sandbox.state.recordings.values()].find((x) => x.callSid === call.sid), 3000, 'recording to start');
		const r = await run(download(), [{ recordingSid: rec.sid }]);
		expect(r.error?.message).toBe(`Recording "${rec.sid}" in item 0 is in-progress, not completed: it has no media to download yet`);
		expect(r.error).toMatchObject({ name: 'NodeOperationError' });
		expect(sandbox.state.requests.filter((q) => q.route === 'twilio.recordings.media')).toEqual([]);
	});
});

describe('as an AI Agent tool', () => {
	it('Download Recording describes the recording instead of returning audio; List works as usual', async () => {
		const rec = await recordedCall();
		const node = (name: string, parameters: INodeParameters): INode => ({
			id: name,
			name,
			type: 'CUSTOM.messageStatusTool',
			typeVersion: 1,
			position: [200, 200],
			parameters,
			credentials: { twilioCommsApi: TWILIO_CREDENTIAL_REF },
		});
		const r = await runAgentWorkflow({
			tools: [
				node('Download', { operation: 'downloadRecording', recordingSid: "={{ $fromAI('Recording', 'The RE… SID', 'string') }}" }),
				node('Recordings', { operation: 'listRecordings', callSid: "={{ $fromAI('Call', 'The CA… SID', 'string') }}" }),
			],
			calls: [
				{ node: 'Download', input: { Recording: rec.recordingSid } },
				{ node: 'Recordings', input: { Call: rec.callSid } },
				{ node: 'Download', input: { Recording: 'RE-nope' } },
			],
			options: { nodeTypes: { 'CUSTOM.messageStatusTool': asAiTool(new MessageStatus()) }, credentialTypes: CREDENTIAL_TYPES, credentials: [twilioCredential(sandbox.url)] },
		});
		expect(r.error).toBeUndefined();
		const [downloaded, listed, bad] = r.agent!.results.map((x) => JSON.parse(x.observation ?? 'null') as IDataObject[]);
		expect(downloaded[0]).toMatchObject({ recordingSid: rec.recordingSid, downloaded: false, mimeType: 'audio/mpeg' });
		expect(listed[0]).toMatchObject({ recordingSid: rec.recordingSid, callSid: rec.callSid });
		expect(String(bad[0].error)).toContain('Invalid Recording SID "RE-nope"');
		expect(sandbox.state.requests.filter((q) => q.route === 'twilio.recordings.media')).toEqual([]);
	});
});
