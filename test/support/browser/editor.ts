/**
 * The n8n editor in headless Chromium, driven by playwright-core: what a user does with our nodes,
 * written as steps a test can read top to bottom. Selectors are n8n's own `data-test-id`s
 * (checked against n8n 2.40.7), so a UI change breaks one place here, not every test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page, type Response } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findChromium } = require('../../../scripts/browser/chromium.js') as { findChromium(): string | undefined };

/** The flags that work on this offline machine (DESIGN.md §6); without the networking ones Chromium floods refused connections. */
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where screenshots go: docs/screenshots when refreshing the README's pictures, else a temp folder. */
export const SCREENSHOT_DIR = process.env.N8N_COMMS_SCREENSHOTS_DIR
	? path.resolve(process.env.N8N_COMMS_SCREENSHOTS_DIR)
	: path.join(os.tmpdir(), 'n8n-comms-screenshots');

export interface EditorSession {
	page: Page;
	baseUrl: string;
	/** Console errors and page errors since the last `takeErrors()`, apart from the offline machine's failed calls to the internet. */
	takeErrors(): string[];
	screenshot(name: string): Promise<string>;
	close(): Promise<void>;
}

export async function openEditor(opts: { baseUrl: string; email: string; password: string }): Promise<EditorSession> {
	const executablePath = findChromium();
	if (!executablePath) throw new Error('Chromium is not installed: run `node scripts/browser/chromium.js` (apt-get install chromium) first');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-comms-chromium-'));
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: { width: 1440, height: 900 },
			timeout: 60_000,
		});
	} catch (error) {
		fs.rmSync(userDataDir, { recursive: true, force: true });
		throw error;
	}
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);

	let collecting = false;
	const errors: string[] = [];
	page.on('console', (msg) => {
		if (!collecting || msg.type() !== 'error') return;
		// The editor asks registry.npmjs.org and api.n8n.io about packages and news; offline, those fail, and that is not ours.
		const source = msg.location().url;
		if (/^Failed to load resource/.test(msg.text()) && source && !LOOPBACK.has(new URL(source).hostname)) return;
		errors.push(`${msg.text()}${source ? ` (${source})` : ''}`);
	});
	page.on('pageerror', (error) => {
		if (collecting) errors.push(`page error: ${error.message}`);
	});

	await page.goto(`${opts.baseUrl}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', opts.email);
	await page.fill('input[name=password]', opts.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
	// Before login the editor probes the session and logs a 401 by design; count from here on.
	collecting = true;

	return {
		page,
		baseUrl: opts.baseUrl,
		takeErrors: () => errors.splice(0),
		async screenshot(name) {
			fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
			const file = path.join(SCREENSHOT_DIR, `${name}.png`);
			await page.screenshot({ path: file });
			return file;
		},
		async close() {
			await context.close().catch(() => undefined);
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

const byTestId = (id: string) => `[data-test-id="${id}"]`;

export async function newWorkflow(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/new`);
	await page.waitForSelector(byTestId('canvas-plus-button'));
}

/** Opens the node panel from the empty canvas's big "+" or, once there are nodes, the side "+". */
export async function openNodePanel(page: Page): Promise<void> {
	const emptyCanvas = page.locator(byTestId('canvas-plus-button'));
	if (await emptyCanvas.isVisible()) await emptyCanvas.click();
	else await page.locator(byTestId('node-creator-plus-button')).click();
	await page.waitForSelector(byTestId('node-creator-search-bar'));
}

/** What identifies one node in the panel: n8n's own nodes may share a display name with ours ("Send Email"). */
export interface PanelNode {
	displayName: string;
	description?: string;
	/** What n8n lists for a node with operations or events, one of which must be picked: "Send a verification code", "On incoming call". */
	actions?: string[];
}

/**
 * How the panel labels a node's choices: an operation's `action`, or "On <event>" for a trigger's
 * `events` option (n8n lowercases those and drops punctuation: "On incoming sms mms").
 */
export function panelActions(node: { properties?: Array<{ name: string; options?: Array<{ name: string; action?: string }> }> }): string[] {
	const options = (name: string) => node.properties?.find((p) => p.name === name)?.options ?? [];
	return [...options('operation').flatMap((o) => (o.action ? [o.action] : [])), ...options('events').map((o) => `On ${o.name}`)];
}

/** n8n drops " Trigger" from trigger names in the panel. */
const panelName = (displayName: string) => displayName.replace(/ Trigger$/, '');

// n8n renders a node as a "node item" or, for some nodes with operations, an "action item"; both are one row a user clicks.
const PANEL_ROW = `${byTestId('node-creator-node-item')}, ${byTestId('node-creator-action-item')}`;

