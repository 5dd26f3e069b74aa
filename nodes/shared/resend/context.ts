/**
 * What Send Email needs at run time, loaded once per execution (not once per item).
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type INode } from 'n8n-workflow';
import { ResendClient, RESEND_CREDENTIAL, type ClientSettings } from './client';
import { RESEND_DEFAULT_BASE_URL } from './credentialTest';

export interface ResendCredentials {
	apiKey: string;
	defaultFrom?: string;
	baseUrl: string;
}

export interface ResendContext {
	client: ResendClient;
	credentials: ResendCredentials;
	secrets: string[];
}

export function readResendCredentials(data: ICredentialDataDecryptedObject): ResendCredentials {
	const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
	return {
		apiKey: str(data.apiKey),
		defaultFrom: str(data.defaultFrom) || undefined,
		baseUrl: data.useCustomBaseUrl === true && str(data.baseUrl) ? str(data.baseUrl).replace(/\/+$/, '') : RESEND_DEFAULT_BASE_URL,
	};
}

interface CredentialSource {
	getNode(): INode;
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

export async function loadResend(ctx: CredentialSource, settings: Partial<ClientSettings> = {}): Promise<ResendContext> {
	let data: ICredentialDataDecryptedObject;
	try {
		data = await ctx.getCredentials(RESEND_CREDENTIAL);
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'No Resend credential is selected', {
			description: 'Open the node and choose a "Resend Comms API" credential, or create one.',
		});
	}
	const credentials = readResendCredentials(data);
	const fix = { description: 'Fix the Resend credential and run again.' };
	if (!credentials.apiKey) throw new NodeOperationError(ctx.getNode(), 'The Resend credential has no API key', fix);
	if (!/^https?:\/\/[^/]+/.test(credentials.baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), `The API Base URL "${credentials.baseUrl}" in the Resend credential is not an http(s) URL`, fix);
	}
	return {
		client: new ResendClient(credentials.apiKey, credentials.baseUrl, settings),
		credentials,
		secrets: [credentials.apiKey],
	};
}
