/**
 * Routing a reply SMS to the execution waiting for it (Send SMS → Send and Wait, "Wait for Reply").
 *
 * Twilio posts every inbound SMS of a number to one URL, and many executions may wait on that number
 * for different recipients. The Twilio Comms Trigger that owns the number's SMS URL is the router:
 * - Before it sends, the waiting node registers (our number, recipient) → its resume URL with that
 *   trigger, in a request signed like a Twilio JSON webhook (bodySHA256), so only a holder of the
 *   account's Auth Token can register. The trigger keeps it in its workflow's static data (in the
 *   database: it survives restarts and every n8n process sees it). A newer wait for the same pair
 *   replaces the older one.
 * - An inbound SMS from that recipient to that number is forwarded, signed as Twilio signs it, to the
 *   resume URL, and the trigger's own workflow does not run. Any other SMS goes where it went before.
 */
import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { sign, type FormParams } from './signature';

/** The parameter that marks a registration (it never appears in Twilio's own requests). */
export const AWAIT_REPLY_PARAM = 'N8nCommsAwaitReply';

export interface ReplyWait {
	/** Our number (the SMS's From, the reply's To), as Twilio writes it. */
	number: string;
	/** The recipient (the reply's From). */
	recipient: string;
	resumeUrl: string;
	expiresAt: number;
}

const MAX_WAITS = 1_000;
const keyOf = (number: string, recipient: string) => `${number}|${recipient}`;

interface Entry {
	url: string;
	expiresAt: number;
	registeredAt: number;
}
type Stored = Record<string, Entry>;

/*
 * n8n hands each webhook request the static data as it was when the request began, and saves it
 * whole when the request is answered. Registrations that arrive together (three executions starting
 * at once) would each save a copy without the others. So this process also keeps what it has
 * registered and taken, and merges that into every copy it saves: within one n8n process nothing is
 * lost or resurrected. Across processes (queue mode with several webhook processes) the last save of
 * two simultaneous ones wins; see the README.
 */
const local = new Map<string, Entry>();
/** Entries this process handed to their execution: key → the url taken, so a stale copy cannot bring one back. */
const taken = new Map<string, { url: string; at: number }>();

function isEntry(v: unknown): v is Entry {
	const e = v as Entry;
	return !!e && typeof e.url === 'string' && typeof e.expiresAt === 'number';
}

function merged(staticData: IDataObject, now: number): Stored {
	const out: Stored = {};
	const consider = (k: string, e: Entry) => {
		if (e.expiresAt <= now) return;
		if (taken.get(k)?.url === e.url) return;
		const have = out[k];
		if (!have || (e.registeredAt ?? 0) > (have.registeredAt ?? 0)) out[k] = { url: e.url, expiresAt: e.expiresAt, registeredAt: e.registeredAt ?? 0 };
	};
	for (const [k, v] of Object.entries((staticData.replyWaits ?? {}) as Record<string, unknown>)) if (isEntry(v)) consider(k, v);
	for (const [k, v] of local) consider(k, v);
	for (const [k, v] of local) if (v.expiresAt <= now) local.delete(k);
	for (const [k, v] of taken) if (now - v.at > 24 * 60 * 60_000) taken.delete(k);
	const keys = Object.keys(out).sort((a, b) => out[a].registeredAt - out[b].registeredAt);
	for (const k of keys.slice(0, Math.max(0, keys.length - MAX_WAITS))) delete out[k];
	return out;
}

/** Remembers a wait; the latest for a (number, recipient) pair wins. Assigned, not mutated: n8n notices property sets. */
export function rememberWait(staticData: IDataObject, w: ReplyWait, now = Date.now()): void {
	const k = keyOf(w.number, w.recipient);
	const entry = { url: w.resumeUrl, expiresAt: w.expiresAt, registeredAt: now };
	local.set(k, entry);
	if (local.size > MAX_WAITS) local.delete(local.keys().next().value as string);
	staticData.replyWaits = { ...merged(staticData, now), [k]: entry };
}

