/**
 * Callee scripts: how the phone at a number behaves when the sandbox calls it (answers, stays busy,
 * lets it ring, lets voicemail pick up, presses keys, hangs up). Set per number through the admin
 * API, so an end-to-end test can play the other side of a call as a person would.
 */
import { E164 } from './addresses';

export type CalleeAnswer = 'human' | 'voicemail' | 'busy' | 'no-answer' | 'failed';

/** Keys pressed `afterMs` after a <Gather> starts listening (its nested prompt counts as listening). */
export interface CalleePress {
	digits: string;
	afterMs: number;
}

export interface CalleeScript {
	answer: CalleeAnswer;
	/**
	 * Ring time before the phone answers (human, voicemail), gives a busy signal or fails, in
	 * wall-clock ms. For `no-answer` it rings this long at most (null: the call's Timeout in call
	 * seconds), as Twilio stops ringing at Timeout.
	 */
	afterMs: number | null;
	/** One entry per <Gather> reached, in order (null or missing: no key), or the same keys at every Gather. */
	press: CalleePress | Array<CalleePress | null> | null;
	/** The callee hangs up this long after answering. */
	hangUpAfterMs: number | null;
	/** Wall-clock length of one second of call time: TwiML timeouts and lengths, Timeout, prompt lengths, durations. */
	secondMs: number;
	/** Voicemail greeting length before the beep; with DetectMessageEnd the TwiML starts after it. */
	greetingMs: number;
}

export class CalleeScriptError extends Error {}

/** Longest delay a script may ask for: scripts drive tests, and every timer must end. */
export const MAX_SCRIPT_MS = 600_000;
const MAX_SECOND_MS = 1000;
const ANSWERS: readonly CalleeAnswer[] = ['human', 'voicemail', 'busy', 'no-answer', 'failed'];
/** Keys a phone keypad sends as DTMF that <Gather> reads. */
const DTMF = /^[0-9*#]{1,32}$/;

function ms(value: unknown, name: string, fallback: number | null): number | null {
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SCRIPT_MS) {
		throw new CalleeScriptError(`\`${name}\` must be an integer number of milliseconds, 0..${MAX_SCRIPT_MS}`);
	}
	return value;
}

function press(value: unknown, name: string): CalleePress {
	if (typeof value !== 'object' || value === null) throw new CalleeScriptError(`\`${name}\` must be {digits, afterMs?}`);
	const { digits, afterMs } = value as Record<string, unknown>;
	if (typeof digits !== 'string' || !DTMF.test(digits)) throw new CalleeScriptError(`\`${name}.digits\` must be 1 to 32 keys of 0-9, * and #`);
	return { digits, afterMs: ms(afterMs, `${name}.afterMs`, 0)! };
}

/** Checks an admin-supplied script and fills in the defaults (`statusStepMs` paces an unhurried callee). */
export function parseCalleeScript(input: unknown, statusStepMs: number): CalleeScript {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new CalleeScriptError('`script` must be an object');
	const raw = input as Record<string, unknown>;
	const known = new Set(['answer', 'afterMs', 'press', 'hangUpAfterMs', 'secondMs', 'greetingMs']);
	const unknown = Object.keys(raw).filter((k) => !known.has(k));
	if (unknown.length) throw new CalleeScriptError(`unknown script field(s): ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
	const answer = raw.answer ?? 'human';
	if (typeof answer !== 'string' || !ANSWERS.includes(answer as CalleeAnswer)) throw new CalleeScriptError(`\`answer\` must be one of ${ANSWERS.join(', ')}`);
	// Real time is the slowest pace that makes sense; it also keeps TimeLimit (up to a day) bounded.
	const secondMs = ms(raw.secondMs, 'secondMs', Math.min(MAX_SECOND_MS, Math.max(1, statusStepMs)))!;
	if (secondMs < 1 || secondMs > MAX_SECOND_MS) throw new CalleeScriptError(`\`secondMs\` must be 1..${MAX_SECOND_MS}`);
	let presses: CalleeScript['press'] = null;
	if (Array.isArray(raw.press)) presses = raw.press.map((p, i) => (p === null ? null : press(p, `press[${i}]`)));
	else if (raw.press !== undefined && raw.press !== null) presses = press(raw.press, 'press');
	return {
		answer: answer as CalleeAnswer,
		afterMs: ms(raw.afterMs, 'afterMs', answer === 'no-answer' ? null : statusStepMs),
		press: presses,
		hangUpAfterMs: ms(raw.hangUpAfterMs, 'hangUpAfterMs', null),
		secondMs,
		greetingMs: ms(raw.greetingMs, 'greetingMs', 5 * secondMs)!,
	};
}

export function checkScriptNumber(number: unknown): string {
	if (typeof number !== 'string' || !E164.test(number.trim())) throw new CalleeScriptError('`number` must be an E.164 phone number');
	return number.trim();
}

/** The keys the callee presses at its `index`-th <Gather> (0-based), if any. */
export function pressAt(script: CalleeScript, index: number): CalleePress | null {
	if (script.press === null) return null;
	if (Array.isArray(script.press)) return script.press[index] ?? null;
	return script.press;
}
