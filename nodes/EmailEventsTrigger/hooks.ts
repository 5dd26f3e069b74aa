/**
 * webhookMethods for automatic set-up: n8n calls checkExists, then create when it answers false, on
 * activation (and when the editor listens for a test event), and delete on deactivation. The Resend
 * webhook's id and signing secret live in the node's static data, where webhook() reads the secret.
 *
 * Registrations are kept per URL: while the workflow is active, listening for a test event in the
 * editor registers the test URL next to the production one, and must neither replace nor delete it.
 */
import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';
import { loadResend, type ResendContext } from '../shared/resend/context';
import { RESEND_DEFAULT_BASE_URL } from '../shared/resend/credentialTest';
import { toNodeError } from '../shared/resend/errors';
import { WebhooksApi } from './api';

/** What static data keeps about the webhook this node created. */
export interface Registration {
	webhookId: string;
	url: string;
	events: string[];
	signingSecret: string;
}

function registrations(staticData: IDataObject): Record<string, Registration> {
	const all = staticData.registrations;
	return all && typeof all === 'object' && !Array.isArray(all) ? (all as unknown as Record<string, Registration>) : {};
}

/** The registration of the webhook Resend sends `url`'s events from, if this node made one. */
export function readRegistration(staticData: IDataObject, url: string): Registration | undefined {
	const r = registrations(staticData)[url] as Partial<Registration> | undefined;
	if (!r || typeof r !== 'object') return undefined;
	if (typeof r.webhookId !== 'string' || typeof r.url !== 'string' || typeof r.signingSecret !== 'string' || !Array.isArray(r.events)) return undefined;
	return r as Registration;
}

/** Assigned as a new object, not mutated: n8n notices static-data changes through property sets. */
function writeRegistration(staticData: IDataObject, url: string, registration: Registration | undefined): void {
	const next = { ...registrations(staticData) };
	if (registration) next[url] = registration;
	else delete next[url];
	staticData.registrations = next as unknown as IDataObject;
}

const sameEvents = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[::1\])$/i;

interface HookSetup {
	resend: ResendContext;
	api: WebhooksApi;
	staticData: IDataObject;
}

function automatic(ctx: IHookFunctions): boolean {
	return ctx.getNodeParameter('setupMode', 'automatic') === 'automatic';
}

async function prepare(ctx: IHookFunctions): Promise<HookSetup> {
	const resend = await loadResend(ctx);
	return { resend, api: new WebhooksApi(resend.credentials.apiKey, resend.credentials.baseUrl), staticData: ctx.getWorkflowStaticData('node') as IDataObject };
}

/** The URL and events Resend should have, checked for what would make the trigger silently never fire. */
function wanted(ctx: IHookFunctions, resend: ResendContext): { url: string; events: string[] } {
	const url = ctx.getNodeWebhookUrl('default') ?? '';
	const events = [...new Set(ctx.getNodeParameter('events', []) as string[])];
	if (events.length === 0) throw new NodeOperationError(ctx.getNode(), 'Choose at least one event for Resend to send');
	if (!URL.canParse(url)) throw new NodeOperationError(ctx.getNode(), `n8n's webhook URL "${url}" is not a URL`);
	if (resend.credentials.baseUrl === RESEND_DEFAULT_BASE_URL && LOOPBACK.test(new URL(url).hostname)) {
		throw new NodeOperationError(ctx.getNode(), `n8n's webhook URL ${url} points at this machine, which Resend cannot reach`, {
			description: "Set n8n's WEBHOOK_URL to the public https address n8n is reached at (a tunnel such as ngrok works), or switch Webhook Set-Up to Manual.",
		});
	}
	return { url, events };
}

function failure(ctx: IHookFunctions, resend: ResendContext, error: unknown): Error {
	const signingSecrets = Object.values(registrations(ctx.getWorkflowStaticData('node') as IDataObject)).map((r) => String(r.signingSecret ?? ''));
	return toNodeError(ctx.getNode(), error, 0, [...resend.secrets, ...signingSecrets], 'Resend webhook set-up');
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	if (!automatic(this)) return true;
	const { resend, api, staticData } = await prepare(this);
	const want = wanted(this, resend);
	const stored = readRegistration(staticData, want.url);
	if (!stored || stored.url !== want.url || !sameEvents(stored.events, want.events)) return false;
	try {
		const remote = await api.get(stored.webhookId);
		// Gone, edited in Resend's dashboard, or disabled after failed deliveries: create() replaces it.
		return !!remote && remote.endpoint === want.url && sameEvents(remote.events, want.events) && remote.status === 'enabled';
	} catch (error) {
		throw failure(this, resend, error);
	}
}

export async function create(this: IHookFunctions): Promise<boolean> {
	if (!automatic(this)) return true;
	const { resend, api, staticData } = await prepare(this);
	const want = wanted(this, resend);
	try {
		// Webhooks that point at this URL are this node's earlier ones (the URL carries the node's
		// webhook id): the one static data remembers, or one whose record was lost with static data.
		// Each would deliver every event again, signed with a secret this node no longer has.
		const stale = new Set((await api.list()).filter((w) => w.endpoint === want.url).map((w) => w.id));
		const stored = readRegistration(staticData, want.url);
		if (stored) stale.add(stored.webhookId);
		for (const id of stale) await api.remove(id);
		writeRegistration(staticData, want.url, undefined);
		const created = await api.create(want.url, want.events);
		writeRegistration(staticData, want.url, { webhookId: created.id, url: want.url, events: want.events, signingSecret: created.signingSecret });
		return true;
	} catch (error) {
		throw failure(this, resend, error);
	}
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node') as IDataObject;
	// Whatever the set-up mode is now: a webhook made while it was Automatic must still go.
	const url = this.getNodeWebhookUrl('default') ?? '';
	const stored = readRegistration(staticData, url);
	if (!stored) return true;
	const { resend, api } = await prepare(this);
	try {
		// 404: someone deleted it in Resend already, which is what deactivation wants.
		await api.remove(stored.webhookId);
	} catch (error) {
		throw failure(this, resend, error);
	}
	writeRegistration(staticData, url, undefined);
	return true;
}
