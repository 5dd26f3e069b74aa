/**
 * GET /domains: what the credential test calls. Full-access keys see the verified domains; a
 * sending-only key gets 401 restricted_api_key, which tells the test "valid, but may only send".
 */
import { FIXTURE_DATE, RESEND_DOMAINS } from '../fixtures';
import type { Route } from '../router';
import { requireFullAccess } from './auth';
import { ResendApiError } from './errors';
import { rateLimitHeaders } from './rateLimit';
import { resendDate } from './render';

export const resendDomainRoutes: Route[] = [
	{
		name: 'resend.domains.list',
		method: 'GET',
		path: '/domains',
		auth: 'resend',
		handle: (ctx) => {
			const headers = rateLimitHeaders(ctx.core);
			try {
				requireFullAccess(ctx.resend);
			} catch (err) {
				if (err instanceof ResendApiError) return { ...err.toResponse(), headers };
				throw err;
			}
			const data = RESEND_DOMAINS.map((d) => ({ object: 'domain', ...d, created_at: resendDate(FIXTURE_DATE), capabilities: { sending: 'enabled', receiving: 'disabled' } }));
			return { status: 200, body: { object: 'list', has_more: false, data }, headers };
		},
	},
];

