/**
 * A small client for n8n's internal REST API (`/rest/...`), the one the editor itself uses: it
 * needs no API key and works on a fresh instance right after owner set-up. Every request has a
 * time limit, and an error names the method, path, status and n8n's message.
 */
import { harnessFetch } from './http';

export class N8nRestError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: unknown,
	) {
		const msg = (body as { message?: string } | null)?.message ?? (typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body)?.slice(0, 300));
		super(`n8n ${method} ${path} answered ${status}: ${msg}`);
		this.name = 'N8nRestError';
	}
}

export interface RestOptions {
	timeoutMs?: number;
	/** Return the answer for these statuses instead of throwing. */
	allow?: number[];
}

export interface RestAnswer<T> {
	status: number;
	data: T;
	raw: unknown;
}

// Logging in with a browser id binds the session to it; sending one constant id keeps that check happy.
const BROWSER_ID = 'n8n-nodes-comms-harness';

export class N8nRest {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	get authCookie(): string {
		return this.cookie;
	}

	/** Reuses a session logged in elsewhere: n8n rate-limits /rest/login, so many test files must not each log in. */
	useSession(authCookie: string): this {
		this.cookie = authCookie;
		return this;
	}

	async request<T = unknown>(method: string, path: string, body?: unknown, opts: RestOptions = {}): Promise<RestAnswer<T>> {
		const headers: Record<string, string> = { accept: 'application/json', 'browser-id': BROWSER_ID };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		const res = await harnessFetch(`${this.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
		const text = await res.text();
		let raw: unknown = text;
		try {
			raw = text ? JSON.parse(text) : null;
		} catch {
			// not JSON: keep the text for the error
		}
		if (!res.ok && !(opts.allow ?? []).includes(res.status)) throw new N8nRestError(method, path, res.status, raw);
		const data = (raw && typeof raw === 'object' && 'data' in raw ? (raw as { data: unknown }).data : raw) as T;
		return { status: res.status, data, raw };
	}

	get<T = unknown>(path: string, opts?: RestOptions) {
		return this.request<T>('GET', path, undefined, opts);
	}

	post<T = unknown>(path: string, body?: unknown, opts?: RestOptions) {
		return this.request<T>('POST', path, body ?? {}, opts);
	}

	patch<T = unknown>(path: string, body?: unknown, opts?: RestOptions) {
		return this.request<T>('PATCH', path, body ?? {}, opts);
	}

	delete<T = unknown>(path: string, opts?: RestOptions) {
		return this.request<T>('DELETE', path, undefined, opts);
	}
}
