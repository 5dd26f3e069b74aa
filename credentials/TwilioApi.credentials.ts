import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * There is deliberately no declarative `test` here: n8n prefers it over a node's `testedBy` and then
 * can only say "Connection successful!". Our nodes declare `testedBy: 'twilioApiTest'`, which fetches
 * the account and reports whether it is a Trial or Full account (see nodes/shared/twilio/credentialTest.ts).
 */
export class TwilioApi implements ICredentialType {
	name = 'twilioCommsApi';

	displayName = 'Twilio Comms API';

	documentationUrl = 'https://www.twilio.com/docs/iam/api-keys';

	icon = 'file:twilio.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Auth Type',
			name: 'authType',
			type: 'options',
			default: 'authToken',
			options: [
				{ name: 'Auth Token', value: 'authToken', description: 'Account SID with its Auth Token' },
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'An API Key SID and Secret; revocable without changing the Auth Token',
				},
			],
		},
		{
			displayName: 'Account SID',
			name: 'accountSid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			hint: 'Starts with AC followed by 32 hexadecimal characters. Find it on the Twilio Console home page.',
		},
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['authToken'] } },
			required: true,
		},
		{
			displayName: 'API Key SID',
			name: 'apiKeySid',
			// The SID names the key; only the Secret is secret.
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing
			type: 'string',
			default: '',
			placeholder: 'SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			displayOptions: { show: { authType: ['apiKey'] } },
			required: true,
		},
		{
			displayName: 'API Key Secret',
			name: 'apiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['apiKey'] } },
			required: true,
		},
		{
			displayName: 'Auth Token (for Webhook Signatures)',
			name: 'webhookAuthToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['apiKey'] } },
			description:
				'Twilio signs webhooks with the Auth Token, never with an API key. The Twilio Trigger needs it to verify that requests come from Twilio.',
		},
		{
			displayName: 'Default From Number',
			name: 'defaultFrom',
			type: 'string',
			default: '',
			placeholder: '+14155550123',
			description: 'Used when a node leaves From empty. E.164 format.',
		},
		{
			displayName: 'Default Messaging Service SID',
			name: 'messagingServiceSid',
			type: 'string',
			default: '',
			placeholder: 'MGxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			description: 'Optional. Used by Send SMS when neither From nor a Messaging Service is set on the node.',
		},
		{
			displayName: 'Default Verify Service SID',
			name: 'verifyServiceSid',
			type: 'string',
			default: '',
			placeholder: 'VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			description: 'Optional. Used by Verify Phone when its Verify Service is left empty.',
		},
		{
			displayName: 'Use Custom API Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description: 'Whether to send requests to another address, such as the local sandbox, a proxy or a regional edge',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8787',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
			description:
				'Replaces https://api.twilio.com, https://messaging.twilio.com, https://verify.twilio.com and https://lookups.twilio.com for every request',
		},
	];

	// Lets the HTTP Request node reuse this credential ("Predefined credential type").
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{ $credentials.authType === "apiKey" ? $credentials.apiKeySid : $credentials.accountSid }}',
				password: '={{ $credentials.authType === "apiKey" ? $credentials.apiKeySecret : $credentials.authToken }}',
			},
		},
	};
}
