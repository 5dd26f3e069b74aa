/**
 * Recordings in the sandbox, through the twilio SDK: a call placed with Record=true leaves a
 * Recording (listed, fetched, under its call too), whose media is real audio (WAV with a PCM header
 * and a tone, MP3 frames) served with Twilio's content types, and whose RecordingStatusCallback
 * arrives signed as Twilio signs.
 */
import twilio from 'twilio';
import type { Sandbox } from '../../sandbox';
import { FULL_ACCOUNT, NUMBER_MAIN, SAMPLE_RECIPIENT, TRIAL_ACCOUNT } from '../../sandbox/fixtures';
import { MAGIC_CALL_TO } from '../../sandbox/twilio/calls-state';
import { MP3_FRAME_BYTES, MP3_FRAME_HEADER, WAV_SAMPLE_RATE } from '../../sandbox/twilio/recording-audio';
import { basic, sdk, twilioFailure, waitFor, type Receiver, useSandboxAndReceiver } from './helpers';

let sandbox: Sandbox;
let receiver: Receiver;

useSandboxAndReceiver({ statusStepMs: 15 }, (s, r) => {
	sandbox = s;
	receiver = r;
});

const AUTH = basic(FULL_ACCOUNT.sid, FULL_ACCOUNT.authToken);
const recordingsOf = (callSid: string) => [...sandbox.state.recordings.values()].filter((r) => r.callSid === callSid);
const completedRecording = (callSid: string) =>
	waitFor(() => recordingsOf(callSid).find((r) => r.status === 'completed'), 3000, `recording of ${callSid}`);
const mediaUrl = (sid: string, ext: string, account = FULL_ACCOUNT.sid) => `${sandbox.url}/2010-04-01/Accounts/${account}/Recordings/${sid}${ext}`;

