/**
 * Simple stats over a list of messages or calls: how many in each status, how many settled well or
 * badly, and what they cost. Prices keep Twilio's sign (negative = charged), as in every item.
 */
import type { IDataObject } from 'n8n-workflow';
import type { StatusOutput } from './normalize';

const round = (n: number) => Math.round(n * 100_000) / 100_000;

export function summarize(items: readonly StatusOutput[], kind: 'message' | 'call'): IDataObject {
	const byStatus: Record<string, number> = {};
	let successful = 0;
	let failed = 0;
	let totalPrice = 0;
	let priced = 0;
	let totalSegments = 0;
	let totalDuration = 0;
	const units = new Set<string>();
	const times: string[] = [];
	for (const item of items) {
		byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
		if (item.isFinal && item.isSuccess) successful++;
		else if (item.isFinal) failed++;
		if (item.price !== null && Number.isFinite(item.price)) {
			totalPrice += item.price;
			priced++;
		}
		if (item.priceUnit) units.add(item.priceUnit);
		totalSegments += Number(item.numSegments ?? 0) || 0;
		totalDuration += Number(item.duration ?? 0) || 0;
		const at = (item.sentAt ?? item.startedAt ?? item.createdAt) as string | null;
		if (at) times.push(at);
	}
	times.sort();
	return {
		resource: kind,
		total: items.length,
		byStatus,
		successful,
		failed,
		pending: items.length - successful - failed,
		...(kind === 'message' ? { totalSegments } : { totalDuration }),
		totalPrice: round(totalPrice),
		// Messages still on their way have no price yet, so the total covers only these.
		pricedCount: priced,
		priceUnit: units.size === 1 ? [...units][0] : units.size === 0 ? null : 'MIXED',
		firstAt: times[0] ?? null,
		lastAt: times[times.length - 1] ?? null,
	};
}
