/**
 * Recordings of calls placed with Record=true: the Recording resource (account-level and under its
 * call), its media as .mp3 / .wav, and the signed RecordingStatusCallback.
 *
 * As on Twilio, a recording starts when the call is answered (`in-progress`), is `processing` once
 * the call ends, and `completed` one status step later, when its media can be fetched and the
 * `completed` callback goes out. Calls nobody answered leave no recording.
 */
import type { SandboxCore } from '../core';
import { rfc2822 } from '../dates';
import { first, toFormParams } from '../form';
import { newSid, SID_PATTERN } from '../ids';
import type { Route, RouteContext, RouteResponse } from '../router';
import { logDelivery } from '../webhook-log';
import type { CallRecord } from './calls-state';
import { twilioErrors } from './errors';
import { page2010, pickFilters } from './paging';
import { audioSeconds, CONTENT_TYPES, mp3Audio, toneHz, wavAudio, type RecordingFormat } from './recording-audio';

export type RecordingStatus = 'in-progress' | 'processing' | 'completed' | 'absent';

export interface RecordingRecord {
	sid: string;
	accountSid: string;
	callSid: string;
	status: RecordingStatus;
	/** Record=true on the call create is Twilio's `OutboundAPI` source. */
	source: 'OutboundAPI';
	channels: 1 | 2;
	/** Seconds; null until the call ends. */
	duration: number | null;
	startTime: Date;
	dateCreated: Date;
	dateUpdated: Date;
	price: string | null;
	/** Where its RecordingUrl points: the origin its call was created through. */
	apiBaseUrl: string;
	statusCallback: string | null;
	statusCallbackMethod: 'GET' | 'POST';
	statusCallbackEvents: string[];
}

/** Twilio's recording price, per started minute (negative = charged, as every price). */
export const RECORDING_PRICE_PER_MINUTE = 0.0025;

const accountPath = (r: RecordingRecord) => `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}`;

/** `api.v2010.account.recording`: the account-level list and fetch. */
export function renderRecording(r: RecordingRecord, baseUrl: string) {
	return {
		account_sid: r.accountSid,
		api_version: '2010-04-01',
		call_sid: r.callSid,
		conference_sid: null,
		date_created: rfc2822(r.dateCreated),
		date_updated: rfc2822(r.dateUpdated),
		start_time: rfc2822(r.startTime),
		duration: r.duration === null ? '-1' : String(r.duration),
		sid: r.sid,
		price: r.price,
		price_unit: 'USD',
		status: r.status,
		channels: r.channels,
		source: r.source,
		error_code: null,
		uri: `${accountPath(r)}.json`,
		encryption_details: null,
		subresource_uris: {
			add_on_results: `${accountPath(r)}/AddOnResults.json`,
			transcriptions: `${accountPath(r)}/Transcriptions.json`,
		},
		media_url: `${baseUrl}${accountPath(r)}`,
	};
}

/**
 * `api.v2010.account.call.call_recording`: the list and fetch under a call. The spec (and the SDK's
 * CallRecordingInstance) type this price as a number, unlike the account-level string; the sandbox
 * follows the spec.
 */
export function renderCallRecording(r: RecordingRecord) {
	return {
		account_sid: r.accountSid,
		api_version: '2010-04-01',
		call_sid: r.callSid,
		conference_sid: null,
		date_created: rfc2822(r.dateCreated),
		date_updated: rfc2822(r.dateUpdated),
		start_time: rfc2822(r.startTime),
		duration: r.duration === null ? '-1' : String(r.duration),
		sid: r.sid,
		price: r.price === null ? null : Number(r.price),
		uri: `/2010-04-01/Accounts/${r.accountSid}/Calls/${r.callSid}/Recordings/${r.sid}.json`,
		encryption_details: null,
		price_unit: 'USD',
		status: r.status,
		channels: r.channels,
		source: r.source,
		error_code: null,
		track: 'both',
	};
}

/** The media bytes of a recording: the same bytes on every request (see recording-audio.ts). */
export function recordingAudio(r: RecordingRecord, format: RecordingFormat): Buffer {
	const seconds = audioSeconds(r.duration ?? 1);
	return format === 'mp3' ? mp3Audio(seconds) : wavAudio({ seconds, channels: r.channels, hz: toneHz(r.sid) });
}

function recordingOfCall(core: SandboxCore, callSid: string): RecordingRecord | undefined {
	for (const r of core.store.recordings.values()) if (r.callSid === callSid) return r;
	return undefined;
}

function notify(core: SandboxCore, r: RecordingRecord): void {
	const wanted = r.statusCallbackEvents.length ? r.statusCallbackEvents : ['completed'];
	const account = core.store.accounts.get(r.accountSid);
	const url = r.statusCallback;
	if (!url || !account || !wanted.includes(r.status)) return;
	const params = toFormParams({
		AccountSid: r.accountSid,
		CallSid: r.callSid,
		RecordingSid: r.sid,
		RecordingUrl: `${r.apiBaseUrl}${accountPath(r)}`,
		RecordingStatus: r.status,
		RecordingDuration: r.duration === null ? undefined : String(r.duration),
		RecordingChannels: String(r.channels),
		RecordingStartTime: rfc2822(r.startTime),
		RecordingSource: r.source,
		RecordingTrack: 'both',
		ErrorCode: '0',
	});
	const generation = core.store.generation;
	const req = { url, method: r.statusCallbackMethod, params, authToken: account.authToken };
	void core.webhooks
		.deliver(req)
		.then((result) => {
			if (core.store.generation !== generation) return;
			logDelivery(core, req, result, { kind: 'recording-status', callSid: r.callSid, recordingSid: r.sid, recordingStatus: r.status });
		})
		.catch((err: unknown) => core.log(`recording callback error: ${err instanceof Error ? err.message : String(err)}`));
}

