/**
 * One way to get a Twilio client from n8n credentials, for every node, list search and credential test.
 */
import twilio, { type Twilio } from 'twilio';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { TwilioTransport, type TransportSettings } from './transport';

// Node descriptions write this name as a literal, so n8n's lint rules can match each node's
// credentials (and their testedBy) against the classes in credentials/.
export const TWILIO_CREDENTIAL = 'twilioCommsApi';

export interface TwilioCredentials {
	authType: 'authToken' | 'apiKey';
	accountSid: string;
	authToken?: string;
	apiKeySid?: string;
	apiKeySecret?: string;
	webhookAuthToken?: string;
	defaultFrom?: string;
	messagingServiceSid?: string;
	verifyServiceSid?: string;
	baseUrl?: string;
}

/** Every value that must never appear in an output, error or log line. */
export function secretsOf(c: TwilioCredentials): string[] {
	return [c.authToken, c.apiKeySecret, c.webhookAuthToken].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

export function readTwilioCredentials(data: ICredentialDataDecryptedObject): TwilioCredentials {
	const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
	const authType = data.authType === 'apiKey' ? 'apiKey' : 'authToken';
	return {
		authType,
		accountSid: str(data.accountSid),
		authToken: str(data.authToken) || undefined,
		apiKeySid: str(data.apiKeySid) || undefined,
		apiKeySecret: str(data.apiKeySecret) || undefined,
		webhookAuthToken: str(data.webhookAuthToken) || undefined,
		defaultFrom: str(data.defaultFrom) || undefined,
		messagingServiceSid: str(data.messagingServiceSid) || undefined,
		verifyServiceSid: str(data.verifyServiceSid) || undefined,
		baseUrl: data.useCustomBaseUrl === true && str(data.baseUrl) ? str(data.baseUrl).replace(/\/+$/, '') : undefined,
	};
}

/** Problems that make every request fail, found before any request is sent. */
export function credentialProblem(c: TwilioCredentials): string | undefined {
	if (!/^AC[0-9a-fA-F]{32}$/.test(c.accountSid)) {
		return 'The Account SID in the Twilio credential must be "AC" followed by 32 hexadecimal characters';
	}
	if (c.authType === 'authToken' && !c.authToken) return 'The Twilio credential has no Auth Token';
	if (c.authType === 'apiKey' && (!c.apiKeySid || !c.apiKeySecret)) {
		return 'The Twilio credential uses an API key but lacks the API Key SID or Secret';
	}
	if (c.baseUrl !== undefined && !/^https?:\/\/[^/]+/.test(c.baseUrl)) {
		return `The API Base URL "${c.baseUrl}" in the Twilio credential is not an http(s) URL`;
	}
	return undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function createTwilioClient(c: TwilioCredentials, settings: Partial<TransportSettings> = {}): Twilio {
	const [username, password] = c.authType === 'apiKey' ? [c.apiKeySid!, c.apiKeySecret!] : [c.accountSid, c.authToken!];
	const client = twilio(username, password, {
		accountSid: c.accountSid,
		httpClient: new TwilioTransport({ timeoutMs: DEFAULT_TIMEOUT_MS, ...settings }) as never,
	});
	if (c.baseUrl) {
		// Each domain joins its own base URL with the path; the sandbox serves them all on one origin.
		for (const domain of [client.api, client.messaging, client.verify, client.lookups]) domain.baseUrl = c.baseUrl;
	}
	return client;
}
