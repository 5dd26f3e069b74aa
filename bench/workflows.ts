/**
 * The workflows the bench runs in n8n. Sends: Webhook → "Make items" (Code) → the sender under test
 * (Continue On Fail) → "Summary" (Code), answered with the summary, so one HTTP call runs one
 * workload and returns each item's id or error for the exactly-once count.
 * Inbound: our Twilio Comms Trigger with a text reply, and n8n's plain Webhook node returning the
 * same TwiML, for the round-trip comparison.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowJson } from '../scripts/n8n/instance';
import { FULL_ACCOUNT, NUMBER_MAIN, NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../sandbox/fixtures';

type NodeJson = WorkflowJson['nodes'][number];

const MAKE_ITEMS = `const { count, tag } = $input.first().json.body;
return Array.from({ length: count }, (_, n) => ({ json: { n, tag } }));`;

// Our nodes and the built-in one both answer with `sid` (SMS) or `id` (email); errors carry `error`,
// and ours mark an "outcome unknown" they looked up: `reconciled: true` when found, else `lookUp.result`.
const SUMMARY = `const items = $input.all();
return [{ json: {
	items: items.length,
	ids: items.map((i) => (i.json.error ? null : (i.json.sid ?? i.json.id ?? null))),
	errors: items.filter((i) => i.json.error).length,
	outcomeUnknown: items.filter((i) => i.json.outcomeUnknown === true).length,
	reconciled: items.filter((i) => !i.json.error && i.json.reconciled === true).length,
	reconciledIds: items.filter((i) => !i.json.error && i.json.reconciled === true).map((i) => i.json.sid ?? i.json.id ?? null),
	lookUps: items.reduce((tally, i) => {
		const result = i.json.lookUp && i.json.lookUp.result;
		if (result) tally[result] = (tally[result] ?? 0) + 1;
		return tally;
	}, {}),
	lookUpFailures: items.filter((i) => i.json.lookUp && i.json.lookUp.result === 'failed').map((i) => String(i.json.lookUp.reason)).slice(0, 5),
	unknownItems: items.flatMap((i, n) => (i.json.outcomeUnknown === true ? [{ n, ...(i.json.lookUp ?? {}) }] : [])),
	firstError: (items.find((i) => i.json.error) ?? { json: {} }).json.error ?? null,
} }];`;

export interface SendSummary {
	items: number;
	ids: Array<string | null>;
	errors: number;
	/** Error items whose create got no answer (a 5xx, a timeout or a dropped connection) and stayed unknown. */
	outcomeUnknown: number;
	/** Output items of an "outcome unknown" that the node found at the vendor afterwards (`reconciled: true`), and their ids. */
	reconciled: number;
	reconciledIds: Array<string | null>;
	/** Error items by what looking them up found: `not found`, `ambiguous`, `failed`. */
	lookUps: Record<string, number>;
	/** Why a look-up failed, for the first few that did. */
	lookUpFailures: string[];
	/** Each outcome-unknown error item: its index, and its look-up (`result`, `tries`, `waitedMs`, …). */
	unknownItems: Array<{ n: number; result?: string } & Record<string, unknown>>;
	firstError: string | null;
}

export const SENDER_NODE = 'Sender';

const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>, extra: Partial<NodeJson> = {}): NodeJson => ({
	id: randomUUID(),
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
	...extra,
});

/** A placeholder the stack's bindCredentials replaces with the stored credential of that type. */
const cred = (type: string) => ({ credentials: { [type]: { id: null, name: type } } });

const chain = (...names: string[]) =>
	Object.fromEntries(names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

function sendWorkflow(name: string, path: string, sender: NodeJson): WorkflowJson {
	return {
		name,
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2.1, 0, { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} }, { webhookId: randomUUID() }),
			node('Make items', 'n8n-nodes-base.code', 2, 220, { jsCode: MAKE_ITEMS }),
			{ ...sender, name: SENDER_NODE, position: [440, 0], onError: 'continueRegularOutput' },
			node('Summary', 'n8n-nodes-base.code', 2, 660, { jsCode: SUMMARY }),
		],
		connections: chain('Webhook', 'Make items', SENDER_NODE, 'Summary'),
		settings: { executionOrder: 'v1' },
	};
}

/** Each message's body names its run and item (`Bench <tag> #<n>`), so the sandbox can count every item's sends. */
const SMS_BODY_EXPRESSION = '=Bench {{ $json.tag }} #{{ $json.n }}';

export function ourSmsWorkflow(path: string, options: Record<string, unknown> = {}): WorkflowJson {
	const sender = node(SENDER_NODE, 'n8n-nodes-comms.sendSms', 1, 0, { to: SAMPLE_RECIPIENT, body: SMS_BODY_EXPRESSION, options }, cred('twilioCommsApi'));
	return sendWorkflow(`Bench: our Send SMS (${path})`, path, sender);
}

export function builtInSmsWorkflow(path: string): WorkflowJson {
	const sender = node(SENDER_NODE, 'n8n-nodes-base.twilio', 1, 0, {
		resource: 'sms',
		operation: 'send',
		from: NUMBER_MAIN.phoneNumber,
		to: SAMPLE_RECIPIENT,
		message: SMS_BODY_EXPRESSION,
		options: {},
	}, cred('twilioApi'));
	return sendWorkflow(`Bench: n8n's Twilio node (${path})`, path, sender);
}

