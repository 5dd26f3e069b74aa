/**
 * Send SMS, Voice Message and Send Email as AI Agent tools, run by n8n-core's WorkflowExecute: the
 * tool n8n builds from each node (name, description, $fromAI schema), what the agent gets back for
 * a call that works and for one that fails, and $fromAI in every user-facing parameter, resource
 * locators included. The agent is scripted (./toolAgent.ts); there is no model.
 */
import { FROM_AI_AUTO_GENERATED_MARKER, type IDataObject, type INode, type INodeParameters } from 'n8n-workflow';
import type { Sandbox } from '../../sandbox';
import { useSandbox } from '../sandbox/helpers';
import { MAGIC_TO, MESSAGING_SERVICE, NUMBER_MAIN, NUMBER_SUPPORT, RESEND_FROM, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { SendEmail } from '../../nodes/SendEmail/SendEmail.node';
import { SendSms } from '../../nodes/SendSms/SendSms.node';
import { VoiceMessage } from '../../nodes/VoiceMessage/VoiceMessage.node';
import { EMAIL_CREDENTIAL_TYPES, RESEND_CREDENTIAL_REF, resendCredential } from '../support/resendWorkflows';
import { CREDENTIAL_TYPES, TWILIO_CREDENTIAL_REF, twilioCredential } from '../support/twilioWorkflows';
import { asAiTool, runAgentWorkflow, type ToolCall } from './toolAgent';

let sandbox: Sandbox;
useSandbox({ statusStepMs: 50 }, (s) => {
	sandbox = s;
});

const TOOL_TYPES = {
	'CUSTOM.sendSmsTool': asAiTool(new SendSms()),
	'CUSTOM.voiceMessageTool': asAiTool(new VoiceMessage()),
	'CUSTOM.sendEmailTool': asAiTool(new SendEmail()),
};

/** What the editor's "let the model define this parameter" button writes (empty description). */
const button = (key: string, type = 'string') => `={{ ${FROM_AI_AUTO_GENERATED_MARKER} $fromAI('${key}', \`\`, '${type}') }}`;
const fromAI = (key: string, description: string, type = 'string') => `={{ $fromAI('${key}', '${description}', '${type}') }}`;

const SMS_PARAMETERS: INodeParameters = {
	to: fromAI('To', 'Recipient phone number in E.164, e.g. +14155550123'),
	body: fromAI('Message', 'The text to send'),
};

function toolNode(type: keyof typeof TOOL_TYPES, parameters: INodeParameters, extra: Partial<INode> = {}): INode {
	const email = type === 'CUSTOM.sendEmailTool';
	return {
		id: `${type}-${extra.name ?? ''}`,
		name: email ? 'Send Email' : type === 'CUSTOM.voiceMessageTool' ? 'Voice Message' : 'Send SMS',
		type,
		typeVersion: 1,
		position: [200, 200],
		parameters,
		credentials: email ? { resendCommsApi: RESEND_CREDENTIAL_REF } : { twilioCommsApi: TWILIO_CREDENTIAL_REF },
		...extra,
	};
}

function runAgent(tools: INode[], calls: ToolCall[], mode: 'request' | 'invoke' = 'request') {
	return runAgentWorkflow({
		tools,
		calls,
		mode,
		options: {
			nodeTypes: TOOL_TYPES,
			credentialTypes: { ...CREDENTIAL_TYPES, ...EMAIL_CREDENTIAL_TYPES },
			credentials: [twilioCredential(sandbox.url), resendCredential(sandbox.url)],
		},
	});
}

const messages = () => [...sandbox.state.messages.values()];
const parsed = (observation: string | undefined) => JSON.parse(observation ?? 'null') as IDataObject[];

describe('the tool n8n builds from a node', () => {
	it('Send SMS: named after the node, described by our description, with a schema from $fromAI', async () => {
		const r = await runAgent([toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS)], []);
		expect(r.error).toBeUndefined();
		const [tool] = r.agent!.tools;
		expect(tool.name).toBe('Send_SMS');
		expect(tool.description).toBe(new SendSms().description.description);
		expect(tool.description).toMatch(/To: the recipient's phone number in E\.164/);
		expect(tool.schema).toMatchObject({
			type: 'object',
			properties: {
				To: { type: 'string', description: 'Recipient phone number in E.164, e.g. +14155550123' },
				Message: { type: 'string', description: 'The text to send' },
			},
			required: ['To', 'Message'],
			additionalProperties: false,
		});
	});

	it('takes a manual Description, renames with the node, and types number and boolean keys; a default makes a key optional', async () => {
		const r = await runAgent(
			[
				toolNode(
					'CUSTOM.voiceMessageTool',
					{
						toolDescription: 'Phone the on-call engineer and read the alert',
						to: button('To'),
						message: button('Message'),
						loop: button('Loop', 'number'),
						options: { acknowledge: button('Ask_to_Press_a_Key', 'boolean') },
						audioUrl: "={{ $fromAI('Audio_URL', 'An MP3 to play first', 'string', '') }}",
					},
					{ name: 'Call on-call (urgent)!' },
				),
			],
			[],
		);
		const [tool] = r.agent!.tools;
		expect(tool.name).toBe('Call_on-call_urgent_');
		expect(tool.description).toBe('Phone the on-call engineer and read the alert');
		expect(tool.schema.properties).toEqual({
			To: { type: 'string' },
			Message: { type: 'string' },
			Loop: { type: 'number' },
			Ask_to_Press_a_Key: { type: 'boolean' },
			Audio_URL: { type: 'string', description: 'An MP3 to play first', default: '' },
		});
		// n8n itself (zod 3.25) leaves a key with a default out of `required`; this repo resolves n8n-core
		// to zod 4, which lists it. Either way the model may omit it and gets the default.
		expect(tool.schema.required).toEqual(expect.arrayContaining(['To', 'Message', 'Loop', 'Ask_to_Press_a_Key']));
	});

	it('Voice Message and Send Email describe their arguments too', async () => {
		const r = await runAgent(
			[toolNode('CUSTOM.voiceMessageTool', { to: button('To'), message: button('Message') }), toolNode('CUSTOM.sendEmailTool', { to: button('To'), subject: button('Subject'), text: button('Text') })],
			[],
		);
		const voice = r.agent!.tools.find((t) => t.name === 'Voice_Message');
		const email = r.agent!.tools.find((t) => t.name === 'Send_Email');
		expect(voice).toMatchObject({ name: 'Voice_Message', description: new VoiceMessage().description.description });
		expect(voice!.description).toMatch(/To: the number to call in E\.164.*Message: the text spoken/);
		expect(email).toMatchObject({ name: 'Send_Email', description: new SendEmail().description.description });
		expect(email!.description).toMatch(/To: the recipients' email addresses.*Subject: .*Text: /);
	});
});

describe('Send SMS called by the agent (AI Agent v3: the engine runs the tool node)', () => {
	it('sends, and the agent gets the message as the tool result', async () => {
		const r = await runAgent([toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS)], [{ node: 'Send SMS', input: { To: '+1 555 555 0123', Message: 'Your table is ready' } }]);
		expect(r.error).toBeUndefined();
		const [result] = r.agent!.results;
		expect(result.status).toBe('success');
		const [sent] = parsed(result.observation);
		expect(sent).toMatchObject({ status: 'queued', to: SAMPLE_RECIPIENT, from: NUMBER_MAIN.phoneNumber, body: 'Your table is ready' });
		expect(messages().map((m) => m.sid)).toEqual([sent.sid]);
	});

	it('an invalid or missing To, or a body too long, reaches the agent as an error naming the field, the value and the fix; the run goes on and nothing is sent', async () => {
		const r = await runAgent(
			[toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS)],
			[
				{ node: 'Send SMS', input: { To: '0151 2345678', Message: 'Your table is ready' } },
				{ node: 'Send SMS', input: { To: SAMPLE_RECIPIENT, Message: 'x'.repeat(1601) } },
				{ node: 'Send SMS', input: { Message: 'The model left out To' } },
			],
		);
		expect(r.error).toBeUndefined();
		expect(r.run.status).toBe('success');
		const [badTo, tooLong, noTo] = r.agent!.results.map((x) => parsed(x.observation));
		expect(badTo).toEqual([
			{
				error: 'Invalid To "0151 2345678" in item 0: not a phone number in E.164 format (the leading + and country code are missing)',
				errorDescription: 'Use the international format with a leading + and country code, e.g. +14155550123',
			},
		]);
		expect(tooLong[0].error).toMatch(/^Invalid Message "x{79}…" in item 0: is 1,601 characters long; the limit is 1,600$/);
		expect(tooLong[0].errorDescription).toEqual(expect.any(String));
		expect(noTo[0]).toEqual({ error: expect.stringMatching(/^Missing To in item 0/), errorDescription: expect.any(String) });
		expect(messages()).toHaveLength(0);
	});

	it("Twilio's refusal reaches the agent with Twilio's code and the fix", async () => {
		const r = await runAgent([toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS)], [{ node: 'Send SMS', input: { To: MAGIC_TO.blocked, Message: 'hi' } }]);
		expect(r.error).toBeUndefined();
		const [refused] = parsed(r.agent!.results[0].observation);
		expect(refused).toMatchObject({ error: expect.stringMatching(/^Twilio error 21610: /), errorCode: 21610, errorHttpCode: '400' });
		expect(refused.errorDescription).toMatch(/replied STOP/);
		expect(messages()).toHaveLength(0);
	});

	it('a missing credential is a tool result too, not a failed execution', async () => {
		const r = await runAgent([toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS, { credentials: {} })], [{ node: 'Send SMS', input: { To: SAMPLE_RECIPIENT, Message: 'hi' } }]);
		expect(r.error).toBeUndefined();
		expect(parsed(r.agent!.results[0].observation)[0].error).toEqual(expect.any(String));
	});

	it('On Error set to Stop Workflow on the tool node still stops the execution, as n8n does for tools', async () => {
		const r = await runAgent([toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS, { onError: 'stopWorkflow' })], [{ node: 'Send SMS', input: { To: '12345', Message: 'hi' } }]);
		expect(r.error?.message).toMatch(/^Invalid To "12345" in item 0/);
		expect(r.agent).toBeUndefined();
		expect(messages()).toHaveLength(0);
	});
});

