/**
 * webhookMethods: n8n calls checkExists, then create if needed, on activation (and when a test
 * webhook starts listening), and delete on deactivation. Misconfiguration fails here, loudly,
 * before the number is touched: an unknown number, no Auth Token, an unusable URL.
 */
import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';
import { redact } from '../shared/redact';
import { loadTwilio, type TwilioContext } from '../shared/twilio/context';
import { asTwilioRestError } from '../shared/twilio/errors';
import type { TriggerEvent } from './events';
import { twilioNumbersApi } from '../shared/twilio/numbers';
import { createWebhook, deleteWebhook, SetupError, webhookExists, type Wanted } from './setup';
import { expectedUrl, signingToken } from '../shared/twilio/webhookRequest';

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[::1\])$/i;

/** The URL Twilio will be given, checked for what would make the trigger silently never fire. */
export function publicWebhookUrl(servedUrl: string, publicUrl: string | undefined, realTwilio: boolean): string {
	if (publicUrl) {
		if (!URL.canParse(publicUrl)) throw new SetupError(`The Public URL "${publicUrl}" is not a URL`);
		const parsed = new URL(publicUrl);
		if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname))) {
			throw new SetupError(`The Public URL must use https (got "${parsed.protocol}//${parsed.host}"): Twilio's requests, and their signatures, should not travel in clear text`);
		}
	}
	const url = expectedUrl(servedUrl, servedUrl, publicUrl);
	if (realTwilio && LOOPBACK.test(new URL(url).hostname)) {
		throw new SetupError(
			`n8n's webhook URL ${url} points at this machine, which Twilio cannot reach. Set n8n's WEBHOOK_URL, or the trigger's Public URL option (for a tunnel such as ngrok).`,
		);
	}
	return url;
}

interface HookSetup {
	twilio: TwilioContext;
	wanted?: Wanted;
	staticData: IDataObject;
}

/** Where the trigger takes inbound messages from: the number's own webhook, or a Messaging Service's. */
export type TriggerSource = 'phoneNumber' | 'messagingService';

const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

function locatorValue(ctx: IHookFunctions, name: string): string {
	return String(ctx.getNodeParameter(name, '', { extractValue: true }) ?? '').trim();
}

/** What activation must point at the trigger, from the node's settings; undefined when nothing is automatic. */
function wantedFrom(ctx: IHookFunctions, twilio: TwilioContext): Wanted | undefined {
	if (ctx.getNodeParameter('setupMode', 'automatic') !== 'automatic') return undefined;
	const events = ctx.getNodeParameter('events', []) as TriggerEvent[];
	const sms = events.includes('incomingSms');
	const voice = events.includes('incomingCall');
	const source = ctx.getNodeParameter('source', 'phoneNumber') as TriggerSource;
	const status = source === 'messagingService' && events.includes('messageStatus');
	if (!sms && !voice && !status) return undefined;
	const fail = (message: string) => new NodeOperationError(ctx.getNode(), message);
	// Only parameters the form shows may be read: n8n throws for a hidden resource locator.
	const number = voice || (sms && source === 'phoneNumber') ? locatorValue(ctx, 'phoneNumber') : '';
	const publicUrl = String((ctx.getNodeParameter('options', {}) as IDataObject).publicUrl ?? '').trim() || undefined;
	const url = () => guard(ctx, twilio, () => publicWebhookUrl(ctx.getNodeWebhookUrl('default') ?? '', publicUrl, twilio.credentials.baseUrl === undefined));
	if (source === 'messagingService') {
		if (voice && !number) {
			throw fail(`Incoming calls need a phone number: a Messaging Service routes only messages, and Twilio always sends a call to the number's own "A call comes in" webhook. Choose the Phone Number for calls, or remove the Incoming Call event.`);
		}
		const service = sms || status ? locatorValue(ctx, 'messagingService') : '';
		if ((sms || status) && !SERVICE_SID.test(service)) {
			throw fail(service ? `"${service}" is not a Messaging Service SID (MG followed by 32 hex characters)` : 'Choose the Messaging Service whose incoming messages the trigger should receive, or switch Webhook Set-Up to Manual');
		}
		return { url: url(), number: voice ? number : undefined, sms: false, voice, service: service ? { sid: service, inbound: sms, statusCallback: status } : undefined };
	}
	if (!number) throw fail('Choose the phone number whose webhooks the trigger should set, or switch Webhook Set-Up to Manual');
	const takeOverService = ctx.getNodeParameter('numberInService', 'fail') === 'useServiceUrl';
	return { url: url(), number, sms, voice, takeOverService };
}

async function prepare(ctx: IHookFunctions): Promise<HookSetup> {
	const twilio = await loadTwilio(ctx);
	if (!signingToken(twilio.credentials)) {
		throw new NodeOperationError(ctx.getNode(), 'The Twilio credential has no Auth Token for webhook signatures', {
			description:
				'Twilio signs webhooks with the account\'s Auth Token, not with an API key, and this trigger never accepts an unsigned request. Fill in "Auth Token (for Webhook Signatures)" in the API-key credential.',
		});
	}
	const staticData = ctx.getWorkflowStaticData('node') as IDataObject;
	return { twilio, staticData, wanted: wantedFrom(ctx, twilio) };
}

function guard<T>(ctx: IHookFunctions, twilio: TwilioContext, fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		throw setupError(ctx, twilio, e);
	}
}

function setupError(ctx: IHookFunctions, twilio: TwilioContext, e: unknown): NodeOperationError {
	if (e instanceof NodeOperationError) return e;
	const rest = asTwilioRestError(e);
	const message = e instanceof SetupError ? e.message : rest ? `Twilio refused the webhook set-up: ${rest.message} (code ${rest.code})` : (e as Error).message;
	return new NodeOperationError(ctx.getNode(), redact(message, twilio.secrets), {
		description: e instanceof SetupError ? undefined : 'The number and the Messaging Service were left as they were.',
	});
}

async function run<T>(ctx: IHookFunctions, twilio: TwilioContext, fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		throw setupError(ctx, twilio, e);
	}
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const { twilio, wanted, staticData } = await prepare(this);
	// Manual set-up and number triggers with only status events have nothing to create.
	if (!wanted) return true;
	return run(this, twilio, () => webhookExists(twilioNumbersApi(twilio.client), staticData, wanted));
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const { twilio, wanted, staticData } = await prepare(this);
	if (!wanted) return true;
	await run(this, twilio, () => createWebhook(twilioNumbersApi(twilio.client), staticData, wanted));
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node') as IDataObject;
	if (!staticData.setup) return true;
	const twilio = await loadTwilio(this);
	return run(this, twilio, () => deleteWebhook(twilioNumbersApi(twilio.client), staticData));
}
