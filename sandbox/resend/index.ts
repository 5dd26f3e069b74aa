/** The Resend part of the sandbox: every route, for sandbox/routes.ts. */
import type { Route } from '../router';
import { resendDomainRoutes } from './domains';
import { resendEmailRoutes } from './emails';
import { resendWebhookRoutes } from './webhooks';

export const resendRoutes: Route[] = [...resendEmailRoutes, ...resendDomainRoutes, ...resendWebhookRoutes];
export { resendFaultErrors } from './errors';
export { authenticateResend } from './auth';
export type { ResendAuth } from './auth';
export type { EmailRecord, IdempotencyRecord } from './types';
