import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { CREDENTIAL_TEST_SEND, send } from '../http/send';
import { redact } from '../redact';

export const RESEND_DEFAULT_BASE_URL = 'https://api.resend.com';

/**
 * GET /domains works for full-access keys. A sending-only key gets 401 `restricted_api_key`, which
 * still proves the key is real and may send; only `validation_error`/`missing_api_key`-style 401/403
 * answers mean a bad key.
 */
export async function resendApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
	if (!apiKey) return { status: 'Error', message: 'The Resend credential has no API key' };
	const base = data.useCustomBaseUrl === true && typeof data.baseUrl === 'string' && data.baseUrl ? data.baseUrl.replace(/\/+$/, '') : RESEND_DEFAULT_BASE_URL;
	try {
		// Through send(), like every other call, so the test uses the same proxy settings as the nodes.
		const res = await send(
			{ method: 'GET', url: `${base}/domains`, headers: { Authorization: `Bearer ${apiKey}` } },
			{ kind: 'read', ...CREDENTIAL_TEST_SEND },
		);
		let body: { name?: string; message?: string } = {};
		try {
			body = JSON.parse(res.body) as typeof body;
		} catch {
			// Not JSON: a proxy or load balancer answered.
		}
		if (res.status >= 200 && res.status < 300) return { status: 'OK', message: 'Connected with a full-access API key.' };
		if (res.status === 401 && body.name === 'restricted_api_key') {
			return { status: 'OK', message: 'Connected with a sending-only API key (it can send email, nothing else).' };
		}
		return { status: 'Error', message: redact(`Resend answered ${res.status} ${body.name ?? ''}: ${body.message ?? 'unknown error'}`, [apiKey]) };
	} catch (error) {
		return { status: 'Error', message: redact(`Could not reach Resend: ${error instanceof Error ? error.message : String(error)}`, [apiKey]) };
	}
}
