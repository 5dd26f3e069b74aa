import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
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
		const res = await fetch(`${base}/domains`, { headers: { Authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(15_000) });
		const body = (await res.json().catch(() => ({}))) as { name?: string; message?: string };
		if (res.ok) return { status: 'OK', message: 'Connected with a full-access API key.' };
		if (res.status === 401 && body.name === 'restricted_api_key') {
			return { status: 'OK', message: 'Connected with a sending-only API key (it can send email, nothing else).' };
		}
		return { status: 'Error', message: redact(`Resend answered ${res.status} ${body.name ?? ''}: ${body.message ?? 'unknown error'}`, [apiKey]) };
	} catch (error) {
		return { status: 'Error', message: redact(`Could not reach Resend: ${error instanceof Error ? error.message : String(error)}`, [apiKey]) };
	}
}