/**
 * Follows a recorded call: called on each of its status changes. Answered: the recording starts.
 * Completed: it is processed, then completed one status step later. Idempotent per status.
 */
export function followRecordedCall(core: SandboxCore, call: CallRecord): void {
	if (!call.record) return;
	const existing = recordingOfCall(core, call.sid);
	if (call.status === 'in-progress' && !existing) {
		const now = new Date();
		const r: RecordingRecord = {
			sid: newSid('RE'),
			accountSid: call.accountSid,
			callSid: call.sid,
			status: 'in-progress',
			source: 'OutboundAPI',
			channels: call.recordingChannels,
			duration: null,
			startTime: now,
			dateCreated: now,
			dateUpdated: now,
			price: null,
			apiBaseUrl: call.apiBaseUrl,
			statusCallback: call.recordingStatusCallback,
			statusCallbackMethod: call.recordingStatusCallbackMethod,
			statusCallbackEvents: call.recordingStatusCallbackEvents,
		};
		core.store.recordings.set(r.sid, r);
		notify(core, r);
		return;
	}
	if (call.status !== 'completed' || !existing || existing.status !== 'in-progress') return;
	const r = existing;
	r.status = 'processing';
	// The recording spans the answered call.
	r.duration = Math.max(1, call.duration ?? 1);
	r.dateUpdated = new Date();
	const generation = core.store.generation;
	core.lifecycle.after(core.statusStepMs, () => {
		if (core.store.generation !== generation) return;
		r.status = 'completed';
		r.price = (-RECORDING_PRICE_PER_MINUTE * Math.ceil((r.duration ?? 1) / 60)).toFixed(5);
		r.dateUpdated = new Date();
		notify(core, r);
	});
}

function findRecording(ctx: RouteContext, sid: string, callSid?: string): RecordingRecord {
	const r = ctx.core.store.recordings.get(sid);
	if (!r || r.accountSid !== ctx.twilio!.account.sid || (callSid !== undefined && r.callSid !== callSid)) throw twilioErrors.notFound(ctx.path);
	return r;
}

function media(ctx: RouteContext, format: RecordingFormat): RouteResponse {
	const r = findRecording(ctx, ctx.params.Sid);
	// Twilio has no media before the recording is completed.
	if (r.status !== 'completed') throw twilioErrors.notFound(ctx.path);
	return { status: 200, body: recordingAudio(r, format), headers: { 'Content-Type': CONTENT_TYPES[format] } };
}

const mediaRoute = (ext: string, format: RecordingFormat): Route => ({
	name: `twilio.recordings.media`,
	method: 'GET',
	path: `/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}${ext}`,
	auth: 'twilio',
	accountParam: 'AccountSid',
	handle: (ctx) => {
		if (!SID_PATTERN('RE').test(ctx.params.Sid)) throw twilioErrors.notFound(ctx.path);
		return media(ctx, format);
	},
});

function listOf(ctx: RouteContext, callSid: string | undefined): RecordingRecord[] {
	const account = ctx.twilio!.account;
	// Newest first, as Twilio lists them.
	return [...ctx.core.store.recordings.values()].filter((r) => r.accountSid === account.sid && (!callSid || r.callSid === callSid)).reverse();
}

export const recordingRoutes: Route[] = [
	{
		name: 'twilio.recordings.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Recordings.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const account = ctx.twilio!.account;
			return {
				status: 200,
				body: page2010({
					all: listOf(ctx, first(ctx.query, 'CallSid')),
					query: ctx.query,
					path: `/2010-04-01/Accounts/${account.sid}/Recordings.json`,
					key: 'recordings',
					filters: pickFilters(ctx.query, ['CallSid']),
					sidOf: (r) => r.sid,
					render: (r) => renderRecording(r, ctx.baseUrl),
				}),
			};
		},
	},
	{
		name: 'twilio.recordings.fetch',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => ({ status: 200, body: renderRecording(findRecording(ctx, ctx.params.Sid), ctx.baseUrl) }),
	},
	mediaRoute('.mp3', 'mp3'),
	mediaRoute('.wav', 'wav'),
	{
		name: 'twilio.calls.recordings.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const account = ctx.twilio!.account;
			const call = ctx.core.store.calls.get(ctx.params.CallSid);
			if (!call || call.accountSid !== account.sid) throw twilioErrors.notFound(ctx.path);
			return {
				status: 200,
				body: page2010({
					all: listOf(ctx, call.sid),
					query: ctx.query,
					path: `/2010-04-01/Accounts/${account.sid}/Calls/${call.sid}/Recordings.json`,
					key: 'recordings',
					filters: {},
					sidOf: (r) => r.sid,
					render: renderCallRecording,
				}),
			};
		},
	},
	{
		name: 'twilio.calls.recordings.fetch',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => ({ status: 200, body: renderCallRecording(findRecording(ctx, ctx.params.Sid, ctx.params.CallSid)) }),
	},
	// Without an extension Twilio serves WAV; last, so `.json`, `.mp3` and `.wav` match first.
	mediaRoute('', 'wav'),
];
