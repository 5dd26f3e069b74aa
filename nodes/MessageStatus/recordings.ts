/**
 * Call recordings: list a call's recordings, or download one as n8n binary data. Recordings come
 * from calls placed with Record on (Voice Message, Outbound Call); the Twilio Comms Trigger's
 * "Recording Completed" event says when one is ready.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import RestException from 'twilio/lib/base/RestException';
import type { RecordingInstance } from 'twilio/lib/rest/api/v2010/account/recording';
import { BinaryOutput } from '../shared/runner/runItems';
import { runsAsTool } from '../shared/runner/tool';
import type { TwilioContext } from '../shared/twilio/context';
import { parseInput } from '../shared/validation/errors';
import { NEEDS_RECORDINGS, type VendorClients } from './clients';
import { collectPages } from './list';
import { RECORDING_LABELS, downloadRecordingSchema, listRecordingsSchema, type RecordingFormat } from './validation';

export const MIME_TYPES: Record<RecordingFormat, string> = { mp3: 'audio/mpeg', wav: 'audio/x-wav' };

const TWILIO_API = 'https://api.twilio.com';

const iso = (d: Date | null | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null);
const num = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? null : Number(v));

/** Where the media of a recording is, on the credential's API origin (the sandbox, a proxy…) or Twilio's. */
function mediaBase(twilio: TwilioContext, sid: string): string {
	return `${twilio.credentials.baseUrl ?? TWILIO_API}/2010-04-01/Accounts/${twilio.credentials.accountSid}/Recordings/${sid}`;
}

/** One flat item per recording. Twilio writes -1 as the duration of a recording still in progress. */
export function fromRecording(r: RecordingInstance, fallbackMediaBase: string, includeRaw: boolean): IDataObject {
	const duration = num(r.duration);
	const media = r.mediaUrl || fallbackMediaBase;
	return {
		recordingSid: r.sid,
		callSid: r.callSid ?? null,
		accountSid: r.accountSid ?? null,
		conferenceSid: r.conferenceSid ?? null,
		status: r.status,
		isReady: r.status === 'completed',
		duration: duration !== null && duration >= 0 ? duration : null,
		channels: r.channels ?? null,
		source: r.source ?? null,
		startTime: iso(r.startTime),
		dateCreated: iso(r.dateCreated),
		dateUpdated: iso(r.dateUpdated),
		price: num(r.price),
		priceUnit: r.priceUnit ?? null,
		errorCode: r.errorCode ?? null,
		mediaUrl: `${media}.mp3`,
		mediaUrlWav: `${media}.wav`,
		...(includeRaw ? { raw: JSON.parse(JSON.stringify(r.toJSON())) as IDataObject } : {}),
	};
}

export async function listRecordings(ctx: IExecuteFunctions, clients: VendorClients, i: number): Promise<IDataObject[]> {
	const input = parseInput(
		listRecordingsSchema,
		{
			callSid: ctx.getNodeParameter('callSid', i, ''),
			includeRaw: ctx.getNodeParameter('options.includeRaw', i, false),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: RECORDING_LABELS },
	);
	const twilio = await clients.twilio(i, NEEDS_RECORDINGS);
	// The account-level list filtered by call: unlike the list under the call, it carries media_url.
	const { items } = await collectPages(() => twilio.client.recordings.page({ callSid: input.callSid, pageSize: 100 }), undefined);
	return items.map((r) => fromRecording(r, mediaBase(twilio, r.sid), input.includeRaw));
}

/** Fetches the media bytes through the package's transport (retries, proxy, timeout), with the credential's auth. */
async function downloadMedia(twilio: TwilioContext, sid: string, format: RecordingFormat): Promise<Buffer> {
	const response = (await twilio.client.request({
		method: 'get',
		uri: `${mediaBase(twilio, sid)}.${format}`,
		// Anything but JSON or text: the transport keeps the answer as bytes.
		headers: { Accept: MIME_TYPES[format] },
		allowRedirects: true,
	})) as { statusCode: number; body: string | Buffer; headers: Record<string, string> };
	if (response.statusCode < 200 || response.statusCode >= 300) throw new RestException(response);
	if (!Buffer.isBuffer(response.body)) throw new Error(`Twilio answered the ${format} download of ${sid} with text instead of audio`);
	return response.body;
}

export async function downloadRecording(ctx: IExecuteFunctions, clients: VendorClients, i: number): Promise<IDataObject | BinaryOutput> {
	const input = parseInput(
		downloadRecordingSchema,
		{
			recordingSid: ctx.getNodeParameter('recordingSid', i, ''),
			format: ctx.getNodeParameter('format', i, 'mp3'),
			binaryPropertyName: ctx.getNodeParameter('binaryPropertyName', i, 'data'),
			fileName: ctx.getNodeParameter('options.fileName', i, ''),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: RECORDING_LABELS },
	);
	const twilio = await clients.twilio(i, NEEDS_RECORDINGS);
	const recording = await twilio.client.recordings(input.recordingSid).fetch();
	const meta = fromRecording(recording, mediaBase(twilio, recording.sid), false);
	if (recording.status !== 'completed') {
		throw new NodeOperationError(ctx.getNode(), `Recording "${input.recordingSid}" in item ${i} is ${recording.status}, not completed: it has no media to download yet`, {
			itemIndex: i,
			description:
				recording.status === 'absent'
					? 'Twilio kept no audio for this recording (too short, or silent). There is nothing to download.'
					: 'Twilio makes the media available a few seconds after the call ends. Start the download from the Twilio Comms Trigger\'s "Recording Completed" event, or wait and run again.',
		});
	}
	const mimeType = MIME_TYPES[input.format];
	const fileName = input.fileName ?? `${recording.sid}.${input.format}`;
	if (runsAsTool(ctx.getNode())) {
		// An agent reads text: audio bytes would be noise in its context, so a tool gets the facts and the URL.
		return { ...meta, format: input.format, mimeType, fileName, downloaded: false, note: 'As a tool, the recording is described, not downloaded; mediaUrl needs the Twilio credential to fetch.' };
	}
	const bytes = await downloadMedia(twilio, recording.sid, input.format);
	const binary = await ctx.helpers.prepareBinaryData(bytes, fileName, mimeType);
	return new BinaryOutput(
		{ ...meta, format: input.format, mimeType, fileName, fileSize: bytes.length, binaryPropertyName: input.binaryPropertyName, downloaded: true },
		{ [input.binaryPropertyName]: binary },
	);
}
