/**
 * Automatic webhook set-up: points the chosen number's SmsUrl and/or VoiceUrl at this trigger on
 * activation and puts back exactly what was there on deactivation. What was there is kept in the
 * node's workflow static data, so a restart or another n8n process can still restore it.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Twilio } from 'twilio';

export interface NumberConfig {
	sid: string;
	phoneNumber: string;
	smsUrl: string;
	smsMethod: string;
	voiceUrl: string;
	voiceMethod: string;
}

/** The fields of a number this trigger may change. */
export interface NumberPatch {
	smsUrl?: string;
	smsMethod?: string;
	voiceUrl?: string;
	voiceMethod?: string;
}

/** How the trigger reaches a number; a small seam so the logic is tested without HTTP. */
export interface NumbersApi {
	find(numberOrSid: string): Promise<NumberConfig | undefined>;
	fetch(sid: string): Promise<NumberConfig>;
	update(sid: string, patch: NumberPatch): Promise<NumberConfig>;
}

export interface SetupRecord {
	numberSid: string;
	phoneNumber: string;
	url: string;
	sms: boolean;
	voice: boolean;
	previous: { smsUrl: string; smsMethod: string; voiceUrl: string; voiceMethod: string };
}

export interface Wanted {
	number: string;
	url: string;
	sms: boolean;
	voice: boolean;
}

export class SetupError extends Error {}

type NumberInstance = { sid: string; phoneNumber: string; smsUrl: string | null; smsMethod: string | null; voiceUrl: string | null; voiceMethod: string | null };

function toConfig(n: NumberInstance): NumberConfig {
	return {
		sid: n.sid,
		phoneNumber: n.phoneNumber,
		smsUrl: n.smsUrl ?? '',
		smsMethod: n.smsMethod ?? 'POST',
		voiceUrl: n.voiceUrl ?? '',
		voiceMethod: n.voiceMethod ?? 'POST',
	};
}

export function twilioNumbersApi(client: Twilio): NumbersApi {
	const numbers = client.api.v2010.account.incomingPhoneNumbers;
	return {
		async find(value) {
			const v = value.trim();
			if (/^PN[0-9a-fA-F]{32}$/.test(v)) {
				try {
					return toConfig(await numbers(v).fetch());
				} catch (e) {
					if ((e as { status?: number }).status === 404) return undefined;
					throw e;
				}
			}
			const wanted = v.replace(/[^\d+]/g, '');
			const list = await numbers.list({ phoneNumber: wanted, limit: 50 });
			const hit = list.find((n) => n.phoneNumber === wanted);
			return hit ? toConfig(hit) : undefined;
		},
		fetch: async (sid) => toConfig(await numbers(sid).fetch()),
		update: async (sid, patch) => toConfig(await numbers(sid).update(patch)),
	};
}

function readRecord(staticData: IDataObject): SetupRecord | undefined {
	const r = staticData.setup as SetupRecord | undefined;
	return r && typeof r === 'object' && typeof r.numberSid === 'string' ? r : undefined;
}

async function resolve(api: NumbersApi, number: string): Promise<NumberConfig> {
	const found = await api.find(number);
	if (!found) throw new SetupError(`The number ${number} is not on this Twilio account`);
	return found;
}

/** True when the number already sends the chosen events to `url`. */
export async function webhookExists(api: NumbersApi, staticData: IDataObject, w: Wanted): Promise<boolean> {
	const n = await resolve(api, w.number);
	const ok = (!w.sms || n.smsUrl === w.url) && (!w.voice || n.voiceUrl === w.url);
	// Without our record we could not restore the old values later, so set it up again.
	return ok && readRecord(staticData)?.numberSid === n.sid;
}

export async function createWebhook(api: NumbersApi, staticData: IDataObject, w: Wanted): Promise<SetupRecord> {
	const n = await resolve(api, w.number);
	const earlier = readRecord(staticData);
	// Idempotent: a second create for the same number and URL must not record our own URL as
	// "previous". A create for another URL (the test URL while production is live) records the
	// live values, so its delete puts production back.
	const again = earlier !== undefined && earlier.numberSid === n.sid && earlier.url === w.url;
	const previous = {
		smsUrl: again && n.smsUrl === w.url ? earlier.previous.smsUrl : n.smsUrl,
		smsMethod: again && n.smsUrl === w.url ? earlier.previous.smsMethod : n.smsMethod,
		voiceUrl: again && n.voiceUrl === w.url ? earlier.previous.voiceUrl : n.voiceUrl,
		voiceMethod: again && n.voiceUrl === w.url ? earlier.previous.voiceMethod : n.voiceMethod,
	};
	const patch: NumberPatch = {};
	if (w.sms) Object.assign(patch, { smsUrl: w.url, smsMethod: 'POST' });
	if (w.voice) Object.assign(patch, { voiceUrl: w.url, voiceMethod: 'POST' });
	await api.update(n.sid, patch);
	const record: SetupRecord = { numberSid: n.sid, phoneNumber: n.phoneNumber, url: w.url, sms: w.sms, voice: w.voice, previous };
	staticData.setup = record as unknown as IDataObject;
	return record;
}

/**
 * Restores what create() replaced. A field someone changed since (it no longer points at us) is
 * left alone: their newer choice wins over our old snapshot.
 */
export async function deleteWebhook(api: NumbersApi, staticData: IDataObject): Promise<boolean> {
	const record = readRecord(staticData);
	if (!record) return true;
	let current: NumberConfig | undefined;
	try {
		current = await api.fetch(record.numberSid);
	} catch (e) {
		// The number was released: nothing left to restore.
		if ((e as { status?: number }).status === 404) current = undefined;
		else throw e;
	}
	if (current) {
		const patch: NumberPatch = {};
		if (record.sms && current.smsUrl === record.url) Object.assign(patch, { smsUrl: record.previous.smsUrl, smsMethod: record.previous.smsMethod });
		if (record.voice && current.voiceUrl === record.url) Object.assign(patch, { voiceUrl: record.previous.voiceUrl, voiceMethod: record.previous.voiceMethod });
		if (Object.keys(patch).length) await api.update(record.numberSid, patch);
	}
	delete staticData.setup;
	return true;
}
