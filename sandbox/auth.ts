/**
 * Twilio Basic auth. The username is an Account SID (password: its Auth Token) or an API key SID
 * (password: the key's secret; the key belongs to exactly one account). Comparisons are
 * constant-time, as a real server's would be, so the sandbox is not a bad example to copy.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Route, TwilioAuth } from './router';
import type { SandboxStore } from './state';
import { twilioErrors } from './twilio/errors';

function same(a: string, b: string): boolean {
	const ab = Buffer.from(a);
	const bb = Buffer.from(b);
	return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
	if (!header) return null;
	const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
	if (!m) return null;
	const decoded = Buffer.from(m[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return null;
	return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function authenticateTwilio(header: string | undefined, store: SandboxStore): TwilioAuth {
	const creds = parseBasicAuth(header);
	if (!creds) throw twilioErrors.authenticate();
	const account = store.accounts.get(creds.username);
	if (account) {
		if (account.status !== 'active' || !same(creds.password, account.authToken)) throw twilioErrors.authenticate();
		return { account, username: creds.username, credential: 'auth-token', keyType: null };
	}
	const key = store.apiKeys.get(creds.username);
	const keyAccount = key ? store.accounts.get(key.accountSid) : undefined;
	if (!key || !keyAccount || keyAccount.status !== 'active' || !same(creds.password, key.secret)) {
		throw twilioErrors.authenticate();
	}
	return { account: keyAccount, username: creds.username, credential: 'api-key', keyType: key.keyType };
}

/** Rules that depend on the route: account scoping of the URL, and Main-key-only endpoints. */
export function authorizeTwilio(route: Route, params: Record<string, string>, auth: TwilioAuth): void {
	// Twilio's docs: a Standard key "for an endpoint that requires a Main API key, such as /Accounts" gets 20003 (401).
	if (route.requiresMainKey && auth.credential === 'api-key' && auth.keyType !== 'main') throw twilioErrors.authenticate();
	if (route.accountParam) {
		const sid = params[route.accountParam];
		if (sid !== undefined && sid !== auth.account.sid) throw twilioErrors.permissionDenied();
	}
}