async function download(url: string, auth = AUTH): Promise<{ status: number; type: string | null; bytes: Buffer }> {
	const res = await fetch(url, { headers: { authorization: auth } });
	return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

async function recordedCall(extra: Record<string, unknown> = {}) {
	return sdk(sandbox).calls.create({
		to: SAMPLE_RECIPIENT,
		from: NUMBER_MAIN.phoneNumber,
		twiml: '<Response><Say>Recorded</Say></Response>',
		record: true,
		recordingStatusCallback: `${receiver.url}/recording`,
		...extra,
	});
}

describe('sandbox recordings', () => {
	it('a recorded call leaves one completed recording, listed, fetched and under its call, in the SDK shape', async () => {
		const client = sdk(sandbox);
		const call = await recordedCall();
		const rec = await completedRecording(call.sid);
		expect(rec.sid).toMatch(/^RE[0-9a-f]{32}$/);

		const fetched = await client.recordings(rec.sid).fetch();
		expect(fetched).toMatchObject({
			sid: rec.sid,
			callSid: call.sid,
			accountSid: FULL_ACCOUNT.sid,
			status: 'completed',
			duration: '12',
			channels: 1,
			source: 'OutboundAPI',
			priceUnit: 'USD',
			price: '-0.00250',
			mediaUrl: mediaUrl(rec.sid, ''),
		});
		expect(fetched.startTime).toBeInstanceOf(Date);
		expect((await client.recordings.list({ callSid: call.sid })).map((r) => r.sid)).toEqual([rec.sid]);
		const underCall = await client.calls(call.sid).recordings.list();
		expect(underCall.map((r) => [r.sid, r.status, r.track, r.price])).toEqual([[rec.sid, 'completed', 'both', -0.0025]]);
		expect((await client.calls(call.sid).recordings(rec.sid).fetch()).sid).toBe(rec.sid);
		// Another call's list does not show it.
		const other = await client.calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response/>' });
		expect(await client.recordings.list({ callSid: other.sid })).toEqual([]);
	});

	it('serves the media as WAV (PCM header, a tone, the call length capped at 3 s) and MP3 frames, byte-stable', async () => {
		const call = await recordedCall();
		const rec = await completedRecording(call.sid);

		const wav = await download(mediaUrl(rec.sid, '.wav'));
		expect(wav).toMatchObject({ status: 200, type: 'audio/x-wav' });
		const b = wav.bytes;
		expect([b.toString('ascii', 0, 4), b.toString('ascii', 8, 12), b.toString('ascii', 12, 16), b.toString('ascii', 36, 40)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
		expect({ format: b.readUInt16LE(20), channels: b.readUInt16LE(22), rate: b.readUInt32LE(24), bits: b.readUInt16LE(34) }).toEqual({ format: 1, channels: 1, rate: WAV_SAMPLE_RATE, bits: 16 });
		// A 12 s call: capped at 3 s of audio.
		expect(b.readUInt32LE(40)).toBe(3 * WAV_SAMPLE_RATE * 2);
		expect(b.length).toBe(44 + 3 * WAV_SAMPLE_RATE * 2);
		expect(b.readUInt32LE(4)).toBe(b.length - 8);
		let peak = 0;
		for (let i = 44; i < b.length; i += 2) peak = Math.max(peak, Math.abs(b.readInt16LE(i)));
		expect(peak).toBeGreaterThan(5000);

		const mp3 = await download(mediaUrl(rec.sid, '.mp3'));
		expect(mp3).toMatchObject({ status: 200, type: 'audio/mpeg' });
		expect(mp3.bytes.length % MP3_FRAME_BYTES).toBe(0);
		const frames = mp3.bytes.length / MP3_FRAME_BYTES;
		// 1152 samples a frame at 44.1 kHz: just over 3 s.
		expect(frames).toBe(Math.ceil((3 * 44_100) / 1152));
		for (let f = 0; f < frames; f++) expect(mp3.bytes.subarray(f * MP3_FRAME_BYTES, f * MP3_FRAME_BYTES + 4)).toEqual(MP3_FRAME_HEADER);

		// Without an extension Twilio serves WAV; every download is the same bytes.
		const bare = await download(mediaUrl(rec.sid, ''));
		expect(bare.type).toBe('audio/x-wav');
		expect(bare.bytes.equals(wav.bytes)).toBe(true);
		expect((await download(mediaUrl(rec.sid, '.mp3'))).bytes.equals(mp3.bytes)).toBe(true);
		// Recorded requests keep a summary of the media, not the bytes.
		const logged = sandbox.state.requests.filter((r) => r.route === 'twilio.recordings.media');
		expect(logged[0].responseBody).toEqual({ binary: true, bytes: wav.bytes.length });
	});

	it('POSTs the completed RecordingStatusCallback, signed with the auth token, once the recording is ready', async () => {
		const call = await recordedCall();
		const rec = await completedRecording(call.sid);
		const hook = await waitFor(() => receiver.requests.find((r) => r.url.endsWith('/recording')), 3000, 'recording callback');
		expect(hook.params).toEqual({
			AccountSid: FULL_ACCOUNT.sid,
			CallSid: call.sid,
			RecordingSid: rec.sid,
			RecordingUrl: mediaUrl(rec.sid, ''),
			RecordingStatus: 'completed',
			RecordingDuration: '12',
			RecordingChannels: '1',
			RecordingStartTime: expect.stringMatching(/\+0000$/),
			RecordingSource: 'OutboundAPI',
			RecordingTrack: 'both',
			ErrorCode: '0',
		});
		expect(twilio.validateRequest(FULL_ACCOUNT.authToken, String(hook.headers['x-twilio-signature']), hook.url, hook.params)).toBe(true);
		// The URL in the callback is where the media is.
		expect((await download(`${String(hook.params.RecordingUrl)}.mp3`)).status).toBe(200);
		await new Promise((r) => setTimeout(r, 100));
		expect(receiver.requests.filter((r) => r.url.endsWith('/recording'))).toHaveLength(1);
		expect(sandbox.state.webhooks.filter((w) => w.kind === 'recording-status').map((w) => [w.recordingSid, w.recordingStatus, w.status])).toEqual([[rec.sid, 'completed', 200]]);
	});

	it('sends in-progress too when asked, and honours RecordingChannels=dual and the GET method', async () => {
		const call = await recordedCall({ recordingStatusCallbackEvent: ['in-progress', 'completed'], recordingChannels: 'dual', recordingStatusCallbackMethod: 'GET' });
		const rec = await completedRecording(call.sid);
		const hooks = await waitFor(() => {
			const got = receiver.requests.filter((r) => r.url.includes('/recording'));
			return got.length === 2 ? got : undefined;
		});
		expect(hooks.map((h) => [h.method, new URL(h.url).searchParams.get('RecordingStatus')])).toEqual([
			['GET', 'in-progress'],
			['GET', 'completed'],
		]);
		expect(new URL(hooks[0].url).searchParams.get('RecordingDuration')).toBeNull();
		expect(rec.channels).toBe(2);
		const wav = await download(mediaUrl(rec.sid, '.wav'));
		expect(wav.bytes.readUInt16LE(22)).toBe(2);
	});

	it('records a scripted callee too, for as long as the call lasted', async () => {
		await fetch(`${sandbox.url}/__sandbox/callee`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ number: '+15555550177', script: { answer: 'human', afterMs: 10, secondMs: 10 } }),
		});
		const call = await recordedCall({ to: '+15555550177', twiml: '<Response><Pause length="2"/></Response>' });
		const rec = await completedRecording(call.sid);
		expect(rec.duration).toBe(sandbox.state.calls.get(call.sid)?.duration);
		const wav = await download(mediaUrl(rec.sid, '.wav'));
		expect(wav.bytes.readUInt32LE(40)).toBe(Math.min(3, Math.max(1, rec.duration ?? 0)) * WAV_SAMPLE_RATE * 2);
		// Its callback too, so nothing of this test arrives during the next.
		await waitFor(() => receiver.requests.find((r) => r.params.RecordingSid === rec.sid), 3000, 'recording callback');
	});

	it('makes no recording without Record, nor for a call nobody answered', async () => {
		const client = sdk(sandbox);
		const plain = await client.calls.create({ to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, twiml: '<Response/>' });
		const busy = await recordedCall({ to: MAGIC_CALL_TO.busy });
		await waitFor(() => ['completed'].includes(sandbox.state.calls.get(plain.sid)?.status ?? '') && sandbox.state.calls.get(busy.sid)?.status === 'busy');
		await new Promise((r) => setTimeout(r, 60));
		expect(sandbox.state.recordings.size).toBe(0);
		expect(receiver.requests).toEqual([]);
	});

	it('answers 404 20404 for unknown recordings, other accounts, and media of an unknown SID; validates the create params', async () => {
		const client = sdk(sandbox);
		const unknown = `RE${'0'.repeat(32)}`;
		expect(await twilioFailure(client.recordings(unknown).fetch())).toMatchObject({ status: 404, code: 20404 });
		const media = await download(mediaUrl(unknown, '.mp3'));
		expect(media.status).toBe(404);
		expect(JSON.parse(media.bytes.toString('utf8'))).toMatchObject({ code: 20404, status: 404 });
		expect((await download(mediaUrl('not-a-sid', ''))).status).toBe(404);

		const call = await recordedCall();
		const rec = await completedRecording(call.sid);
		const trial = sdk(sandbox, TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken, TRIAL_ACCOUNT.sid);
		expect(await twilioFailure(trial.recordings(rec.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
		expect((await download(mediaUrl(rec.sid, '.wav', TRIAL_ACCOUNT.sid), basic(TRIAL_ACCOUNT.sid, TRIAL_ACCOUNT.authToken))).status).toBe(404);
		expect((await download(mediaUrl(rec.sid, '.wav'), basic(FULL_ACCOUNT.sid, 'wrong'))).status).toBe(401);

		expect(await twilioFailure(recordedCall({ recordingStatusCallbackEvent: ['done'] }))).toMatchObject({ status: 400, code: 21200 });
		expect(await twilioFailure(recordedCall({ recordingChannels: 'stereo' }))).toMatchObject({ status: 400, code: 21200 });
	});
});
