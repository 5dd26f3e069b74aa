/**
 * The n8n editor, in headless Chromium, with the packed package installed: what a user sees when
 * building a workflow. Every node of the package is found in the node panel, added to a canvas and
 * its form renders without console errors; list searches reach the sandbox; the credential test
 * passes from the credential dialog; the action nodes are offered as AI Agent tools.
 * Screenshots land in $N8N_COMMS_SCREENSHOTS_DIR (`npm run screenshots` points it at docs/screenshots).
 */
import { nodeTypes, type NodeTypeSummary } from '../../scripts/n8n/instance';
import { NUMBER_MAIN } from '../../sandbox/fixtures';
import {
	addNodeFromPanel,
	panelActions,
	closeCredentialDialog,
	closeNodeForm,
	newWorkflow,
	openAgentToolPanel,
	openEditor,
	openNodePanel,
	openResourceList,
	readNodeForm,
	searchNodePanel,
	testCredentialInForm,
	type EditorSession,
} from '../support/browser/editor';
import { useN8n } from '../e2e/harness';

// Chromium steps take seconds each; the whole-package walk takes a minute or two on this machine.
jest.setTimeout(180_000);

const n8n = useN8n();
let editor: EditorSession;
let ours: NodeTypeSummary[];

/** One of our nodes as the panel shows it; the description tells it apart from n8n's own "Send Email". */
function panelNode(type: string) {
	const node = ours.find((n) => n.name === type || n.name === `${n8n.ctx.pkg.name}.${type}`);
	if (!node) throw new Error(`n8n does not list ${type}`);
	return { displayName: node.displayName, description: node.description, actions: panelActions(node) };
}

/** A file name from a display name: "Send SMS" → "send-sms". */
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

beforeAll(async () => {
	const all = await nodeTypes(n8n.rest);
	ours = all.filter((n) => n.name.startsWith(`${n8n.ctx.pkg.name}.`) && !n.name.endsWith('Tool'));
	editor = await openEditor({ baseUrl: n8n.ctx.n8nUrl, email: n8n.ctx.owner.email, password: n8n.ctx.owner.password });
}, 120_000);

afterAll(async () => {
	await editor?.close();
});

afterEach(() => {
	// Every test ends with the console clean; a Vue warning or a failed call to n8n fails the step that caused it.
	expect(editor.takeErrors()).toEqual([]);
});

describe('the n8n editor with n8n-nodes-comms', () => {
	it('finds our nodes when searching "SMS" in the node panel', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await openNodePanel(editor.page);
		const listed = await searchNodePanel(editor.page, 'SMS', panelNode('sendSms'));
		expect(listed).toContain('Send SMS');
		await editor.screenshot('node-panel-sms');
	});

	it('adds every node of the package to a canvas and renders its form', async () => {
		expect(ours.length).toBe(n8n.ctx.pkg.nodeTypes.length);
		for (const node of ours) {
			await newWorkflow(editor.page, editor.baseUrl);
			await addNodeFromPanel(editor.page, panelNode(node.name)).catch(async (error: unknown) => {
				await editor.screenshot(`failed-${slug(node.displayName)}`);
				throw error;
			});
			const form = await readNodeForm(editor.page);
			expect({ node: node.name, title: form.title }).toEqual({ node: node.name, title: node.defaults?.name ?? node.displayName });
			// The credential selector plus the node's own fields.
			expect({ node: node.name, fields: form.parameters.length > 1 }).toEqual({ node: node.name, fields: true });
			await editor.screenshot(`node-${slug(node.displayName)}`);
			expect({ node: node.name, errors: editor.takeErrors() }).toEqual({ node: node.name, errors: [] });
			await closeNodeForm(editor.page);
		}
	});

	it("lists the account's numbers in Send SMS's From, fetched from the sandbox", async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, panelNode('sendSms'));
		const numbers = await openResourceList(editor.page, 'from');
		expect(numbers).toContain(`${NUMBER_MAIN.phoneNumber} (${NUMBER_MAIN.friendlyName})`);
		await editor.screenshot('send-sms-from-list');
		await editor.page.keyboard.press('Escape');
	});

	it('tests the Twilio credential from its dialog, against the sandbox', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, panelNode('sendSms'));
		const seen = await testCredentialInForm(editor.page);
		expect(seen.result).toEqual({ status: 'OK', message: expect.stringMatching(/^Connected to Full account/) });
		expect(seen.banner).toMatch(/Connection tested successfully/);
		await editor.screenshot('credential-twilio');
		await closeCredentialDialog(editor.page);
	});

	it('tests the Resend credential from its dialog, against the sandbox', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, panelNode('sendEmail'));
		const seen = await testCredentialInForm(editor.page);
		expect(seen.result.status).toBe('OK');
		expect(seen.banner).toMatch(/Connection tested successfully/);
		await closeCredentialDialog(editor.page);
	});

	it('offers every action node as an AI Agent tool', async () => {
		const actions = ours.filter((n) => n.usableAsTool);
		expect(actions.map((n) => n.displayName)).toEqual(expect.arrayContaining(['Send SMS', 'Voice Message', 'Outbound Call', 'Send Email']));
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, { displayName: 'AI Agent' });
		await openAgentToolPanel(editor.page);
		for (const node of actions) {
			const tool = { displayName: `${node.displayName} Tool`, description: node.description };
			const listed = await searchNodePanel(editor.page, node.displayName, tool);
			expect(listed).toContain(`${node.displayName} Tool`);
			if (node.displayName === 'Send SMS') await editor.screenshot('ai-agent-tools');
		}
	});
});
