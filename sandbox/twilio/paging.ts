/**
 * Twilio list paging. The 2010 API puts paging fields at the top level with relative `*_uri`s; the
 * newer APIs (Messaging v1, Verify v2) nest them in `meta` with absolute `*_url`s.
 * PageToken works as on Twilio: `PA<sid>` = "the page after this item", `PB<sid>` = "the page before
 * it". Tokens keep paging stable while new messages arrive at the head of the list.
 */
import { first, FormParams } from '../form';

export interface PageWindow<T> {
	items: T[];
	page: number;
	pageSize: number;
	start: number;
	nextToken: string | null;
	hasPrevious: boolean;
	/** Absent when the page is past the end and there is no item to anchor a token on. */
	previousToken: string | null;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

function intParam(value: string | undefined, fallback: number): number {
	if (value === undefined || !/^\d+$/.test(value)) return fallback;
	return Number(value);
}

export function pageWindow<T>(all: readonly T[], query: FormParams, sidOf: (item: T) => string): PageWindow<T> {
	const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, intParam(first(query, 'PageSize'), DEFAULT_PAGE_SIZE)));
	const page = intParam(first(query, 'Page'), 0);
	const token = first(query, 'PageToken');
	let start = page * pageSize;
	if (token && /^P[AB]/.test(token)) {
		const index = all.findIndex((item) => sidOf(item) === token.slice(2));
		if (index >= 0) start = token.startsWith('PA') ? index + 1 : Math.max(0, index - pageSize);
	}
	const items = all.slice(start, start + pageSize);
	const nextToken = start + pageSize < all.length && items.length ? `PA${sidOf(items[items.length - 1])}` : null;
	const previousToken = start > 0 && items.length ? `PB${sidOf(items[0])}` : null;
	return { items, page, pageSize, start, nextToken, hasPrevious: start > 0, previousToken };
}

function previousQuery(w: PageWindow<unknown>, size: string): Record<string, string> {
	const q: Record<string, string> = { PageSize: size, Page: String(Math.max(0, w.page - 1)) };
	if (w.previousToken) q.PageToken = w.previousToken;
	return q;
}

function withQuery(path: string, filters: Record<string, string>, extra: Record<string, string>): string {
	const qs = new URLSearchParams({ ...filters, ...extra }).toString();
	return `${path}?${qs}`;
}

/** The filters a list endpoint understood, to carry them into every paging link. */
export function pickFilters(query: FormParams, names: readonly string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const n of names) {
		const v = first(query, n);
		if (v !== undefined) out[n] = v;
	}
	return out;
}

export function page2010<T>(args: {
	all: readonly T[];
	query: FormParams;
	path: string;
	key: string;
	filters: Record<string, string>;
	sidOf: (item: T) => string;
	render: (item: T) => unknown;
}): Record<string, unknown> {
	const w = pageWindow(args.all, args.query, args.sidOf);
	const size = String(w.pageSize);
	const token = first(args.query, 'PageToken');
	return {
		[args.key]: w.items.map(args.render),
		end: w.items.length ? w.start + w.items.length - 1 : w.start,
		first_page_uri: withQuery(args.path, args.filters, { PageSize: size, Page: '0' }),
		next_page_uri: w.nextToken
			? withQuery(args.path, args.filters, { PageSize: size, Page: String(w.page + 1), PageToken: w.nextToken })
			: null,
		page: w.page,
		page_size: w.pageSize,
		previous_page_uri: w.hasPrevious ? withQuery(args.path, args.filters, previousQuery(w, size)) : null,
		start: w.start,
		uri: withQuery(args.path, args.filters, { PageSize: size, Page: String(w.page), ...(token ? { PageToken: token } : {}) }),
	};
}

export function pageV1<T>(args: {
	all: readonly T[];
	query: FormParams;
	baseUrl: string;
	path: string;
	key: string;
	sidOf: (item: T) => string;
	render: (item: T) => unknown;
}): Record<string, unknown> {
	const w = pageWindow(args.all, args.query, args.sidOf);
	const size = String(w.pageSize);
	const url = (extra: Record<string, string>): string => args.baseUrl + withQuery(args.path, {}, extra);
	return {
		[args.key]: w.items.map(args.render),
		meta: {
			first_page_url: url({ PageSize: size, Page: '0' }),
			key: args.key,
			next_page_url: w.nextToken ? url({ PageSize: size, Page: String(w.page + 1), PageToken: w.nextToken }) : null,
			page: w.page,
			page_size: w.pageSize,
			previous_page_url: w.hasPrevious ? url(previousQuery(w, size)) : null,
			url: url({ PageSize: size, Page: String(w.page) }),
		},
	};
}
