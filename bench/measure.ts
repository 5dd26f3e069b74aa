/**
 * What the bench reads off the machine and off n8n: process memory from /proc, the sender node's own
 * time from the saved execution, percentiles, and the sandbox's per-item send counts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listExecutions } from '../scripts/n8n/instance';
import type { N8nRest } from '../scripts/n8n/rest';

const MB = 2 ** 20;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const line = fs
		.readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${field}:`));
	return line ? Number(line.replace(/\D+/g, '')) * 1024 : 0;
}

/** The n8n process is the child of the watchdog that startN8n spawns; its task runner is n8n's child. */
export function childPids(pid: number): number[] {
	try {
		return fs
			.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.trim()
			.split(/\s+/)
			.filter(Boolean)
			.map(Number);
	} catch {
		return [];
	}
}

export interface PeakMemory {
	baselineMb: number;
	peakMb: number;
	extraMb: number;
}

/**
 * Peak RSS over a piece of work, from the kernel's own high-water mark (VmHWM), which is reset first
 * by writing 5 to clear_refs, so no short spike between samples is missed.
 */
export async function peakRss<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; memory: Record<number, PeakMemory> }> {
	const baseline = new Map<number, number>();
	for (const pid of pids) {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		baseline.set(pid, statusField(pid, 'VmRSS'));
	}
	const result = await work();
	const memory: Record<number, PeakMemory> = {};
	for (const pid of pids) {
		const base = baseline.get(pid) ?? 0;
		const peak = statusField(pid, 'VmHWM');
		memory[pid] = { baselineMb: round(base / MB), peakMb: round(peak / MB), extraMb: round((peak - base) / MB) };
	}
	return { result, memory };
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export function percentile(sortedMs: number[], p: number): number {
	if (!sortedMs.length) return NaN;
	const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
	return sortedMs[i];
}

interface RunData {
	startTime: number;
	executionTime: number;
}

/**
 * The named node's own run time (ms) in the workflow's newest execution. n8n stores execution data
 * in its "flatted" form; the parser comes from the n8n install itself.
 */
export async function nodeExecutionMs(rest: N8nRest, n8nDir: string, workflowId: string, nodeName: string): Promise<number | null> {
	const id = (await listExecutions(rest, workflowId))[0]?.id;
	if (!id) return null;
	const { data: execution } = await rest.get<{ data: string }>(`/rest/executions/${id}`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted = require(path.join(n8nDir, 'node_modules', 'flatted')) as { parse(text: string): unknown };
	const parsed = flatted.parse(execution.data) as { resultData?: { runData?: Record<string, RunData[]> } };
	return parsed.resultData?.runData?.[nodeName]?.[0]?.executionTime ?? null;
}

export interface ExactlyOnce {
	/** Items the vendor received exactly once. */
	sentOnce: number;
	/** Items the vendor received more than once. */
	duplicated: number;
	/** Items neither received by the vendor nor reported as an error item: silently lost. */
	missing: number;
	/** Error items (for example "outcome unknown" after a connection reset), and how many of those the vendor never received. */
	reportedErrors: number;
	reportedNotSent: number;
	/** Items reported as sent whose id the vendor does not know. */
	unknownIds: number;
}

/**
 * @param sendsPerItem how many times the vendor received item n (by its unique body or subject)
 * @param ids the node's output per item: the vendor's id, or null for an error item
 */
export function exactlyOnce(count: number, sendsPerItem: Map<number, number>, ids: Array<string | null>, knownIds: Set<string>): ExactlyOnce {
	const out: ExactlyOnce = { sentOnce: 0, duplicated: 0, missing: 0, reportedErrors: 0, reportedNotSent: 0, unknownIds: 0 };
	for (let n = 0; n < count; n++) {
		const sends = sendsPerItem.get(n) ?? 0;
		const id = n < ids.length ? ids[n] : undefined;
		if (sends === 1) out.sentOnce++;
		if (sends > 1) out.duplicated++;
		if (id === null) {
			out.reportedErrors++;
			if (sends === 0) out.reportedNotSent++;
		} else if (sends === 0) {
			out.missing++;
		}
		if (typeof id === 'string' && !knownIds.has(id)) out.unknownIds++;
	}
	return out;
}
