/**
 * The contract check shared by every contract suite: each API request the sandbox recorded since
 * its last reset, and each 2xx answer, must validate against the vendor's official OpenAPI spec.
 */
import { expect } from '@jest/globals';
import type { Sandbox } from '../../sandbox';
import { validateRequest, validateResponse, type OpenApiSpec } from './openapi';

/** Returns how many requests were checked, so a suite can assert that something was sent at all. */
export function checkRecordedRequests(sandbox: Sandbox, specFor: (path: string) => OpenApiSpec): number {
	const requests = sandbox.state.requests.filter((r) => !r.path.startsWith('/__sandbox'));
	for (const r of requests) {
		const spec = specFor(r.path);
		// Form bodies (Twilio) and JSON bodies with headers (Resend): each request carries only its own kind.
		const req = validateRequest(spec, { method: r.method, path: r.path, query: r.query, form: r.form, json: r.json, headers: r.headers });
		expect({ request: `${r.method} ${r.path}`, errors: req.errors }).toEqual({ request: `${r.method} ${r.path}`, errors: [] });
		if (r.status >= 200 && r.status < 300) {
			const res = validateResponse(spec, { method: r.method, path: r.path, status: r.status, body: r.responseBody });
			expect({ response: `${r.method} ${r.path} ${r.status}`, errors: res.errors }).toEqual({ response: `${r.method} ${r.path} ${r.status}`, errors: [] });
		}
	}
	return requests.length;
}
