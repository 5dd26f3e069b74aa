/**
 * Resend's rate-limit headers (IETF draft 6), as numbers for the output item, so a workflow can
 * see how close it runs to the team's limit.
 */
export interface RateLimitInfo {
	limit: number | null;
	remaining: number | null;
	/** Seconds until the window resets. */
	reset: number | null;
}

export function readRateLimit(headers: Record<string, string> | null | undefined): RateLimitInfo {
	const num = (name: string) => {
		const v = headers?.[name];
		return v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
	};
	return { limit: num('ratelimit-limit'), remaining: num('ratelimit-remaining'), reset: num('ratelimit-reset') };
}
