/**
 * The packed package as n8n sees it: its node and credential types are listed, the action nodes are
 * offered as AI Agent tools, and n8n's credential test (what the editor's "Test" button calls)
 * runs our test against the sandbox, failing clearly and without secrets on a wrong token.
 */
import { FULL_ACCOUNT, RESEND_FULL_KEY } from '../../sandbox/fixtures';
import { credentialTestBody, credentialTypes, nodeTypes, testCredential } from '../../scripts/n8n/instance';
import { useN8n } from './harness';

const n8n = useN8n();

describe('n8n knows the package', () => {
	it('lists every node and credential type of the package', async () => {
		const nodes = await nodeTypes(n8n.rest);
		const names = new Set(nodes.map((n) => n.name));
		// package.json lists them; the new ones are named so that a dropped entry is noticed.
		for (const type of ['sendSms', 'lookUpPhone', 'emailEventsTrigger']) expect(n8n.ctx.pkg.nodeTypes).toContain(`n8n-nodes-comms.${type}`);
		for (const type of n8n.ctx.pkg.nodeTypes) expect(names).toContain(type);
		const sendSms = nodes.find((n) => n.name === 'n8n-nodes-comms.sendSms');
		expect(sendSms).toMatchObject({ displayName: 'Send SMS', usableAsTool: true, credentials: [expect.objectContaining({ name: 'twilioCommsApi' })] });
		expect(nodes.find((n) => n.name === 'n8n-nodes-comms.lookUpPhone')).toMatchObject({ displayName: 'Look Up Phone', usableAsTool: true, credentials: [expect.objectContaining({ name: 'twilioCommsApi' })] });
		expect(nodes.find((n) => n.name === 'n8n-nodes-comms.emailEventsTrigger')).toMatchObject({ displayName: 'Email Events Trigger', group: ['trigger'], credentials: [expect.objectContaining({ name: 'resendCommsApi' })] });
		// n8n derives a tool variant of each usableAsTool node when community tool usage is allowed.
		// Only the package's own types: n8n also derives a human-in-the-loop tool (voiceMessageHitlTool) from
		// a node with a sendAndWait operation, and that derived type is itself marked usableAsTool.
		const tools = nodes.filter((n) => n8n.ctx.pkg.nodeTypes.includes(n.name) && n.usableAsTool).map((n) => `${n.name}Tool`);
		expect(tools).toEqual(expect.arrayContaining(['n8n-nodes-comms.sendSmsTool', 'n8n-nodes-comms.lookUpPhoneTool']));
		// Triggers are not tools.
		expect(tools).not.toContain('n8n-nodes-comms.emailEventsTriggerTool');
		expect(tools).not.toContain('n8n-nodes-comms.twilioCommsTriggerTool');
		for (const tool of tools) expect(names).toContain(tool);

		const creds = new Set((await credentialTypes(n8n.rest)).map((c) => c.name));
		for (const type of n8n.ctx.pkg.credentialTypes) expect(creds).toContain(type);
	});

	it('the Twilio credential test succeeds against the sandbox', async () => {
		const result = await testCredential(n8n.rest, n8n.ctx.credentials.twilio);
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/Full account "Sandbox Full Account"/) });
	});

	it('a wrong Auth Token fails with Twilio\'s reason and no secret in the answer', async () => {
		const wrong = '5a4db0c57000000000000000000000ff';
		const { status, raw } = await n8n.rest.post('/rest/credentials/test', {
			credentials: await credentialTestBody(n8n.rest, n8n.ctx.credentials.twilio, { authToken: wrong }),
		});
		expect(status).toBe(200);
		expect((raw as { data: unknown }).data).toEqual({ status: 'Error', message: expect.stringMatching(/20003/) });
		const text = JSON.stringify(raw);
		expect(text).not.toContain(wrong);
		expect(text).not.toContain(FULL_ACCOUNT.authToken);
	});

	it('the Resend credential test succeeds against the sandbox, and a wrong key fails without leaking it', async () => {
		expect(await testCredential(n8n.rest, n8n.ctx.credentials.resend)).toEqual({ status: 'OK', message: expect.stringMatching(/full-access/) });
		const wrong = 're_5a4db0c5_not_a_key_00000000000ff';
		const { raw } = await n8n.rest.post('/rest/credentials/test', {
			credentials: await credentialTestBody(n8n.rest, n8n.ctx.credentials.resend, { apiKey: wrong }),
		});
		expect((raw as { data: { status: string } }).data.status).toBe('Error');
		const text = JSON.stringify(raw);
		expect(text).not.toContain(wrong);
		expect(text).not.toContain(RESEND_FULL_KEY.token);
	});
});
