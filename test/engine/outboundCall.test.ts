/*
 * Outbound Call in n8n-core's WorkflowExecute against the sandbox: each of its four kinds of call
 * instructions, and inline TwiML errors reported per item before any request.
 */
import type { Sandbox } from '../../sandbox';
import { NUMBER_SUPPORT, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { VOICE_APPLICATION } from '../../sandbox/twilio/calls-state';
import { runNode } from '../support/twilioWorkflows';
import { waitFor, type Receiver, useSandboxAndReceiver } from '../sandbox/helpers';

let sandbox: Sandbox;
let receiver: Receiver;
const HOSTED = '<Response><Say voice="Polly.Brian">Hosted instructions</Say><Hangup/></Response>';

useSandboxAndReceiver({ statusStepMs: 15, answer: () => ({ contentType: 'text/xml', body: HOSTED }) }, (s, r) => {
	sandbox = s;
	receiver = r;
});

const call = (parameters: Record<string, unknown>, items: Record<string, unknown>[] = [{}], continueOnFail = false) =>
	runNode({ type: 'CUSTOM.outboundCall', parameters: parameters as never, items: items as never, baseUrl: sandbox.url, continueOnFail });

const ended = (sid: string) =>
	waitFor(() => {
		const c = sandbox.state.calls.get(sid);
		return c && ['completed', 'busy', 'no-answer', 'failed'].includes(c.status) ? c : undefined;
	}, 3000, `call ${sid}`);

async function placed(parameters: Record<string, unknown>) {
	const r = await call({ to: SAMPLE_RECIPIENT, ...parameters });
	expect(r.error).toBeUndefined();
	const json = r.outputs(r.nodeName)[0].json;
	return { json, call: await ended(String(json.sid)) };
}

describe('Outbound Call in WorkflowExecute against the sandbox', () => {
	it('demo message by default: a first call works with no set-up', async () => {
		const { json, call: c } = await placed({});
		expect(json).toMatchObject({ status: 'queued', instructions: 'demo', url: null, applicationSid: null });
		expect(json.twiml).toBe(c.twiml);
		expect(c.heard).toEqual([expect.objectContaining({ verb: 'Say', voice: 'Polly.Joanna', text: expect.stringContaining('Your Outbound Call node works') })]);
	});

	it('TwiML URL with GET: the sandbox fetches it when answered and records what was heard', async () => {
		const { json, call: c } = await placed({ instructions: 'url', url: `${receiver.url}/voice?case=1`, method: 'GET' });
		expect(json).toMatchObject({ instructions: 'url', twiml: null, url: `${receiver.url}/voice?case=1` });
		expect(c.twiml).toBe(HOSTED);
		expect(c.heard).toEqual([{ verb: 'Say', text: 'Hosted instructions', voice: 'Polly.Brian', language: null, loop: 1 }, { verb: 'Hangup', attributes: {} }]);
		expect(receiver.requests[0]).toMatchObject({ method: 'GET' });
		expect(receiver.requests[0].url).toContain(`CallSid=${json.sid}`);
	});

	it('inline TwiML, with send digits, caller ID and a From picked from the list', async () => {
		const twiml = '<Response>\n\t<Play digits="ww1"/>\n\t<Say>Extension reached &amp; greeted</Say>\n</Response>';
		const { json, call: c } = await placed({
			from: { __rl: true, mode: 'list', value: NUMBER_SUPPORT.phoneNumber },
			instructions: 'twiml',
			twiml,
			options: { sendDigits: 'ww1234#', callerId: '+15555550100', timeout: 20, machineDetection: 'Enable' },
		});
		expect(json).toMatchObject({ from: NUMBER_SUPPORT.phoneNumber, twiml });
		expect(c).toMatchObject({ twiml, sendDigits: 'ww1234#', callerId: '+15555550100', timeout: 20, machineDetection: 'Enable', answeredBy: 'human' });
		expect(c.heard[1]).toEqual({ verb: 'Say', text: 'Extension reached & greeted', voice: null, language: null, loop: 1 });
	});

	it('TwiML App by Application SID, with recording and its callback', async () => {
		const { json, call: c } = await placed({
			instructions: 'application',
			applicationSid: VOICE_APPLICATION.sid,
			options: { record: true, recordingStatusCallback: `${receiver.url}/recording` },
		});
		expect(json).toMatchObject({ instructions: 'application', applicationSid: VOICE_APPLICATION.sid, twiml: null });
		expect(c).toMatchObject({ source: { kind: 'application', sid: VOICE_APPLICATION.sid }, record: true, recordingStatusCallback: `${receiver.url}/recording` });
	});

	it('bad inline TwiML and bad options fail per item with the parse error, before any request', async () => {
		const items = [
			{ twiml: '<Response><Say>ok</Say></Response>', digits: '' },
			{ twiml: '<Response><Say>broken</Response>', digits: '' },
			{ twiml: '<Say>no response root</Say>', digits: '' },
			{ twiml: `<Response><Say>${'x'.repeat(4000)}</Say></Response>`, digits: '' },
			{ twiml: '', digits: '' },
			{ twiml: '<Response/>', digits: '12x' },
			{ twiml: '<Response>\n  <Say>Disk\u000Bfull</Say>\n</Response>', digits: '' },
			{ twiml: '<Response><Say>&#8;</Say></Response>', digits: '' },
			{ twiml: '<Response><Say>still fine</Say></Response>', digits: '' },
		];
		const r = await call({ to: SAMPLE_RECIPIENT, instructions: 'twiml', twiml: '={{ $json.twiml }}', options: { sendDigits: '={{ $json.digits }}' } }, items, true);
		expect(r.error).toBeUndefined();
		const out = r.outputs(r.nodeName).map((o) => o.json);
		expect(out.map((o) => Boolean(o.error))).toEqual([false, true, true, true, true, true, true, true, false]);
		expect(out[1].error).toMatch(/Invalid TwiML .* in item 1: is not well-formed XML: Expected closing tag 'Say' .*instead of closing tag 'Response' \(line 1, column 22\)/);
		expect(out[2].error).toMatch(/must have a <Response> root/);
		expect(out[3].error).toMatch(/at most 4,000 characters/);
		expect(out[4].error).toMatch(/Missing TwiML in item 4: is empty/);
		expect(out[5].error).toMatch(/Invalid Send Digits "12x" in item 5/);
		// Characters XML cannot carry, raw or as a reference: named by code point and position, not by the raw character.
		expect(out[6].error).toBe(
			'Invalid TwiML "<Response>\\n  <Say>Disk\\u000bfull</Say>\\n</Response>" in item 6: is not well-formed XML: U+000B (a control character) is not allowed in XML (line 2, column 12)',
		);
		expect(out[7].error).toMatch(/in item 7: is not well-formed XML: the character reference &#8; stands for U\+0008 \(a control character\)/);
		expect(out[6].errorDescription).toMatch(/^Remove the character/);
		expect(sandbox.state.calls.size).toBe(2);
		expect([...sandbox.state.calls.values()].map((c) => c.twiml)).toEqual([items[0].twiml, items[8].twiml]);
	});

	it('a bad TwiML URL or timeout stops the run without continueOnFail, naming the item', async () => {
		const r = await call({ to: SAMPLE_RECIPIENT, instructions: 'url', url: 'ftp://example.com/twiml' });
		expect(r.error?.message).toMatch(/Invalid TwiML URL "ftp:\/\/example.com\/twiml" in item 0: uses ftp/);
		const t = await call({ to: SAMPLE_RECIPIENT, options: { timeout: 601 } });
		expect(t.error?.message).toMatch(/Invalid Timeout 601 in item 0: out of range \(1 to 600\)/);
		expect(sandbox.stats().requestsTotal).toBe(0);
	});
});
