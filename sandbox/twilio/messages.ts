/** Messages of the 2010 API: create, fetch, list (with Twilio's filters and paging) and media. */
import { rfc2822 } from '../dates';
import { all, first, FormParams } from '../form';
import type { Route, RouteContext } from '../router';
import type { MessageRecord } from '../state';
import { acceptCreate, logicalKey } from '../stats';
import { twilioErrors } from './errors';
import { messageFromValidated, validateMessageCreate } from './message-create';
import { scheduleDelivery, startDelivery } from './message-lifecycle';
import { page2010, pickFilters } from './paging';

export function renderMessage(m: MessageRecord) {
	const base = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}`;
	return {
		account_sid: m.accountSid,
		api_version: '2010-04-01',
		body: m.body,
		date_created: rfc2822(m.dateCreated),
		date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
		date_updated: rfc2822(m.dateUpdated),
		direction: m.direction,
		error_code: m.errorCode,
		error_message: m.errorMessage,
		from: m.from,
		messaging_service_sid: m.messagingServiceSid,
		num_media: String(m.media.length),
		num_segments: String(m.numSegments),
		price: m.price,
		price_unit: 'USD',
		sid: m.sid,
		status: m.status,
		subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
		to: m.to,
		uri: `${base}.json`,
	};
}

function findMessage(ctx: RouteContext, sid: string): MessageRecord {
	const m = ctx.core.store.messages.get(sid);
	if (!m || m.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return m;
}

interface DateRange {
	from: number;
	to: number;
}

/** `YYYY-MM-DD` means the whole UTC day; a full timestamp means that second. Unparseable: no filter. */
function parseDateFilter(value: string | undefined): DateRange | null {
	if (value === undefined) return null;
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
		const start = Date.parse(`${value}T00:00:00Z`);
		return Number.isNaN(start) ? null : { from: start, to: start + 86_400_000 - 1 };
	}
	const t = Date.parse(value);
	if (Number.isNaN(t)) return null;
	const second = Math.floor(t / 1000) * 1000;
	return { from: second, to: second + 999 };
}

function messageFilter(query: FormParams): (m: MessageRecord) => boolean {
	const to = first(query, 'To');
	const from = first(query, 'From');
	const on = parseDateFilter(first(query, 'DateSent'));
	const before = parseDateFilter(first(query, 'DateSent<'));
	const after = parseDateFilter(first(query, 'DateSent>'));
	return (m) => {
		if (to !== undefined && m.to !== to) return false;
		if (from !== undefined && m.from !== from) return false;
		if (!on && !before && !after) return true;
		if (!m.dateSent) return false;
		const t = m.dateSent.getTime();
		// Twilio's DateSent< and DateSent> are inclusive ("on or before", "on or after").
		return (!on || (t >= on.from && t <= on.to)) && (!before || t <= before.to) && (!after || t >= after.from);
	};
}

export const messageRoutes: Route[] = [
	{
		name: 'twilio.messages.create',
		method: 'POST',
		path: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const { core, form } = ctx;
			const account = ctx.twilio!.account;
			const now = new Date();
			const v = validateMessageCreate(form, account, core.store, now);
			const key = logicalKey([
				'message',
				account.sid,
				first(form, 'To'),
				first(form, 'From') || first(form, 'MessagingServiceSid'),
				first(form, 'Body') ?? '',
				all(form, 'MediaUrl'),
				first(form, 'ContentSid'),
				first(form, 'ContentVariables'),
			]);
			const message = messageFromValidated(v, account, key, now);
			core.store.addMessage(message);
			acceptCreate(ctx, 'message', key, message.sid, message.to);
			if (message.status === 'scheduled') {
				scheduleDelivery(core, message, v.outcome);
			} else {
				core.statusCallbacks.notify(message);
				startDelivery(core, message, v.outcome);
			}
			return { status: 201, body: renderMessage(message) };
		},
	},
	{
		name: 'twilio.messages.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const account = ctx.twilio!.account;
			const keep = messageFilter(ctx.query);
			const listed = ctx.core.faults.listed('twilio.messages.list');
			// Newest first, as Twilio lists them; Map order is creation order.
			const list = [...ctx.core.store.messages.values()].filter((m) => m.accountSid === account.sid && keep(m) && listed(m.dateCreated)).reverse();
			return {
				status: 200,
				body: page2010({
					all: list,
					query: ctx.query,
					path: `/2010-04-01/Accounts/${account.sid}/Messages.json`,
					key: 'messages',
					filters: pickFilters(ctx.query, ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']),
					sidOf: (m) => m.sid,
					render: renderMessage,
				}),
			};
		},
	},
	{
		name: 'twilio.messages.fetch',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => ({ status: 200, body: renderMessage(findMessage(ctx, ctx.params.Sid)) }),
	},
	{
		name: 'twilio.messages.media.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const m = findMessage(ctx, ctx.params.MessageSid);
			const base = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media`;
			return {
				status: 200,
				body: page2010({
					all: m.media,
					query: ctx.query,
					path: `${base}.json`,
					key: 'media_list',
					filters: {},
					sidOf: (x) => x.sid,
					render: (x) => ({
						account_sid: m.accountSid,
						content_type: x.contentType,
						date_created: rfc2822(m.dateCreated),
						date_updated: rfc2822(m.dateCreated),
						parent_sid: m.sid,
						sid: x.sid,
						uri: `${base}/${x.sid}.json`,
					}),
				}),
			};
		},
	},
];
