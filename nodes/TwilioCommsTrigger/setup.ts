/**
 * Automatic webhook set-up: points whatever receives the chosen events at this trigger on
 * activation, and puts back exactly what was there on deactivation. What was there is kept in the
 * node's workflow static data, so a restart or another n8n process can still restore it.
 *
 * Who receives a number's inbound messages follows Twilio's rules for Messaging Services
 * (twilio_messaging_v1.json, Service resource): a number in a service has its messages sent to the
 * service's inbound_request_url, unless use_inbound_webhook_on_number defers to the number's own
 * SmsUrl; a null inbound_request_url drops them. Calls always go to the number's VoiceUrl.
 */
import type { IDataObject } from 'n8n-workflow';
import { orUndefined, type NumberConfig, type NumberPatch, type NumbersApi, type ServiceConfig, type ServicePatch } from '../shared/twilio/numbers';

export type { NumberConfig, NumbersApi, ServiceConfig };

type ServicePrevious = Pick<ServiceConfig, 'inboundRequestUrl' | 'inboundMethod' | 'useInboundWebhookOnNumber' | 'statusCallback'>;

export interface ServiceSetup {
	sid: string;
	friendlyName: string;
	/** We set its Inbound Request URL (and cleared its defer-to-number flag). */
	inbound: boolean;
	/** We set its Status Callback. */
	statusCallback: boolean;
	previous: ServicePrevious;
}

/**
 * The number fields keep the shape of the first release, so a workflow activated by it is still
 * restored after an upgrade; `service` is new and absent when no service was touched.
 */
export interface SetupRecord {
	url: string;
	numberSid?: string;
	phoneNumber?: string;
	sms: boolean;
	voice: boolean;
	previous?: { smsUrl: string; smsMethod: string; voiceUrl: string; voiceMethod: string };
	service?: ServiceSetup;
}

export interface Wanted {
	url: string;
	/** The number whose SmsUrl (sms) and/or VoiceUrl (voice) the trigger takes over. */
	number?: string;
	sms: boolean;
	voice: boolean;
	/** Source "Messaging Service": its inbound URL (for incoming SMS) and/or its Status Callback. */
	service?: { sid: string; inbound: boolean; statusCallback: boolean };
	/**
	 * Source "Phone Number" in a service that owns inbound: the user agreed that the trigger takes
	 * over the service's Inbound Request URL, which receives the messages of every number in it.
	 */
	takeOverService?: boolean;
}

export class SetupError extends Error {}

function readRecord(staticData: IDataObject): SetupRecord | undefined {
	const r = staticData.setup as SetupRecord | undefined;
	if (!r || typeof r !== 'object' || typeof r.url !== 'string') return undefined;
	return typeof r.numberSid === 'string' || (r.service && typeof r.service.sid === 'string') ? r : undefined;
}

async function resolve(api: NumbersApi, number: string): Promise<NumberConfig> {
	const found = await api.find(number);
	if (!found) throw new SetupError(`The number ${number} is not on this Twilio account`);
	return found;
}

const describeService = (s: ServiceConfig) => `the Messaging Service "${s.friendlyName}" (${s.sid})`;

/** The dead end this trigger refuses to activate into, with the three ways out. */
export function serviceOwnsInboundError(n: NumberConfig, s: ServiceConfig): SetupError {
	const where = s.inboundRequestUrl
		? "sends them to the service's own Inbound Request URL, not to the number's SMS webhook"
		: 'drops them: the service has no Inbound Request URL, and the number\'s own SMS webhook is not used';
	return new SetupError(
		`${n.phoneNumber} is in ${describeService(s)}, and Twilio ${where}. To receive them here, do one of: ` +
			`set "If the Number Is in a Messaging Service" to "Use the Service's Inbound URL" (while active, this trigger then receives the messages of every number in that service); ` +
			`or set Source to "Messaging Service" and pick ${s.sid}; ` +
			`or in the Twilio Console, open the service's Integration settings and choose "Defer to sender's webhook" (use_inbound_webhook_on_number), then activate again.`,
	);
}