/** Types into the node panel's search and returns the listed node names once the list shows `expect`. */
export async function searchNodePanel(page: Page, term: string, expect: PanelNode): Promise<string[]> {
	await page.fill(byTestId('node-creator-search-bar'), term);
	await nodePanelItem(page, expect).first().waitFor({ state: 'visible' });
	return page.locator(PANEL_ROW).locator(byTestId('node-creator-item-name')).allInnerTexts();
}

function nodePanelItem(page: Page, node: PanelNode) {
	let row = page.locator(PANEL_ROW).filter({
		has: page.locator(byTestId('node-creator-item-name'), { hasText: exactly(panelName(node.displayName)) }),
	});
	if (node.description) row = row.filter({ has: page.locator(byTestId('node-creator-item-description'), { hasText: exactly(node.description) }) });
	return row;
}

/**
 * Adds a node through the panel, as a user does, and leaves its parameter form (NDV) open.
 * A community node opens a details card: either "Add to workflow", or its actions (or trigger
 * events) to pick one from; n8n's own nodes may open the form at once.
 */
export async function addNodeFromPanel(page: Page, node: PanelNode): Promise<void> {
	await openNodePanel(page);
	await searchNodePanel(page, node.displayName, node);
	await nodePanelItem(page, node).first().click();
	const addButton = page.getByRole('button', { name: 'Add to workflow' });
	const ndv = page.locator(byTestId('ndv'));
	const wanted = (node.actions ?? []).map(normalize);
	const action = page
		.locator(`${byTestId('node-creator')} ${byTestId('item-iterator-item')}`)
		.filter({ hasText: wanted.length ? new RegExp(wanted.map((w) => `^\\s*${w.replace(/ /g, '\\W+')}\\s*$`).join('|'), 'i') : /$^/ });
	// At most two steps (details card, then an action) before the form opens.
	for (let step = 0; step < 3; step++) {
		await addButton.or(ndv).or(action.first()).first().waitFor({ state: 'visible' });
		if (await ndv.isVisible()) break;
		if (await addButton.isVisible()) await addButton.click();
		else await action.first().click();
		await addButton.waitFor({ state: 'hidden' });
	}
	await page.locator(`${byTestId('ndv')} ${byTestId('node-parameters')}`).waitFor({ state: 'visible' });
}

/** Lowercase words only, for comparing labels n8n rewrites ("Incoming SMS/MMS" → "incoming sms mms"). */
function normalize(label: string): string {
	return label.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** The open NDV's title and the labels of the parameters it rendered. */
export async function readNodeForm(page: Page): Promise<{ title: string; parameters: string[] }> {
	const ndv = page.locator(byTestId('ndv'));
	const title = (await ndv.locator(`${byTestId('node-title-container')}`).first().innerText()).trim();
	const parameters = (await ndv.locator(`${byTestId('node-parameters')} ${byTestId('parameter-item')} ${byTestId('input-label')}`).allInnerTexts())
		.map((t) => t.trim())
		.filter(Boolean);
	return { title, parameters };
}

/**
 * The open NDV's parameter `name` as the user reads it: the text of its row (label, chips of a
 * multi-select, the picked option, hint) and the values of its inputs, one per line.
 */
export async function readParameter(page: Page, name: string): Promise<string> {
	const field = page.locator(`${byTestId('ndv')} ${byTestId(`parameter-input-${name}`)}`).first();
	await field.waitFor({ state: 'visible' });
	const row = page.locator(`${byTestId('ndv')} ${byTestId('parameter-item')}`).filter({ has: field }).last();
	const text = (await row.count()) ? await row.innerText() : await field.innerText();
	const values = await field.locator('input').evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value).filter(Boolean));
	return [text.trim(), ...values].join('\n');
}

/** The options of the open dropdown of a select (options and multiOptions parameters render as Element Plus selects). */
const OPEN_OPTIONS = '.el-select__popper:visible [role="option"]';

/**
 * Opens the dropdown of the open NDV's options or multi-select parameter `name` and returns the
 * names it offers (each option's headline, without its description). Leaves it open.
 */
export async function openParameterOptions(page: Page, name: string): Promise<string[]> {
	await page.locator(`${byTestId('ndv')} ${byTestId(`parameter-input-${name}`)} .el-select`).first().click();
	const items = page.locator(OPEN_OPTIONS);
	await items.first().waitFor({ state: 'visible' });
	return (await items.locator('.option-headline').allInnerTexts()).map((t) => t.trim());
}

/** Clicks `option` (by its name) in the open dropdown: picks it, or toggles it in a multi-select (which stays open). */
export async function clickParameterOption(page: Page, option: string): Promise<void> {
	await page.locator(OPEN_OPTIONS).filter({ has: page.locator('.option-headline', { hasText: exactly(option) }) }).first().click();
}

/** Closes the open dropdown (Escape closes the select, not the form). */
export async function closeParameterOptions(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await settleSelect(page);
	await page.locator(byTestId('ndv')).waitFor({ state: 'visible' });
}

