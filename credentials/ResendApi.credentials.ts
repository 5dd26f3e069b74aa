import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * No declarative `test`: Resend's sending-only keys get 401 `restricted_api_key` on every read, so a
 * plain request would call a perfectly good key broken. The nodes' `testedBy: 'resendApiTest'`
 * tells the two apart (see nodes/shared/resend/credentialTest.ts).
 */
export class ResendApi implements ICredentialType {
	name = 'resendCommsApi';

	displayName = 'Resend Comms API';

	documentationUrl = 'https://resend.com/docs/api-reference/api-keys/create-api-key';

	// Resend's black badge, drawn white on the dark theme.
	icon = { light: 'file:resend.svg', dark: 'file:resend.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 're_xxxxxxxx',
			hint: 'A "Sending access" key is enough to send email',
		},
		{
			displayName: 'Default From',
			name: 'defaultFrom',
			type: 'string',
			default: '',
			placeholder: 'Alerts <alerts@example.com>',
			description: 'Used when Send Email leaves From empty. The domain must be verified in Resend.',
		},
		{
			displayName: 'Use Custom API Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description: 'Whether to send requests to another address, such as the local sandbox or a proxy',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8787',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
			description: 'Replaces https://api.resend.com for every request',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};
}