interface Plan {
	number?: { config: NumberConfig; sms: boolean; voice: boolean };
	service?: { config: ServiceConfig; inbound: boolean; statusCallback: boolean };
}

/** What must point at the trigger for the wanted events to reach it, as Twilio routes them. */
async function plan(api: NumbersApi, w: Wanted): Promise<Plan> {
	const out: Plan = {};
	const number = w.number ? await resolve(api, w.number) : undefined;
	if (w.service) {
		const config = await api.fetchService(w.service.sid);
		if (!config) throw new SetupError(`The Messaging Service ${w.service.sid} is not on this Twilio account`);
		if (w.service.inbound || w.service.statusCallback) out.service = { config, ...w.service };
	}
	let numberSms = false;
	if (number && w.sms) {
		// Only messages are routed by a service; a voice-only trigger never needs to ask.
		const owner = await api.serviceOf(number.sid);
		if (!owner || owner.useInboundWebhookOnNumber) numberSms = true;
		else if (w.takeOverService) out.service = { config: owner, inbound: true, statusCallback: false };
		else throw serviceOwnsInboundError(number, owner);
	}
	if (number && (numberSms || w.voice)) out.number = { config: number, sms: numberSms, voice: w.voice };
	return out;
}

const inboundIsUrl = (s: ServiceConfig, url: string) => s.inboundRequestUrl === url && !s.useInboundWebhookOnNumber;

/** True when everything that receives the chosen events already sends them to `url`, and we know what to restore. */
export async function webhookExists(api: NumbersApi, staticData: IDataObject, w: Wanted): Promise<boolean> {
	const p = await plan(api, w);
	const record = readRecord(staticData);
	// Without our record we could not restore the old values later, so set it up again.
	if (!record || record.url !== w.url) return false;
	if (p.number) {
		const n = p.number.config;
		if ((p.number.sms && n.smsUrl !== w.url) || (p.number.voice && n.voiceUrl !== w.url) || record.numberSid !== n.sid) return false;
	}
	if (p.service) {
		const s = p.service.config;
		if ((p.service.inbound && !inboundIsUrl(s, w.url)) || (p.service.statusCallback && s.statusCallback !== w.url) || record.service?.sid !== s.sid) return false;
	}
	return true;
}

function servicePrevious(s: ServiceConfig, url: string, earlier: ServiceSetup | undefined): ServicePrevious {
	const inboundOurs = earlier !== undefined && inboundIsUrl(s, url);
	const callbackOurs = earlier !== undefined && s.statusCallback === url;
	return {
		inboundRequestUrl: inboundOurs ? earlier.previous.inboundRequestUrl : s.inboundRequestUrl,
		inboundMethod: inboundOurs ? earlier.previous.inboundMethod : s.inboundMethod,
		useInboundWebhookOnNumber: inboundOurs ? earlier.previous.useInboundWebhookOnNumber : s.useInboundWebhookOnNumber,
		statusCallback: callbackOurs ? earlier.previous.statusCallback : s.statusCallback,
	};
}