/** Picks `option` (by its name) in the open NDV's options parameter `name`. */
export async function selectParameterOption(page: Page, name: string, option: string): Promise<void> {
	await openParameterOptions(page, name);
	await clickParameterOption(page, option);
	await settleSelect(page);
}

/** Waits for a select's dropdown to have faded out and takes the focus off it, so a screenshot shows the form at rest. */
async function settleSelect(page: Page): Promise<void> {
	await page.locator(OPEN_OPTIONS).first().waitFor({ state: 'hidden' });
	const focused = page.locator('*:focus');
	if (await focused.count()) await focused.first().blur();
}

/** Picks the saved credential `name` in the open NDV's credential selector (n8n leaves it empty when it cannot choose). */
export async function selectCredential(page: Page, name: string): Promise<void> {
	const select = page.locator(`${byTestId('ndv')} ${byTestId('node-credentials-select')}`).first();
	if ((await select.locator('input').first().inputValue()) === name) return;
	// Each option is the credential's name, then its type.
	const option = page.locator(OPEN_OPTIONS).filter({ has: page.getByText(name, { exact: true }) }).first();
	// After an operation change n8n re-renders the credential slots (Message Status shows fewer), and a
	// click during that can open a dropdown that is then thrown away: click again. (Not Escape: with no
	// dropdown open, Escape closes the form.)
	for (let attempt = 0; ; attempt++) {
		await select.click();
		try {
			await option.waitFor({ state: 'visible', timeout: 5_000 });
			break;
		} catch (error) {
			if (attempt >= 3) throw error;
			await page.waitForTimeout(300);
		}
	}
	await option.click();
	await page.locator(`${byTestId('ndv')} ${byTestId('credential-edit-button')}`).first().waitFor({ state: 'visible' });
	await settleSelect(page);
}

export async function closeNodeForm(page: Page): Promise<void> {
	await page.locator(byTestId('ndv-close-button')).click();
	await page.locator(byTestId('ndv')).waitFor({ state: 'hidden' });
}

/** Opens the resource locator `name`'s list and returns what it lists (its list search ran on the server). */
export async function openResourceList(page: Page, name: string): Promise<string[]> {
	await page.locator(`${byTestId(`resource-locator-${name}`)} ${byTestId('rlc-input')}`).click();
	const items = page.locator(byTestId('rlc-item'));
	await items.first().waitFor({ state: 'visible' });
	return items.allInnerTexts();
}

export interface CredentialTestSeen {
	/** What n8n's server answered the editor: `{status, message}`. */
	result: { status: string; message: string };
	/** The banner the user sees. */
	banner: string;
}

/**
 * In the open NDV, opens the selected credential and presses the test button ("Retry" once tested),
 * returning the server's verdict and the banner shown.
 */
export async function testCredentialInForm(page: Page): Promise<CredentialTestSeen> {
	await page.locator(byTestId('credential-edit-button')).click();
	const dialog = page.locator(byTestId('credential-edit-dialog'));
	await dialog.waitFor({ state: 'visible' });
	const retry = dialog.getByRole('button', { name: /^(Retry|Test)$/ });
	await retry.waitFor({ state: 'visible' });
	const answered: Promise<Response> = page.waitForResponse((r) => r.url().endsWith('/rest/credentials/test') && r.request().method() === 'POST');
	await retry.click();
	const body = (await (await answered).json()) as { data: { status: string; message: string } };
	const banner = dialog.locator(`${byTestId('credentials-config-container-test-success')}, ${byTestId('credentials-config-container-test-failed')}`);
	await banner.first().waitFor({ state: 'visible' });
	return { result: body.data, banner: (await banner.first().innerText()).trim() };
}

export async function closeCredentialDialog(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page.locator(byTestId('credential-edit-dialog')).waitFor({ state: 'hidden' });
}

/** With an AI Agent's form open, opens its Tool slot's node panel (the panel lists tools only). */
export async function openAgentToolPanel(page: Page): Promise<void> {
	await page.locator(byTestId('add-subnode-ai_tool-0')).click();
	await page.waitForSelector(byTestId('node-creator-search-bar'));
}

/** Opens a saved workflow on the canvas. */
export async function openWorkflow(page: Page, baseUrl: string, id: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`);
	await page.locator(byTestId('canvas-node')).first().waitFor({ state: 'visible' });
}

/** A node on the canvas, by its name in the workflow. */
function canvasNode(page: Page, name: string) {
	return page.locator(`${byTestId('canvas-node')}[data-node-name="${name.replace(/["\\]/g, '\\$&')}"]`);
}

/**
 * Presses the canvas's "Execute workflow" on a workflow started by a Webhook: the editor then waits
 * for one call to the test URL (`/webhook-test/<path>`), which the caller makes once this returns.
 */