/**
 * n8n's HTTP Request node posting to Twilio's Messages endpoint with n8n's own Twilio credential:
 * what a user picks when the built-in Twilio node is too slow. Its fastest setting is its default:
 * with no batch interval it starts every item's request at once (HttpRequestV3 awaits them all
 * together); batching only adds pauses. With `retryOnFail`, n8n re-runs the whole node after a
 * failure, every item again, as a user who turns Retry On Fail on gets.
 */
export function httpRequestSmsWorkflow(path: string, opts: { retryOnFail?: boolean } = {}): WorkflowJson {
	const sender = node(
		SENDER_NODE,
		'n8n-nodes-base.httpRequest',
		4.2,
		0,
		{
			method: 'POST',
			url: `https://api.twilio.com/2010-04-01/Accounts/${FULL_ACCOUNT.sid}/Messages.json`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'twilioApi',
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'To', value: SAMPLE_RECIPIENT },
					{ name: 'From', value: NUMBER_MAIN.phoneNumber },
					{ name: 'Body', value: SMS_BODY_EXPRESSION },
				],
			},
			options: {},
		},
		cred('twilioApi'),
	);
	const wf = sendWorkflow(`Bench: n8n's HTTP Request node (${path})`, path, sender);
	if (opts.retryOnFail) {
		const s = wf.nodes.find((n) => n.name === SENDER_NODE)!;
		// Retry On Fail only acts on a node that fails: with Continue On Fail the errors would be items.
		Object.assign(s, { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000, onError: 'stopWorkflow' });
	}
	return wf;
}

const MAKE_SMS_SIZED_ITEMS = `const { count, tag } = $input.first().json.body;
const now = new Date().toISOString();
return Array.from({ length: count }, (_, n) => ({ json: { n, tag, sid: 'SM' + String(n).padStart(32, '0'), status: 'queued', to: '+15555550123', from: '+15005550006', body: 'Bench ' + tag + ' #' + n, numSegments: 1, numMedia: 0, direction: 'outbound-api', price: null, priceUnit: 'USD', errorCode: null, errorMessage: null, messagingServiceSid: null, accountSid: 'AC' + '0'.repeat(32), dateCreated: now, dateSent: null, dateUpdated: now, encoding: 'GSM-7', characters: 14, scheduledFor: null } }));`;

/**
 * The second memory control: No Operation passing items shaped like Send SMS's output (the same
 * fields, made by the Code node), so the difference to our run is what sending costs, not what
 * n8n needs to carry, copy and save 10,000 items of that size.
 */
export function smsSizedNoOpWorkflow(path: string): WorkflowJson {
	const wf = sendWorkflow(`Bench: No Operation, SMS-sized items (${path})`, path, node(SENDER_NODE, 'n8n-nodes-base.noOp', 1, 0, {}));
	(wf.nodes[1].parameters as Record<string, unknown>).jsCode = MAKE_SMS_SIZED_ITEMS;
	return wf;
}

/** The control for memory: the same pipeline with a node that does nothing. */
export function noOpWorkflow(path: string): WorkflowJson {
	return sendWorkflow(`Bench: No Operation (${path})`, path, node(SENDER_NODE, 'n8n-nodes-base.noOp', 1, 0, {}));
}

export function emailWorkflow(path: string, batch: boolean, options: Record<string, unknown> = {}): WorkflowJson {
	const sender = node(SENDER_NODE, 'n8n-nodes-comms.sendEmail', 1, 0, {
		to: '=reader{{ $json.n }}@example.com',
		subject: '=Bench {{ $json.tag }} #{{ $json.n }}',
		text: 'A bench email.',
		batch,
		options,
	}, cred('resendCommsApi'));
	return sendWorkflow(`Bench: Send Email ${batch ? 'batch' : 'single'} (${path})`, path, sender);
}

export const REPLY_TEXT = 'Thanks, we got your message.';

export function ourTriggerWorkflow(): WorkflowJson {
	return {
		name: 'Bench: Twilio Comms Trigger, text reply',
		nodes: [
			node(
				'Incoming SMS',
				'n8n-nodes-comms.twilioCommsTrigger',
				1,
				0,
				{
					events: ['incomingSms'],
					setupMode: 'automatic',
					phoneNumber: { __rl: true, mode: 'number', value: NUMBER_SUPPORT.phoneNumber },
					smsReply: 'text',
					replyText: REPLY_TEXT,
					options: {},
				},
				{ webhookId: randomUUID(), ...cred('twilioCommsApi') },
			),
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** n8n's Webhook node answering at once with a fixed body: the least an inbound-SMS workflow can do. */
export function plainWebhookWorkflow(path: string, twiml: string): WorkflowJson {
	return {
		name: 'Bench: plain Webhook node, same TwiML',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2.1,
				0,
				{
					httpMethod: 'POST',
					path,
					responseMode: 'onReceived',
					options: { responseData: twiml, responseHeaders: { entries: [{ name: 'content-type', value: 'text/xml; charset=utf-8' }] } },
				},
				{ webhookId: randomUUID() },
			),
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}