export async function createWebhook(api: NumbersApi, staticData: IDataObject, w: Wanted): Promise<SetupRecord> {
	const p = await plan(api, w);
	const earlier = readRecord(staticData);
	// Idempotent: a second create for the same target and URL must not record our own URL as
	// "previous". A create for another URL (the test URL while production is live) records the
	// live values, so its delete puts production back.
	const sameUrl = earlier !== undefined && earlier.url === w.url;
	const record: SetupRecord = { url: w.url, sms: false, voice: false };
	if (p.service) {
		const s = p.service.config;
		const again = sameUrl && earlier.service?.sid === s.sid ? earlier.service : undefined;
		const patch: ServicePatch = {};
		if (p.service.inbound) Object.assign(patch, { inboundRequestUrl: w.url, inboundMethod: 'POST' }, s.useInboundWebhookOnNumber ? { useInboundWebhookOnNumber: false } : {});
		if (p.service.statusCallback) patch.statusCallback = w.url;
		const previous = servicePrevious(s, w.url, again);
		await api.updateService(s.sid, patch);
		record.service = { sid: s.sid, friendlyName: s.friendlyName, inbound: p.service.inbound, statusCallback: p.service.statusCallback, previous };
	}
	if (p.number) {
		const n = p.number.config;
		const again = sameUrl && earlier.numberSid === n.sid && earlier.previous ? earlier.previous : undefined;
		const previous = {
			smsUrl: again && n.smsUrl === w.url ? again.smsUrl : n.smsUrl,
			smsMethod: again && n.smsUrl === w.url ? again.smsMethod : n.smsMethod,
			voiceUrl: again && n.voiceUrl === w.url ? again.voiceUrl : n.voiceUrl,
			voiceMethod: again && n.voiceUrl === w.url ? again.voiceMethod : n.voiceMethod,
		};
		const patch: NumberPatch = {};
		if (p.number.sms) Object.assign(patch, { smsUrl: w.url, smsMethod: 'POST' });
		if (p.number.voice) Object.assign(patch, { voiceUrl: w.url, voiceMethod: 'POST' });
		try {
			await api.update(n.sid, patch);
		} catch (e) {
			// A failed activation is never deactivated, so the service change is undone here.
			await restoreService(api, record).catch(() => undefined);
			// Twilio's own error, for hooks.ts's setupError to word and wrap in a NodeOperationError.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw e;
		}
		Object.assign(record, { numberSid: n.sid, phoneNumber: n.phoneNumber, sms: p.number.sms, voice: p.number.voice, previous });
	}
	staticData.setup = record as unknown as IDataObject;
	return record;
}

async function restoreNumber(api: NumbersApi, record: SetupRecord): Promise<void> {
	if (!record.numberSid || !record.previous) return;
	// The number was released: nothing left to restore.
	const current = await orUndefined(api.fetch(record.numberSid));
	if (!current) return;
	const patch: NumberPatch = {};
	if (record.sms && current.smsUrl === record.url) Object.assign(patch, { smsUrl: record.previous.smsUrl, smsMethod: record.previous.smsMethod });
	if (record.voice && current.voiceUrl === record.url) Object.assign(patch, { voiceUrl: record.previous.voiceUrl, voiceMethod: record.previous.voiceMethod });
	if (Object.keys(patch).length) await api.update(record.numberSid, patch);
}

async function restoreService(api: NumbersApi, record: SetupRecord): Promise<void> {
	const setup = record.service;
	if (!setup) return;
	const current = await api.fetchService(setup.sid);
	if (!current) return;
	const patch: ServicePatch = {};
	if (setup.inbound && inboundIsUrl(current, record.url)) {
		patch.inboundRequestUrl = setup.previous.inboundRequestUrl ?? '';
		if (setup.previous.inboundMethod) patch.inboundMethod = setup.previous.inboundMethod;
		if (setup.previous.useInboundWebhookOnNumber) patch.useInboundWebhookOnNumber = true;
	}
	if (setup.statusCallback && current.statusCallback === record.url) patch.statusCallback = setup.previous.statusCallback ?? '';
	if (Object.keys(patch).length) await api.updateService(setup.sid, patch);
}

/**
 * Restores what create() replaced. A field someone changed since (it no longer points at us) is
 * left alone: their newer choice wins over our old snapshot.
 */
export async function deleteWebhook(api: NumbersApi, staticData: IDataObject): Promise<boolean> {
	const record = readRecord(staticData);
	if (!record) return true;
	await restoreNumber(api, record);
	await restoreService(api, record);
	delete staticData.setup;
	return true;
}
