/**
 * Get Many for one item: messages (filtered, or both directions of a conversation) or calls, paged
 * through Twilio's next_page_uri, as items or as one summary.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { TwilioContext } from '../shared/twilio/context';
import { parseInput } from '../shared/validation/errors';
import { NEEDS, type VendorClients } from './clients';
import { fromCall, fromMessage, type StatusOutput } from './normalize';
import { summarize } from './summary';
import { LIST_LABELS, listSchema } from './validation';

interface TwilioPage<T> {
	instances: T[];
	/** The SDK answers undefined, not a promise, when there is no next_page_uri. */
	nextPage(): Promise<TwilioPage<T>> | undefined;
}

/** Follows next_page_uri until `limit` items (or the end); `limit` undefined means all. */
export async function collectPages<T>(firstPage: () => Promise<TwilioPage<T>>, limit: number | undefined): Promise<{ items: T[]; pages: number }> {
	let page = await firstPage();
	const items = [...page.instances];
	let pages = 1;
	while (limit === undefined || items.length < limit) {
		const next = page.nextPage();
		if (!next) break;
		page = await next;
		pages++;
		items.push(...page.instances);
	}
	return { items: limit === undefined ? items : items.slice(0, limit), pages };
}

const timeOf = (s: StatusOutput) => String(s.sentAt ?? s.createdAt ?? '');

/** Oldest first, as a conversation is read; ties keep creation order. */
function chronological(a: StatusOutput, b: StatusOutput): number {
	return timeOf(a).localeCompare(timeOf(b)) || String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? ''));
}

const rlValue = (v: unknown): unknown => (v && typeof v === 'object' && '__rl' in v ? (v as unknown as { value: unknown }).value : v);

function withoutRaw(items: StatusOutput[], includeRaw: boolean): IDataObject[] {
	return includeRaw ? items : items.map(({ raw: _raw, ...rest }) => rest);
}

async function listMessages(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): Promise<{ items: StatusOutput[]; pages: number; extra: IDataObject }> {
	const conversation = ctx.getNodeParameter('messageQuery', i, 'filter') === 'conversation';
	const input = parseInput(
		listSchema,
		{
			to: conversation ? undefined : ctx.getNodeParameter('to', i, ''),
			from: conversation ? undefined : ctx.getNodeParameter('from', i, ''),
			numberA: conversation ? rlValue(ctx.getNodeParameter('numberA', i, '')) : undefined,
			numberB: conversation ? ctx.getNodeParameter('numberB', i, '') : undefined,
			dateSentAfter: ctx.getNodeParameter('dateSentAfter', i, ''),
			dateSentBefore: ctx.getNodeParameter('dateSentBefore', i, ''),
			conversation,
			returnAll: ctx.getNodeParameter('returnAll', i, false),
			limit: ctx.getNodeParameter('limit', i, 50),
			pageSize: ctx.getNodeParameter('options.pageSize', i, 50),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: LIST_LABELS },
	);
	const limit = input.returnAll ? undefined : input.limit;
	const pageSize = limit === undefined ? input.pageSize : Math.min(input.pageSize, limit);
	const messages = twilio.client.messages;
	const query = (to: string | undefined, from: string | undefined) => () =>
		messages.page({ to, from, dateSentAfter: input.dateSentAfter, dateSentBefore: input.dateSentBefore, pageSize });

	if (!conversation) {
		const { items, pages } = await collectPages(query(input.to, input.from), limit);
		return { items: items.map(fromMessage), pages, extra: {} };
	}
	const [a, b] = [input.numberA!, input.numberB!];
	// Each direction is its own list (Twilio filters To and From together); the newest `limit` of
	// the merged history are kept, then shown oldest first.
	const [aToB, bToA] = await Promise.all([collectPages(query(b, a), limit), collectPages(query(a, b), limit)]);
	const merged = [...aToB.items, ...bToA.items].map(fromMessage).sort(chronological);
	const items = limit === undefined ? merged : merged.slice(-limit);
	return {
		items,
		pages: aToB.pages + bToA.pages,
		extra: { numberA: a, numberB: b, fromAtoB: items.filter((m) => m.from === a).length, fromBtoA: items.filter((m) => m.from === b).length },
	};
}

async function listCalls(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): Promise<{ items: StatusOutput[]; pages: number; extra: IDataObject }> {
	const input = parseInput(
		listSchema,
		{
			to: ctx.getNodeParameter('to', i, ''),
			from: ctx.getNodeParameter('from', i, ''),
			conversation: false,
			returnAll: ctx.getNodeParameter('returnAll', i, false),
			limit: ctx.getNodeParameter('limit', i, 50),
			pageSize: ctx.getNodeParameter('options.pageSize', i, 50),
		},
		{ node: ctx.getNode(), itemIndex: i, labels: LIST_LABELS },
	);
	const status = ctx.getNodeParameter('callStatus', i, '') as string;
	const limit = input.returnAll ? undefined : input.limit;
	const pageSize = limit === undefined ? input.pageSize : Math.min(input.pageSize, limit);
	const { items, pages } = await collectPages(
		() => twilio.client.calls.page({ to: input.to, from: input.from, status: (status || undefined) as never, pageSize }),
		limit,
	);
	return { items: items.map(fromCall), pages, extra: {} };
}

export async function getMany(ctx: IExecuteFunctions, clients: VendorClients, i: number): Promise<IDataObject | IDataObject[]> {
	const resource = ctx.getNodeParameter('resource', i, 'message') === 'call' ? 'call' : 'message';
	const twilio = await clients.twilio(i, NEEDS[resource]);
	const { items, pages, extra } = resource === 'call' ? await listCalls(ctx, twilio, i) : await listMessages(ctx, twilio, i);
	if (ctx.getNodeParameter('output', i, 'items') === 'summary') {
		return { ...summarize(items, resource), ...extra, pagesFetched: pages };
	}
	return withoutRaw(items, ctx.getNodeParameter('options.includeRaw', i, false) === true);
}