/** The resume URL waiting for a reply from `recipient` to `number`, removed from the registry. */
export function takeWait(staticData: IDataObject, number: string, recipient: string, now = Date.now()): string | undefined {
	const k = keyOf(number, recipient);
	const stored = (staticData.replyWaits ?? {}) as Record<string, unknown>;
	// Most SMS are nobody's reply: leave static data untouched then, so n8n has nothing to save.
	if (!(k in stored) && !local.has(k)) return undefined;
	const waits = merged(staticData, now);
	const found = waits[k];
	if (found) {
		delete waits[k];
		local.delete(k);
		taken.set(k, { url: found.url, at: now });
	}
	staticData.replyWaits = waits;
	return found?.url;
}

/** A registration as the trigger receives it, or undefined when the request is not one. */
export function readRegistration(params: Record<string, string | string[] | undefined>): ReplyWait | undefined {
	if (params[AWAIT_REPLY_PARAM] !== '1') return undefined;
	const text = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : '');
	const expiresAt = Number(text('ExpiresAt'));
	if (!text('Number') || !text('Recipient') || !URL.canParse(text('ResumeUrl')) || !Number.isFinite(expiresAt)) return undefined;
	return { number: text('Number'), recipient: text('Recipient'), resumeUrl: text('ResumeUrl'), expiresAt };
}

/** The request the waiting node sends the trigger: a JSON body, signed as Twilio signs JSON webhooks. */
export function registrationRequest(routerUrl: string, authToken: string, w: ReplyWait): { url: string; body: string; signature: string } {
	const body = JSON.stringify({ [AWAIT_REPLY_PARAM]: '1', Number: w.number, Recipient: w.recipient, ResumeUrl: w.resumeUrl, ExpiresAt: String(w.expiresAt) });
	const url = new URL(routerUrl);
	url.searchParams.set('bodySHA256', createHash('sha256').update(body).digest('hex'));
	return { url: url.toString(), body, signature: sign(authToken, url.toString()) };
}

export async function registerWait(routerUrl: string, authToken: string, w: ReplyWait): Promise<{ ok: boolean; status: number; text: string }> {
	const r = registrationRequest(routerUrl, authToken, w);
	try {
		const res = await fetch(r.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-twilio-signature': r.signature },
			body: r.body,
			signal: AbortSignal.timeout(15_000),
		});
		const text = await res.text();
		return { ok: res.ok && /"registered"\s*:\s*true/.test(text), status: res.status, text: text.slice(0, 300) };
	} catch (error) {
		return { ok: false, status: 0, text: (error as Error).message };
	}
}

/** Hands Twilio's inbound SMS on to the waiting execution, signed as Twilio would have signed it for that URL. */
export async function forwardReply(resumeUrl: string, authToken: string, params: FormParams, timeoutMs = 10_000): Promise<{ status: number; contentType: string; body: string; unanswered?: boolean }> {
	const form = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) form.append(k, x);
	try {
		const res = await fetch(resumeUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(authToken, resumeUrl, params) },
			body: form.toString(),
			signal: AbortSignal.timeout(timeoutMs),
		});
		return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
	} catch (error) {
		// Sent but not answered in time: n8n may well have resumed the execution (a loaded n8n can take
		// longer than this to answer), so the caller must not hand the reply to its workflow as well.
		// fetch rejects with the signal's reason, a DOMException, which is not always an Error here.
		const name = (e: unknown) => (typeof e === 'object' && e !== null ? String((e as { name?: unknown }).name) : '');
		const timedOut = ['TimeoutError', 'AbortError'].includes(name(error)) || ['TimeoutError', 'AbortError'].includes(name((error as { cause?: unknown } | null)?.cause));
		return { status: 0, contentType: '', body: '', unanswered: timedOut };
	}
}
