/**
 * examples/verify-phone.json as shipped: one webhook sends a code with Verify Phone, another checks
 * it. A wrong code comes out as `valid: false` and takes the IF node's other branch; the code the
 * sandbox "sent" (read from its admin endpoint, as a user reads their phone) approves the number.
 */
import { VERIFY_SERVICE } from '../../sandbox/fixtures';
import { useN8n } from './harness';

const n8n = useN8n();
const PHONE = '+15555550177';

async function codeSentTo(phone: string): Promise<{ code: string; verificationSid: string; serviceSid: string; status: string }> {
	const res = await fetch(`${n8n.ctx.sandboxUrl}/__sandbox/verify/codes?to=${encodeURIComponent(phone)}`);
	expect(res.status).toBe(200);
	return (await res.json()) as { code: string; verificationSid: string; serviceSid: string; status: string };
}

describe('example: Verify a phone', () => {
	it('is imported from examples/ and active', () => {
		const wf = Object.values(n8n.ctx.workflows).find((w) => w.file.endsWith('verify-phone.json'));
		expect(wf?.active).toBe(true);
	});

	it('sends a code, rejects a wrong one without an error, then approves the right one', async () => {
		const start = await n8n.webhook<{ sent: boolean; to: string; verificationSid: string }>('verify/start', { phone: PHONE });
		expect(start.status).toBe(200);
		expect(start.json).toEqual({ sent: true, to: PHONE, verificationSid: expect.stringMatching(/^VE[0-9a-f]{32}$/) });

		const sent = await codeSentTo(PHONE);
		expect(sent).toMatchObject({ verificationSid: start.json.verificationSid, serviceSid: VERIFY_SERVICE.sid, status: 'pending' });
		expect(sent.code).toMatch(/^\d{6}$/);
		const wrong = sent.code === '000000' ? '111111' : '000000';

		const rejected = await n8n.webhook('verify/check', { phone: PHONE, code: wrong });
		expect(rejected.status).toBe(200);
		expect(rejected.json).toEqual({ verified: false, message: 'Wrong code, try again (pending)', to: PHONE });

		const approved = await n8n.webhook('verify/check', { phone: PHONE, code: sent.code });
		expect(approved.status).toBe(200);
		expect(approved.json).toEqual({ verified: true, message: 'Phone number verified', to: PHONE });

		// Approved verifications are over: nothing is pending for the number any more.
		const after = await fetch(`${n8n.ctx.sandboxUrl}/__sandbox/verify/codes?to=${encodeURIComponent(PHONE)}`);
		expect(after.status).toBe(404);
	});

	it('a code that is not 4-10 digits fails in Verify Phone before any request', async () => {
		const res = await n8n.webhook('verify/check', { phone: PHONE, code: 'abc' });
		expect(res.status).toBe(500);
		expect(res.json).toEqual({ message: 'Error in workflow' });
	});
});