export async function executeWorkflowAwaitingWebhook(page: Page): Promise<void> {
	await page.locator(byTestId('execute-workflow-button')).click();
	await page.locator(byTestId('stop-execution-waiting-for-webhook-button')).waitFor({ state: 'visible' });
}

/** Waits until the canvas marks each of `names` as run successfully (the green check), then returns every node so marked. */
export async function waitForNodesSuccess(page: Page, names: string[]): Promise<string[]> {
	const success = byTestId('canvas-node-status-success');
	for (const name of names) await canvasNode(page, name).locator(success).waitFor({ state: 'visible' });
	return page
		.locator(byTestId('canvas-node'))
		.filter({ has: page.locator(success) })
		.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name') ?? ''));
}

/**
 * Opens the Logs panel under the canvas (n8n remembers it open or closed) and returns its entries
 * in order: each node run, with an agent's sub-node runs (model calls, tool calls) below it.
 */
export async function openLogs(page: Page): Promise<string[]> {
	const body = page.locator(byTestId('logs-overview-body'));
	if (!(await body.isVisible())) await page.locator(byTestId('logs-overview-header')).click();
	const entries = body.getByRole('treeitem');
	await entries.first().waitFor({ state: 'visible' });
	// The Logs follow the run through n8n's push messages, a moment behind the canvas: an entry still
	// running shows "Running for …" under its name (a slow, cold machine caught it so).
	const deadline = Date.now() + 30_000;
	for (;;) {
		const texts = (await entries.allInnerTexts()).map((t) => t.trim());
		if (!texts.some((t) => /\bRunning for\b/.test(t)) || Date.now() > deadline) return texts.map((t) => t.split('\n')[0].trim());
		await page.waitForTimeout(100);
	}
}

/**
 * Selects the `index`th Logs entry named `name` and returns its details' input and output panes.
 * Their content follows the selection a moment later: read them with `textShowing`.
 */
export async function openLogEntry(page: Page, name: string, index = 0): Promise<{ input: Locator; output: Locator }> {
	const entry = page.locator(byTestId('logs-overview-body')).getByRole('treeitem').filter({ hasText: exactly(name) }).nth(index);
	// n8n selects an entry when the panel opens (the agent, after a run), and a click on the selected one unselects it.
	if ((await entry.getAttribute('aria-selected')) !== 'true') await entry.click();
	const details = page.locator(byTestId('log-details'));
	await details.locator(byTestId('log-details-header')).filter({ hasText: name }).waitFor({ state: 'visible' });
	const output = details.locator(byTestId('log-details-output'));
	await output.waitFor({ state: 'visible' });
	// Input shows beside output when n8n chooses to (a tool's call) or once its toggle is pressed; the toggle is remembered.
	const input = details.locator(byTestId('log-details-input'));
	if (!(await input.isVisible())) await details.getByRole('button', { name: 'Input', exact: true }).click();
	await input.waitFor({ state: 'visible' });
	return { input, output };
}

/**
 * The text of `pane` once it shows `text`; after the timeout, whatever it shows, so that the test's
 * own assertion reports what was there instead.
 */
export async function textShowing(pane: Locator, text: string | RegExp, timeout = 10_000): Promise<string> {
	await pane.filter({ hasText: text }).waitFor({ state: 'visible', timeout }).catch(() => undefined);
	return pane.innerText();
}

/**
 * Fits the whole workflow into the canvas left visible (e.g. above the Logs panel), then zooms out
 * `steps` times for a margin, and returns once the (animated) zoom has come to rest.
 */
export async function zoomToFit(page: Page, steps = 0): Promise<void> {
	await page.locator(byTestId('zoom-to-fit')).click();
	for (let i = 0; i < steps; i++) await page.locator(byTestId('zoom-out-button')).click();
	// Off the buttons, so none shows its hover state or tooltip in a screenshot.
	await page.locator(byTestId('canvas')).hover({ position: { x: 10, y: 10 }, force: true });
	const viewport = await page.locator(`${byTestId('canvas')} .vue-flow__viewport`).elementHandle();
	await page.waitForFunction(
		(el) =>
			new Promise<boolean>((resolve) => {
				const before = el?.getAttribute('style');
				setTimeout(() => resolve(el?.getAttribute('style') === before), 100);
			}),
		viewport,
	);
	await viewport.dispose();
}

/** Closes the notifications in the top right corner ("Workflow executed successfully"), e.g. before a screenshot. */
export async function closeToasts(page: Page): Promise<void> {
	const toasts = page.locator('.el-notification');
	for (const close of await toasts.locator('.el-notification__closeBtn').all()) await close.click();
	await toasts.first().waitFor({ state: 'hidden' });
}

function exactly(text: string): RegExp {
	return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
}

/** `text` as a RegExp source that matches it literally. */
export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
