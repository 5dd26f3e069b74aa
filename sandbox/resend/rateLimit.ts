/**
 * Resend's rate-limit headers on every answer: a fixed one-second window per sandbox, limit 5
 * (Resend's current default). The sandbox reports, it does not enforce: 429s come from the fault
 * settings (`rate429`), so tests decide when they happen.
 */
import type { SandboxCore } from '../core';

export const RESEND_RATE_LIMIT = 5;

const windows = new WeakMap<SandboxCore, { start: number; count: number }>();

export function rateLimitHeaders(core: SandboxCore, now = Date.now()): Record<string, string> {
	let w = windows.get(core);
	if (!w || now - w.start >= 1000) {
		w = { start: now, count: 0 };
		windows.set(core, w);
	}
	w.count++;
	return {
		'ratelimit-limit': String(RESEND_RATE_LIMIT),
		'ratelimit-remaining': String(Math.max(0, RESEND_RATE_LIMIT - w.count)),
		'ratelimit-reset': String(Math.max(1, Math.ceil((w.start + 1000 - now) / 1000))),
	};
}
