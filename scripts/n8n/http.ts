/**
 * HTTP from the harness to the n8n processes it started. Two things make a busy two-core machine
 * safe: no keep-alive (a socket n8n closed while idle, reused a moment later, failed with "other side
 * closed" on a cold run while five n8n processes started), and one retry for a request that is safe
 * to repeat when the connection still breaks.
 */
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';

// pipelining 0: undici opens a connection per request and closes it after the answer.
const noKeepAlive = new Agent({ pipelining: 0 });

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const CONNECTION_BROKE = /other side closed|ECONNRESET|UND_ERR_SOCKET|socket hang up/i;

function brokenConnection(e: unknown): boolean {
	let cur: unknown = e;
	for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
		const { code, message } = cur as { code?: unknown; message?: unknown };
		if (CONNECTION_BROKE.test(`${String(code ?? '')} ${String(message ?? '')}`)) return true;
		cur = (cur as { cause?: unknown }).cause;
	}
	return false;
}

export type HarnessResponse = Awaited<ReturnType<typeof undiciFetch>>;

export async function harnessFetch(url: string, init: UndiciRequestInit = {}): Promise<HarnessResponse> {
	const method = (init.method ?? 'GET').toUpperCase();
	try {
		return await undiciFetch(url, { ...init, dispatcher: noKeepAlive });
	} catch (e) {
		if (!IDEMPOTENT.has(method) || !brokenConnection(e) || init.signal?.aborted) throw e;
		return await undiciFetch(url, { ...init, dispatcher: noKeepAlive });
	}
}
