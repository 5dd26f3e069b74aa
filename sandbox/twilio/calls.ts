/** Calls of the 2010 API: create, fetch and list (filtered and paged like Twilio). */
import { rfc2822 } from '../dates';
import { first } from '../form';
import { newSid } from '../ids';
import type { Route, RouteContext } from '../router';
import { acceptCreate, logicalKey } from '../stats';
import { validateCallCreate } from './calls-create';
import { startCall } from './calls-lifecycle';
import type { CallRecord } from './calls-state';
import { twilioErrors } from './errors';
import { page2010, pickFilters } from './paging';

/** US numbers as Twilio formats them for display; others as given. */
function formatted(number: string): string {
	const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
	return m ? `(${m[1]}) ${m[2]}-${m[3]}` : number;
}

export function renderCall(c: CallRecord) {
	const base = `/2010-04-01/Accounts/${c.accountSid}/Calls/${c.sid}`;
	return {
		account_sid: c.accountSid,
		answered_by: c.answeredBy,
		api_version: '2010-04-01',
		caller_name: null,
		date_created: rfc2822(c.dateCreated),
		date_updated: rfc2822(c.dateUpdated),
		direction: c.direction,
		duration: c.duration === null ? null : String(c.duration),
		end_time: c.endTime ? rfc2822(c.endTime) : null,
		forwarded_from: null,
		from: c.from,
		from_formatted: formatted(c.from),
		group_sid: null,
		parent_call_sid: null,
		phone_number_sid: null,
		price: c.price,
		price_unit: 'USD',
		queue_time: '0',
		sid: c.sid,
		start_time: c.startTime ? rfc2822(c.startTime) : null,
		status: c.status,
		subresource_uris: {
			notifications: `${base}/Notifications.json`,
			recordings: `${base}/Recordings.json`,
			payments: `${base}/Payments.json`,
			events: `${base}/Events.json`,
			siprec: `${base}/Siprec.json`,
			streams: `${base}/Streams.json`,
			transcriptions: `${base}/Transcriptions.json`,
			user_defined_message_subscriptions: `${base}/UserDefinedMessageSubscriptions.json`,
			user_defined_messages: `${base}/UserDefinedMessages.json`,
		},
		to: c.to,
		to_formatted: formatted(c.to),
		trunk_sid: null,
		uri: `${base}.json`,
	};
}

/** The sandbox's view of a call for the admin state: the API shape plus what the callee heard. */
export function adminCall(c: CallRecord) {
	return {
		...renderCall(c),
		sandbox: {
			source: c.source,
			twiml: c.twiml,
			twimlError: c.twimlError,
			heard: c.heard,
			statusCallback: c.statusCallback,
			statusCallbackEvents: c.statusCallbackEvents,
			timeout: c.timeout,
			record: c.record,
			machineDetection: c.machineDetection,
			asyncAmd: c.asyncAmd,
			timeLimit: c.timeLimit,
			script: c.script,
			sendDigits: c.sendDigits,
			statusHistory: c.statusHistory,
			logicalKey: c.logicalKey,
		},
	};
}

function findCall(ctx: RouteContext, sid: string): CallRecord {
	const c = ctx.core.store.calls.get(sid);
	if (!c || c.accountSid !== ctx.twilio!.account.sid) throw twilioErrors.notFound(ctx.path);
	return c;
}

export const callRoutes: Route[] = [
	{
		name: 'twilio.calls.create',
		method: 'POST',
		path: '/2010-04-01/Accounts/{AccountSid}/Calls.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const { core, form } = ctx;
			const account = ctx.twilio!.account;
			const v = validateCallCreate(form, account, core.store);
			const now = new Date();
			const key = logicalKey(['call', account.sid, v.to, v.from, first(form, 'Twiml') ?? first(form, 'Url') ?? first(form, 'ApplicationSid')]);
			const { outcome: _outcome, machine: _machine, ...fields } = v;
			const call: CallRecord = {
				...fields,
				sid: newSid('CA'),
				apiBaseUrl: ctx.baseUrl,
				status: 'queued',
				direction: 'outbound-api',
				answeredBy: null,
				twimlError: null,
				heard: [],
				// Taken when the call is placed: a script changed mid-call does not change the callee.
				script: structuredClone(core.store.callees.get(v.to) ?? null),
				logicalKey: key,
				statusHistory: [{ status: 'queued', at: now }],
				dateCreated: now,
				dateUpdated: now,
				startTime: null,
				endTime: null,
				duration: null,
				price: null,
			};
			core.store.calls.set(call.sid, call);
			acceptCreate(ctx, 'call', key, call.sid, call.to);
			startCall(core, call, v);
			return { status: 201, body: renderCall(call) };
		},
	},
	{
		name: 'twilio.calls.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Calls.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const account = ctx.twilio!.account;
			const to = first(ctx.query, 'To');
			const from = first(ctx.query, 'From');
			const status = first(ctx.query, 'Status');
			const listed = ctx.core.faults.listed('twilio.calls.list');
			const list = [...ctx.core.store.calls.values()]
				.filter((c) => c.accountSid === account.sid && (!to || c.to === to) && (!from || c.from === from) && (!status || c.status === status) && listed(c.dateCreated))
				.reverse();
			return {
				status: 200,
				body: page2010({
					all: list,
					query: ctx.query,
					path: `/2010-04-01/Accounts/${account.sid}/Calls.json`,
					key: 'calls',
					filters: pickFilters(ctx.query, ['To', 'From', 'Status']),
					sidOf: (c) => c.sid,
					render: renderCall,
				}),
			};
		},
	},
	{
		name: 'twilio.calls.fetch',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => ({ status: 200, body: renderCall(findCall(ctx, ctx.params.Sid)) }),
	},
];
