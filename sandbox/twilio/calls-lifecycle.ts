/**
 * Call progress, one step every `statusStepMs`:
 *   queued → ringing → in-progress (TwiML read, answering machine detected) → completed
 * or ringing → busy / no-answer, or queued → failed, for the magic numbers. Each status the caller
 * asked for is POSTed (signed) to StatusCallback, in order. A number with a callee script is
 * called by calls-run.ts instead, which follows the TwiML as the script's callee meets it.
 */
import type { SandboxCore } from '../core';
import { rfc2822 } from '../dates';
import { FormParams, toFormParams } from '../form';
import { isDelivered, logDelivery } from '../webhook-log';
import type { ValidatedCall } from './calls-create';
import { CALL_DURATION_SECONDS, PRICE_PER_MINUTE, type AnsweredBy, type CallRecord, type CallStatus } from './calls-state';
import { runScriptedCall } from './calls-run';
import { readCallTwiml } from './calls-twiml';
import { followRecordedCall } from './recordings';

const EVENT_OF: Record<CallStatus, string> = {
	queued: 'initiated',
	ringing: 'ringing',
	'in-progress': 'answered',
	completed: 'completed',
	busy: 'completed',
	'no-answer': 'completed',
	failed: 'completed',
	canceled: 'completed',
};

/** Per sandbox: the callback chain of each call, so one call's callbacks arrive in order. */
const chains = new WeakMap<SandboxCore, Map<string, Promise<void>>>();

function chainsOf(core: SandboxCore): Map<string, Promise<void>> {
	let map = chains.get(core);
	if (!map) chains.set(core, (map = new Map()));
	return map;
}

export function callParams(call: CallRecord, extra: Record<string, string | undefined> = {}): FormParams {
	return toFormParams({
		AccountSid: call.accountSid,
		ApiVersion: '2010-04-01',
		AnsweredBy: call.answeredBy ?? undefined,
		CallSid: call.sid,
		CallStatus: call.status,
		Called: call.to,
		Caller: call.from,
		Direction: call.direction,
		From: call.from,
		To: call.to,
		...extra,
	});
}

/** Queues the status callback for the call's current status, if the caller asked for that event. */
function notify(core: SandboxCore, call: CallRecord, sequence: number): void {
	// Every status change of every call (scripted or not) passes here, callback or none.
	followRecordedCall(core, call);
	const event = EVENT_OF[call.status];
	const wanted = call.statusCallbackEvents.length ? call.statusCallbackEvents : ['completed'];
	const url = call.statusCallback;
	const account = core.store.accounts.get(call.accountSid);
	if (!url || !account || !wanted.includes(event)) return;
	const completed = event === 'completed';
	const params = callParams(call, {
		CallStatus: event === 'initiated' ? 'initiated' : call.status,
		CallbackSource: 'call-progress-events',
		SequenceNumber: String(sequence),
		Timestamp: rfc2822(call.dateUpdated),
		CallDuration: completed && call.duration !== null ? String(call.duration) : undefined,
		Duration: completed && call.duration !== null ? String(Math.ceil(call.duration / 60)) : undefined,
	});
	const status = params.CallStatus[0];
	const generation = core.store.generation;
	const map = chainsOf(core);
	const next = (map.get(call.sid) ?? Promise.resolve())
		.then(async () => {
			const req = { url, method: call.statusCallbackMethod, params, authToken: account.authToken };
			const result = await core.webhooks.deliver(req);
			if (core.store.generation !== generation) return;
			logDelivery(core, req, result, { kind: 'call-status', callSid: call.sid, callStatus: status });
		})
		.catch((err: unknown) => core.log(`call callback error: ${err instanceof Error ? err.message : String(err)}`));
	map.set(call.sid, next);
	void next.then(() => {
		if (map.get(call.sid) === next) map.delete(call.sid);
	});
}

/** Resolves once every queued call status callback has been attempted. */
export async function callCallbacksIdle(core: SandboxCore): Promise<void> {
	const map = chainsOf(core);
	while (map.size > 0) await Promise.all([...map.values()]);
}

export function setStatus(call: CallRecord, status: CallStatus): void {
	const now = new Date();
	call.status = status;
	call.dateUpdated = now;
	call.statusHistory.push({ status, at: now });
}

/** Fetches the TwiML from the call's URL as Twilio does when the call is answered. */
async function fetchTwiml(core: SandboxCore, call: CallRecord): Promise<void> {
	if (call.source.kind !== 'url') return;
	const account = core.store.accounts.get(call.accountSid);
	if (!account) return;
	const params = callParams(call);
	const req = { url: call.source.url, method: call.source.method, params, authToken: account.authToken };
	const result = await core.webhooks.deliver(req);
	// Left out of the webhook counters, as it always was: counting it would change `stats().webhooks` for every outbound call.
	logDelivery(core, req, result, { kind: 'call-twiml', callSid: call.sid, callStatus: call.status }, { countInStats: false });
	if (isDelivered(result)) call.twiml = result.body;
	else call.twimlError = `11200 HTTP retrieval failure: ${result.status ?? result.error}`;
}

function answeredBy(v: ValidatedCall): AnsweredBy | null {
	if (!v.machineDetection) return null;
	if (!v.machine) return 'human';
	return v.machineDetection === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start';
}

export function startCall(core: SandboxCore, call: CallRecord, v: ValidatedCall): void {
	const generation = core.store.generation;
	let sequence = 0;
	if (call.script) return runScriptedCall(core, call, call.script, () => notify(core, call, sequence++));
	const alive = () => core.store.generation === generation && call.status !== 'canceled';
	const step = (status: CallStatus, then?: () => void | Promise<void>) => {
		setStatus(call, status);
		notify(core, call, sequence++);
		if (then) core.lifecycle.after(core.statusStepMs, () => void (alive() ? then() : undefined));
	};
	const answer = async () => {
		setStatus(call, 'in-progress');
		call.answeredBy = answeredBy(v);
		call.startTime = new Date();
		await fetchTwiml(core, call);
		if (!alive()) return;
		if (call.twiml !== null && call.twimlError === null) {
			const read = readCallTwiml(call.twiml);
			if (read.ok) call.heard = read.heard;
			else call.twimlError = read.error;
		}
		notify(core, call, sequence++);
		core.lifecycle.after(core.statusStepMs, () => {
			if (!alive()) return;
			call.endTime = new Date();
			call.duration = CALL_DURATION_SECONDS;
			call.price = (-PRICE_PER_MINUTE * Math.ceil(CALL_DURATION_SECONDS / 60)).toFixed(5);
			step('completed');
		});
	};
	notify(core, call, sequence++);
	core.lifecycle.after(core.statusStepMs, () => {
		if (!alive()) return;
		if (v.outcome === 'failed') return step('failed');
		step('ringing', () => {
			if (v.outcome === 'busy' || v.outcome === 'no-answer') return step(v.outcome);
			return answer();
		});
	});
}