describe('Send SMS called through tool.invoke() (AI Agent v1/v2, sub-agents, MCP Server Trigger)', () => {
	it('returns the message, or the error with its fix, as the tool result instead of throwing', async () => {
		const r = await runAgent(
			[toolNode('CUSTOM.sendSmsTool', SMS_PARAMETERS)],
			[
				{ node: 'Send SMS', input: { To: SAMPLE_RECIPIENT, Message: 'hi' } },
				{ node: 'Send SMS', input: { To: '12345', Message: 'hi' } },
			],
			'invoke',
		);
		expect(r.error).toBeUndefined();
		const [ok, bad] = r.agent!.results;
		expect(ok.thrown).toBeUndefined();
		expect(parsed(ok.observation)[0]).toMatchObject({ to: SAMPLE_RECIPIENT, status: 'queued' });
		// A throw here would reach AgentExecutor, which gives the model an empty observation.
		expect(bad.thrown).toBeUndefined();
		expect(parsed(bad.observation)).toEqual([{ error: expect.stringMatching(/^Invalid To "12345" in item 0/), errorDescription: expect.stringMatching(/\+14155550123/) }]);
		expect(messages()).toHaveLength(1);
	});
});

describe('$fromAI in every user-facing parameter', () => {
	it('Send SMS: channel, To, From (a list-mode locator holding $fromAI), Message and the options', async () => {
		const r = await runAgent(
			[
				toolNode('CUSTOM.sendSmsTool', {
					channel: button('Channel'),
					to: button('To'),
					sender: 'number',
					from: { __rl: true, mode: 'list', value: button('From') },
					body: button('Message'),
					options: {
						mediaUrls: button('Media_URLs'),
						statusCallback: button('Status_Callback_URL'),
						validityPeriod: button('Validity_Period__Seconds_', 'number'),
					},
				}),
			],
			[
				{
					node: 'Send SMS',
					input: {
						Channel: 'whatsapp',
						To: SAMPLE_RECIPIENT,
						From: NUMBER_SUPPORT.phoneNumber,
						Message: 'Your order shipped',
						Media_URLs: 'https://example.com/label.png',
						Status_Callback_URL: 'https://example.com/status',
						Validity_Period__Seconds_: 600,
					},
				},
			],
		);
		expect(r.error).toBeUndefined();
		const [sent] = parsed(r.agent!.results[0].observation);
		expect(sent).toMatchObject({ to: `whatsapp:${SAMPLE_RECIPIENT}`, from: `whatsapp:${NUMBER_SUPPORT.phoneNumber}`, body: 'Your order shipped', numMedia: 1 });
		const [stored] = messages();
		expect(stored).toMatchObject({ statusCallback: 'https://example.com/status', validityPeriod: 600 });
	});

	it('Send SMS: From as a By Number locator, as a plain expression, and a Messaging Service locator with a schedule', async () => {
		const sendAt = new Date(Date.now() + 3600_000).toISOString();
		const r = await runAgent(
			[
				toolNode('CUSTOM.sendSmsTool', { ...SMS_PARAMETERS, from: { __rl: true, mode: 'number', value: button('From') } }, { name: 'By Number' }),
				toolNode('CUSTOM.sendSmsTool', { ...SMS_PARAMETERS, from: button('From') }, { name: 'Plain' }),
				toolNode(
					'CUSTOM.sendSmsTool',
					{
						...SMS_PARAMETERS,
						sender: 'messagingService',
						messagingService: { __rl: true, mode: 'list', value: button('Messaging_Service') },
						options: { sendAt: button('Schedule_At') },
					},
					{ name: 'Service' },
				),
			],
			[
				{ node: 'By Number', input: { To: SAMPLE_RECIPIENT, Message: 'a', From: NUMBER_SUPPORT.phoneNumber } },
				{ node: 'Plain', input: { To: SAMPLE_RECIPIENT, Message: 'b', From: NUMBER_SUPPORT.phoneNumber } },
				{ node: 'Service', input: { To: SAMPLE_RECIPIENT, Message: 'c', Messaging_Service: MESSAGING_SERVICE.sid, Schedule_At: sendAt } },
			],
		);
		expect(r.error).toBeUndefined();
		const [byNumber, plain, service] = r.agent!.results.map((x) => parsed(x.observation)[0]);
		expect(byNumber).toMatchObject({ from: NUMBER_SUPPORT.phoneNumber, body: 'a' });
		expect(plain).toMatchObject({ from: NUMBER_SUPPORT.phoneNumber, body: 'b' });
		expect(service).toMatchObject({ messagingServiceSid: MESSAGING_SERVICE.sid, status: 'scheduled', scheduledFor: sendAt });
	});

	it('Send SMS: an empty From from the model falls back to the credential default', async () => {
		const r = await runAgent(
			[toolNode('CUSTOM.sendSmsTool', { ...SMS_PARAMETERS, from: { __rl: true, mode: 'list', value: "={{ $fromAI('From', 'Leave empty for the default number', 'string', '') }}" } })],
			[{ node: 'Send SMS', input: { To: SAMPLE_RECIPIENT, Message: 'hi' } }],
		);
		expect(parsed(r.agent!.results[0].observation)[0]).toMatchObject({ from: NUMBER_MAIN.phoneNumber });
	});

	it('Voice Message: To, From, Message, voice, language, loop, pause, audio and acknowledgement', async () => {
		const r = await runAgent(
			[
				toolNode('CUSTOM.voiceMessageTool', {
					to: button('To'),
					from: { __rl: true, mode: 'list', value: button('From') },
					message: button('Message'),
					voice: fromAI('Voice', 'A Twilio text-to-speech voice'),
					language: fromAI('Language', 'A language code such as de-DE'),
					loop: button('Loop', 'number'),
					pauseSeconds: button('Pause_Between_Loops__Seconds_', 'number'),
					audioUrl: button('Audio_URL'),
					audioPlacement: fromAI('Play_Audio', 'before or instead'),
					options: { acknowledge: button('Ask_to_Press_a_Key', 'boolean'), acknowledgeUrl: button('Acknowledge_URL') },
				}),
			],
			[
				{
					node: 'Voice Message',
					input: {
						To: SAMPLE_RECIPIENT,
						From: NUMBER_SUPPORT.phoneNumber,
						Message: 'Der Server ist ausgefallen',
						Voice: 'Polly.Vicki',
						Language: 'de-DE',
						Loop: 2,
						Pause_Between_Loops__Seconds_: 0,
						Audio_URL: 'https://example.com/chime.mp3',
						Play_Audio: 'before',
						Ask_to_Press_a_Key: true,
						Acknowledge_URL: 'https://example.com/ack',
					},
				},
			],
		);
		expect(r.error).toBeUndefined();
		const [call] = parsed(r.agent!.results[0].observation);
		expect(call).toMatchObject({ to: SAMPLE_RECIPIENT, from: NUMBER_SUPPORT.phoneNumber });
		expect(call.twiml).toContain('<Play>https://example.com/chime.mp3</Play>');
		// With a key press asked for, the loop is written out inside <Gather>: audio and message twice.
		expect(String(call.twiml).split('<Say voice="Polly.Vicki" language="de-DE">Der Server ist ausgefallen</Say>')).toHaveLength(3);
		expect(call.twiml).toContain('action="https://example.com/ack"');
		expect(sandbox.state.calls.size).toBe(1);
	});

	it('Voice Message: a voice that does not speak the language is an error the agent can fix, and no call is placed', async () => {
		const r = await runAgent(
			[toolNode('CUSTOM.voiceMessageTool', { to: button('To'), message: button('Message'), voice: fromAI('Voice', 'A voice'), language: fromAI('Language', 'A language') })],
			[{ node: 'Voice Message', input: { To: SAMPLE_RECIPIENT, Message: 'hi', Voice: 'Polly.Vicki', Language: 'fr-FR' } }],
		);
		expect(r.error).toBeUndefined();
		const [failure] = parsed(r.agent!.results[0].observation);
		expect(failure.error).toMatch(/Language "fr-FR"/);
		expect(failure.errorDescription).toEqual(expect.any(String));
		expect(sandbox.state.calls.size).toBe(0);
	});

	it('Send Email: From, To, Subject, body format, text, HTML, CC, BCC and Reply-To', async () => {
		const r = await runAgent(
			[
				toolNode('CUSTOM.sendEmailTool', {
					from: button('From'),
					to: button('To'),
					subject: button('Subject'),
					bodyFormat: fromAI('Body_Format', 'text, html or both'),
					text: button('Text'),
					html: button('HTML'),
					options: { cc: button('CC'), bcc: button('BCC'), replyTo: button('Reply_To'), maxPerSecond: 0 },
				}),
			],
			[
				{
					node: 'Send Email',
					input: {
						From: RESEND_FROM,
						To: 'ada@example.com, grace@example.com',
						Subject: 'Your table is ready',
						Body_Format: 'both',
						Text: 'Table 4 is ready',
						HTML: '<p>Table 4 is ready</p>',
						CC: 'host@example.com',
						BCC: 'audit@example.com',
						Reply_To: 'desk@example.com',
					},
				},
			],
		);
		expect(r.error).toBeUndefined();
		const [sent] = parsed(r.agent!.results[0].observation);
		expect(sent).toMatchObject({ from: RESEND_FROM, to: ['ada@example.com', 'grace@example.com'], subject: 'Your table is ready' });
		const [stored] = [...sandbox.state.emails.values()];
		expect(stored).toMatchObject({ text: 'Table 4 is ready', html: '<p>Table 4 is ready</p>', cc: ['host@example.com'], bcc: ['audit@example.com'] });
	});

	it('Send Email: an invalid address is an error the agent can fix, and nothing is sent', async () => {
		const r = await runAgent(
			[toolNode('CUSTOM.sendEmailTool', { to: button('To'), subject: button('Subject'), text: button('Text') })],
			[{ node: 'Send Email', input: { To: 'ada at example.com', Subject: 'Hi', Text: 'Hello' } }],
		);
		expect(r.error).toBeUndefined();
		const [failure] = parsed(r.agent!.results[0].observation);
		expect(failure.error).toMatch(/^Invalid To "ada at example\.com" in item 0/);
		expect(failure.errorDescription).toEqual(expect.any(String));
		expect(sandbox.state.emails.size).toBe(0);
	});
});
