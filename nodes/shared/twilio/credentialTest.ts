import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { createTwilioClient, credentialProblem, readTwilioCredentials, secretsOf } from './client';
import { asTwilioRestError } from './errors';
import { redact } from '../redact';

/** Fetch Account: the cheapest call that every valid credential, token or API key, may make. */
export async function twilioApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const creds = readTwilioCredentials(credential.data ?? {});
	const problem = credentialProblem(creds);
	if (problem) return { status: 'Error', message: problem };
	try {
		const client = createTwilioClient(creds, { timeoutMs: 15_000, retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 } });
		const account = await client.api.v2010.accounts(creds.accountSid).fetch();
		const trial = account.type === 'Trial' ? ' Trial accounts can only send to verified numbers.' : '';
		return {
			status: 'OK',
			message: `Connected to ${account.type} account "${account.friendlyName}" (${account.status}).${trial}`,
		};
	} catch (error) {
		const rest = asTwilioRestError(error);
		const message = rest
			? `Twilio error ${rest.code ?? rest.status}: ${rest.message}`
			: `Could not reach Twilio: ${error instanceof Error ? error.message : String(error)}`;
		return { status: 'Error', message: redact(message, secretsOf(creds)) };
	}
}
