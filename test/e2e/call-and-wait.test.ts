/**
 * Voice Message → Call and Wait for Acknowledgement in a real n8n. The sandbox plays the callee (a
 * per-number script: answer, press a key, stay silent, not answer) and calls back the execution's
 * resume URL as Twilio does, signed. The execution waits in n8n's database in between.
 */
import { randomUUID } from 'node:crypto';
import { FULL_ACCOUNT } from '../../sandbox/fixtures';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { ackOutcome, callAndWaitWorkflow, latestExecution } from '../support/n8n/callAndWait';
import type { SandboxCall } from '../support/n8n/sandboxClient';
import { useN8n } from './harness';

const n8n = useN8n();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Numbers of this file only: the sandbox's callee scripts are per number and the sandbox is shared.
const ACKS = '+15555550161';
const SILENT = '+15555550162';
const AWAY = '+15555550163';
const SLOW = '+15555550164';
const WRONG = '+15555550165';

async function start(to: string): Promise<{ workflowId: string; tag: string }> {
	const path = `call-wait-${randomUUID().slice(0, 8)}`;
	const wf = await n8n.importWorkflow(callAndWaitWorkflow(path, to), { activate: true });
	const tag = n8n.tag('alert');
	const res = await n8n.webhook(path, { tag });
	expect(res.status).toBe(200);
	return { workflowId: wf.id, tag };
}

const execution = (workflowId: string, until: (status: string) => boolean) => latestExecution(n8n, workflowId, until);
const outcome = (executionId: string) => ackOutcome(n8n, executionId);

async function callsTo(number: string): Promise<SandboxCall[]> {
	return (await n8n.sandbox.state()).calls.filter((c) => c.to === number);
}

/** The resume URL, as Twilio got it: the <Gather> action of the call's TwiML. */
function resumeUrlOf(call: SandboxCall): string {
	const action = /<Gather[^>]* action="([^"]+)"/.exec(call.sandbox.twiml ?? '')?.[1];
	if (!action) throw new Error(`no <Gather action> in ${call.sandbox.twiml}`);
	return action.replace(/&amp;/g, '&');
}

describe('Voice Message: Call and Wait for Acknowledgement', () => {
	afterAll(() => n8n.sandbox.clearCallee());

	it('the callee presses 1: the execution resumes with acknowledged: true, and one call was made', async () => {
		await n8n.sandbox.callee(ACKS, { answer: 'human', afterMs: 100, press: { digits: '1', afterMs: 100 }, secondMs: 20 });
		const { workflowId, tag } = await start(ACKS);
		const done = await execution(workflowId, (s) => s === 'success');
		const [out] = await outcome(done.id);
		expect(out).toMatchObject({ acknowledged: true, digit: '1', reason: null, to: ACKS });
		const calls = (await callsTo(ACKS)).filter((c) => (c.sandbox.twiml ?? '').includes(tag));
		expect(calls.map((c) => c.sid)).toEqual([out.callSid]);
		// What the callee heard: the message, and the thanks the resumed node answered the key press with.
		const heard = JSON.stringify(calls[0].sandbox.heard);
		expect(heard).toContain(`Alert ${tag}: the API is down.`);
		expect(heard).toContain('Your acknowledgement was recorded');
	});

	it('nobody answers: the execution resumes with acknowledged: false and reason no-answer', async () => {
		await n8n.sandbox.callee(AWAY, { answer: 'no-answer', afterMs: 200, secondMs: 20 });
		const { workflowId } = await start(AWAY);
		const done = await execution(workflowId, (s) => s === 'success');
		expect(await outcome(done.id)).toEqual([expect.objectContaining({ acknowledged: false, reason: 'no-answer', callStatus: 'no-answer', digit: null })]);
	});

	it('the callee listens but presses nothing: both prompts play, then the call ends as hung-up', async () => {
		await n8n.sandbox.callee(SILENT, { answer: 'human', afterMs: 100, secondMs: 20 });
		const { workflowId, tag } = await start(SILENT);
		const done = await execution(workflowId, (s) => s === 'success');
		expect(await outcome(done.id)).toEqual([expect.objectContaining({ acknowledged: false, reason: 'hung-up', callStatus: 'completed' })]);
		const [call] = (await callsTo(SILENT)).filter((c) => (c.sandbox.twiml ?? '').includes(tag));
		expect(call.sandbox.heard.filter((v) => v.verb === 'Gather')).toHaveLength(2);
	});

	it('a wrong key gets a reminder and the execution keeps waiting; the right key then acknowledges', async () => {
		await n8n.sandbox.callee(WRONG, { answer: 'human', afterMs: 100, press: [{ digits: '5', afterMs: 50 }, { digits: '1', afterMs: 50 }], secondMs: 20 });
		const { workflowId, tag } = await start(WRONG);
		const done = await execution(workflowId, (s) => s === 'success');
		expect(await outcome(done.id)).toEqual([expect.objectContaining({ acknowledged: true, digit: '1' })]);
		const [call] = (await callsTo(WRONG)).filter((c) => (c.sandbox.twiml ?? '').includes(tag));
		expect(JSON.stringify(call.sandbox.heard)).toContain('You pressed 5. To acknowledge, press 1.');
	});

	it('a forged acknowledgement gets 403 and the execution keeps waiting; an unsigned resume URL gets 401', async () => {
		// Answers late, so the execution is certainly still waiting while the forgeries arrive.
		await n8n.sandbox.callee(SLOW, { answer: 'human', afterMs: 4000, press: { digits: '1', afterMs: 100 }, secondMs: 20 });
		const { workflowId, tag } = await start(SLOW);
		await execution(workflowId, (s) => s === 'waiting');
		let call: SandboxCall | undefined;
		for (let i = 0; i < 50 && !call; i++, await sleep(100)) call = (await callsTo(SLOW)).find((c) => (c.sandbox.twiml ?? '').includes(tag));
		const url = resumeUrlOf(call!);
		const form = { CallSid: call!.sid, AccountSid: FULL_ACCOUNT.sid, From: call!.from, To: SLOW, Digits: '1', CallStatus: 'in-progress' };
		const post = (target: string, signature: string | undefined) =>
			fetch(target, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
				body: new URLSearchParams(form).toString(),
			});
		expect((await post(url, undefined)).status).toBe(403);
		expect((await post(url, getExpectedTwilioSignature('0'.repeat(32), url, form))).status).toBe(403);
		// Without n8n's own signature on the URL, n8n refuses before our node sees it.
		const bare = new URL(url);
		bare.searchParams.delete('signature');
		expect((await post(bare.toString(), getExpectedTwilioSignature(FULL_ACCOUNT.authToken, bare.toString(), form))).status).toBe(401);
		expect((await execution(workflowId, () => true)).status).toBe('waiting');

		// The real callee then answers and presses 1.
		const done = await execution(workflowId, (s) => s === 'success');
		expect(await outcome(done.id)).toEqual([expect.objectContaining({ acknowledged: true, digit: '1' })]);
	});
});
