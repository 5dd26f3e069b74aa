/**
 * What every Twilio node needs at run time, loaded once per execution (not once per item).
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type INode } from 'n8n-workflow';
import type { Twilio } from 'twilio';
import type { TransportSettings } from './transport';
import { createTwilioClient, credentialProblem, readTwilioCredentials, secretsOf, TWILIO_CREDENTIAL, type TwilioCredentials } from './client';

export interface TwilioContext {
	client: Twilio;
	credentials: TwilioCredentials;
	secrets: string[];
}

interface CredentialSource {
	getNode(): INode;
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

export async function loadTwilio(ctx: CredentialSource, settings: Partial<TransportSettings> = {}): Promise<TwilioContext> {
	let data: ICredentialDataDecryptedObject;
	try {
		data = await ctx.getCredentials(TWILIO_CREDENTIAL);
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'No Twilio credential is selected', {
			description: 'Open the node and choose a "Twilio Comms API" credential, or create one.',
		});
	}
	const credentials = readTwilioCredentials(data);
	const problem = credentialProblem(credentials);
	if (problem) throw new NodeOperationError(ctx.getNode(), problem, { description: 'Fix the Twilio credential and run again.' });
	return { client: createTwilioClient(credentials, settings), credentials, secrets: secretsOf(credentials) };
}
