/**
 * Every vendor API route the sandbox serves. New APIs (Calls, Verify v2, Resend) add their
 * module's `Route[]` here; the server, auth, faults and request recording need no change.
 */
import type { Route } from './router';
import { accountRoutes } from './twilio/accounts';
import { callRoutes } from './twilio/calls';
import { messageRoutes } from './twilio/messages';
import { messagingServiceRoutes } from './twilio/messaging-services';
import { numberRoutes } from './twilio/numbers';
import { recordingRoutes } from './twilio/recordings';
import { resendRoutes } from './resend';
import { verifyRoutes } from './twilio/verify';
import { lookupRoutes } from './twilio/lookups';
import { eventsRoutes } from './twilio/events';

export const apiRoutes: readonly Route[] = [...accountRoutes, ...messageRoutes, ...numberRoutes, ...messagingServiceRoutes, ...callRoutes, ...recordingRoutes, ...resendRoutes, ...verifyRoutes, ...lookupRoutes, ...eventsRoutes];
