import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { createTwilioClient, credentialProblem, readTwilioCredentials, secretsOf } from './client';
import { asTwilioRestError } from './errors';
import { CREDENTIAL_TEST_SEND } from '../http/send';
import { redact } from '../redact';

function describeFailure(error: unknown): string {
	const rest = asTwilioRestError(error);
	return rest
		? `Twilio error ${rest.code ?? rest.status}: ${rest.message}`
		: `Could not reach Twilio: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Fetch Account tells Trial from Full. A Standard API key may not read /Accounts (Twilio answers
 * 401/20003 even though the key works everywhere else), so for API keys a refused account fetch
 * falls back to listing one phone number: least-privilege keys still pass.
 */
export async function twilioApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const creds = readTwilioCredentials(credential.data ?? {});
	const problem = credentialProblem(creds);
	if (problem) return { status: 'Error', message: problem };
	const client = createTwilioClient(creds, CREDENTIAL_TEST_SEND);
	const secrets = secretsOf(creds);
	try {
		const account = await client.api.v2010.accounts(creds.accountSid).fetch();
		const trial = account.type === 'Trial' ? ' Trial accounts can only send to verified numbers.' : '';
		return { status: 'OK', message: `Connected to ${account.type} account "${account.friendlyName}" (${account.status}).${trial}` };
	} catch (error) {
		const rest = asTwilioRestError(error);
		if (creds.authType !== 'apiKey' || rest?.status !== 401) return { status: 'Error', message: redact(describeFailure(error), secrets) };
	}
	try {
		await client.api.v2010.account.incomingPhoneNumbers.page({ pageSize: 1 });
		return { status: 'OK', message: 'Connected with a Standard API key (account type is visible to Main keys and Auth Tokens only).' };
	} catch (error) {
		return { status: 'Error', message: redact(describeFailure(error), secrets) };
	}
}
