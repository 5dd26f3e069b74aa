/**
 * The n8n editor, in headless Chromium, with the packed package installed: what a user sees when
 * building a workflow. Every node of the package is found in the node panel, added to a canvas and
 * its form renders without console errors; list searches reach the sandbox; the credential test
 * passes from the credential dialog; operations and trigger events picked in the panel show their own
 * fields (Send and Wait, Call and Wait, Download Recording, Recording Completed; Look Up Phone's Data
 * Packages, the Email Events Trigger's events and set-up); the action nodes are offered as AI Agent tools, and the agent
 * example run from the editor shows its Send SMS tool call, with the SID the sandbox recorded, in the Logs.
 * Screenshots land in $N8N_COMMS_SCREENSHOTS_DIR (`npm run screenshots` points it at docs/screenshots).
 */
import { harnessFetch } from '../../scripts/n8n/http';
import { nodeTypes, type NodeTypeSummary } from '../../scripts/n8n/instance';
import { NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import {
	addNodeFromPanel,
	panelActions,
	clickParameterOption,
	closeCredentialDialog,
	closeParameterOptions,
	closeNodeForm,
	closeToasts,
	escapeRegExp,
	executeWorkflowAwaitingWebhook,
	newWorkflow,
	openAgentToolPanel,
	openEditor,
	openLogEntry,
	openLogs,
	openNodePanel,
	openParameterOptions,
	openResourceList,
	openWorkflow,
	readNodeForm,
	readParameter,
	searchNodePanel,
	selectCredential,
	selectParameterOption,
	testCredentialInForm,
	textShowing,
	waitForNodesSuccess,
	zoomToFit,
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

/** The open form's parameter labels: a label's first line is its text; a Fixed / Expression switch follows it. */
const formLabels = async () => (await readNodeForm(editor.page)).parameters.map((p) => p.split('\n')[0].trim());

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

	it('Voice Message, Call and Wait for Acknowledgement: the operation picked from the panel shows its own fields', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, { ...panelNode('voiceMessage'), actions: ['Call and wait for a key press'] });
		// A label's first line is its text; a Fixed / Expression switch follows it.
		const labels = (await readNodeForm(editor.page)).parameters.map((p) => p.split('\n')[0].trim());
		expect(labels).toEqual(expect.arrayContaining(['Acknowledge Keys', 'Prompt', 'Attempts', 'Seconds to Press a Key', 'Wait Timeout (Minutes)']));
		// The plain call's fields are not offered: Call and Wait plays the message inside its prompts.
		expect(labels).not.toContain('Loop');
		await editor.screenshot('voice-call-and-wait');
		expect(editor.takeErrors()).toEqual([]);
		await closeNodeForm(editor.page);
	});

	it('Send SMS, Send and Wait for Response: the operation picked from the panel shows its own fields', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, { ...panelNode('sendSms'), actions: ['Send a message and wait for a response'] });
		const labels = (await readNodeForm(editor.page)).parameters.map((p) => p.split('\n')[0].trim());
		expect(labels).toEqual(expect.arrayContaining(['Response Type', 'Approve Label', 'Decline Label', 'Wait Timeout (Minutes)']));
		await editor.screenshot('sms-send-and-wait');
		expect(editor.takeErrors()).toEqual([]);
		await closeNodeForm(editor.page);
	});

	it('Look Up Phone: its form shows Phone Number and the Data Packages multi-select with both packages', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, panelNode('lookUpPhone'));
		expect(await formLabels()).toEqual(expect.arrayContaining(['Phone Number', 'Data Packages']));
		expect(await openParameterOptions(editor.page, 'dataPackages')).toEqual(['Line Type Intelligence', 'Caller Name']);
		await clickParameterOption(editor.page, 'Line Type Intelligence');
		await closeParameterOptions(editor.page);
		expect(await readParameter(editor.page, 'dataPackages')).toContain('Line Type Intelligence');
		await editor.screenshot('look-up-phone');
		expect(editor.takeErrors()).toEqual([]);
		await closeNodeForm(editor.page);
	});

	it('Email Events Trigger: the event picked from the panel is in its Events multi-select; set-up is Automatic, and Manual asks for the signing secret', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, { ...panelNode('emailEventsTrigger'), actions: ['On email bounced'] });
		const labels = await formLabels();
		expect(labels).toEqual(expect.arrayContaining(['Events', 'Webhook Set-Up']));
		expect(labels).not.toContain('Signing Secret');
		expect(await readParameter(editor.page, 'events')).toContain('Email Bounced');
		expect(await readParameter(editor.page, 'setupMode')).toContain('Automatic');
		// Every Resend email event is offered; two more are added to the one picked in the panel.
		const offered = await openParameterOptions(editor.page, 'events');
		expect(offered).toEqual(expect.arrayContaining(['Email Sent', 'Email Delivered', 'Email Bounced', 'Email Complained', 'Email Opened', 'Email Clicked', 'Email Suppressed']));
		expect(offered).toHaveLength(11);
		for (const event of ['Email Sent', 'Email Delivered']) {
			await clickParameterOption(editor.page, event);
		}
		await closeParameterOptions(editor.page);
		const events = await readParameter(editor.page, 'events');
		for (const event of ['Email Bounced', 'Email Sent', 'Email Delivered']) expect(events).toContain(event);
		await editor.screenshot('email-events-trigger');

		await selectParameterOption(editor.page, 'setupMode', 'Manual');
		expect(await formLabels()).toContain('Signing Secret');
		expect(editor.takeErrors()).toEqual([]);
		await closeNodeForm(editor.page);
	});

	it('Message Status, Download Recording: the operation picked in the form shows its own fields, and the operations include the recordings', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		// n8n lists no actions for Message Status in the panel (a node with a "resource" parameter gets
		// actions only per resource, and Message Status's Resource belongs to Get Many): "Add to workflow"
		// opens it on Get, and the operation is picked in the form.
		await addNodeFromPanel(editor.page, panelNode('messageStatus'));
		// Message Status takes a Twilio and a Resend credential, each optional, and n8n picks only the Resend one here.
		await selectCredential(editor.page, 'Twilio sandbox');
		// n8n adds its own "Custom API Call" at the end.
		expect((await openParameterOptions(editor.page, 'operation')).slice(0, 4)).toEqual(['Get', 'Get Many', 'List Call Recordings', 'Download Recording']);
		await closeParameterOptions(editor.page);
		await selectParameterOption(editor.page, 'operation', 'List Call Recordings');
		expect(await formLabels()).toEqual(expect.arrayContaining(['Call SID']));
		await selectParameterOption(editor.page, 'operation', 'Download Recording');
		const labels = await formLabels();
		expect(labels).toEqual(expect.arrayContaining(['Recording SID', 'Format', 'Put Output File in Field']));
		// Get's and List Call Recordings' fields are not offered.
		for (const other of ['Channel', 'Wait for Final Status', 'Call SID']) expect(labels).not.toContain(other);
		expect(await readParameter(editor.page, 'operation')).toContain('Download Recording');
		expect(await readParameter(editor.page, 'format')).toContain('MP3');
		await editor.screenshot('message-status-recordings');
		expect(editor.takeErrors()).toEqual([]);
		await closeNodeForm(editor.page);
	});

	it('Twilio Comms Trigger, Recording Completed: the event picked from the panel is in its Events, without the reply fields', async () => {
		await newWorkflow(editor.page, editor.baseUrl);
		await addNodeFromPanel(editor.page, { ...panelNode('twilioCommsTrigger'), actions: ['On recording completed'] });
		const events = await readParameter(editor.page, 'events');
		expect(events).toContain('Recording Completed');
		expect(events).not.toContain('Incoming SMS');
		const labels = await formLabels();
		expect(labels).toEqual(expect.arrayContaining(['Events', 'Webhook Set-Up']));
		for (const reply of ['SMS Reply', 'Call Answer']) expect(labels).not.toContain(reply);
		expect(editor.takeErrors()).toEqual([]);
		await closeNodeForm(editor.page);
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
		expect(actions.map((n) => n.displayName)).toEqual(expect.arrayContaining(['Send SMS', 'Voice Message', 'Outbound Call', 'Send Email', 'Message Status', 'Verify Phone', 'Look Up Phone']));
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

	it('runs the agent example from the editor: the AI Agent calls Send SMS as a tool, and the Logs show the call with the SID the sandbox recorded', async () => {
		// A copy of examples/agent-notification.json, not the active one: an editor run is an execution
		// of its workflow too, and the e2e file of that example reads its workflow's newest execution.
		const workflow = await n8n.importWorkflow('examples/agent-notification.json');
		const marker = n8n.tag('editor-run');
		await openWorkflow(editor.page, editor.baseUrl, workflow.id);
		await executeWorkflowAwaitingWebhook(editor.page);

		// The editor now listens on the test URL; the request is what a user would send it.
		const res = await harnessFetch(`${n8n.ctx.n8nUrl}/webhook-test/notify`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ request: `text ${SAMPLE_RECIPIENT} that ${marker}` }),
			signal: AbortSignal.timeout(60_000),
		});
		expect(res.status).toBe(200);
		const sent = await n8n.sandbox.messages((m) => m.body.includes(marker));
		expect(sent).toEqual([expect.objectContaining({ to: SAMPLE_RECIPIENT, body: marker })]);
		const { sid } = sent[0];
		expect(await res.json()).toEqual({ output: `Done: Send_SMS returned ${sid}` });

		// On the canvas: the tool the model chose ran; the other two did not.
		const ran = ['Request', 'AI Agent', 'OpenAI Chat Model', 'Send SMS'];
		expect((await waitForNodesSuccess(editor.page, ran)).sort()).toEqual([...ran].sort());

		// In the Logs: the agent's loop, model → tool → model, then the tool call's arguments and result.
		expect(await openLogs(editor.page)).toEqual(['Request', 'AI Agent', 'OpenAI Chat Model', 'Send SMS', 'OpenAI Chat Model']);
		const agent = await openLogEntry(editor.page, 'AI Agent');
		expect(await textShowing(agent.output, sid)).toContain(`Done: Send_SMS returned ${sid}`);
		const call = await openLogEntry(editor.page, 'Send SMS');
		// The $fromAI() arguments the model filled, as the user reads them: a name, then its value.
		const input = await textShowing(call.input, marker);
		const to = escapeRegExp(SAMPLE_RECIPIENT);
		expect(input).toMatch(new RegExp(`^To\\s+${to}$`, 'm'));
		expect(input).toMatch(new RegExp(`^Message\\s+${marker}$`, 'm'));
		// What Send SMS returned to the agent: the message as Twilio (the sandbox) created it.
		const output = await textShowing(call.output, sid);
		expect(output).toMatch(new RegExp(`^${sid}\\s+queued\\s+${to}\\s`, 'm'));
		expect(output).toContain(marker);

		await closeToasts(editor.page);
		await zoomToFit(editor.page, 1);
		await editor.screenshot('ai-agent-run');
	});
});
