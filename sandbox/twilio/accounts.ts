/** Accounts and Outgoing Caller IDs (the trial account's verified numbers) of the 2010 API. */
import { rfc2822 } from '../dates';
import { first } from '../form';
import type { Route } from '../router';
import type { AccountRecord } from '../state';
import { page2010, pickFilters } from './paging';

const ACCOUNT_SUBRESOURCES = [
	'addresses',
	'conferences',
	'signing_keys',
	'transcriptions',
	'connect_apps',
	'sip',
	'authorized_connect_apps',
	'usage',
	'keys',
	'applications',
	'recordings',
	'short_codes',
	'calls',
	'notifications',
	'incoming_phone_numbers',
	'queues',
	'messages',
	'outgoing_caller_ids',
	'available_phone_numbers',
	'balance',
];

const TITLE: Record<string, string> = {
	incoming_phone_numbers: 'IncomingPhoneNumbers',
	outgoing_caller_ids: 'OutgoingCallerIds',
	available_phone_numbers: 'AvailablePhoneNumbers',
	authorized_connect_apps: 'AuthorizedConnectApps',
	connect_apps: 'ConnectApps',
	short_codes: 'SMS/ShortCodes',
	signing_keys: 'SigningKeys',
	sip: 'SIP',
	usage: 'Usage',
};

const titleOf = (name: string): string => TITLE[name] ?? name[0].toUpperCase() + name.slice(1);

export function renderAccount(a: AccountRecord) {
	const base = `/2010-04-01/Accounts/${a.sid}`;
	return {
		auth_token: a.authToken,
		date_created: rfc2822(a.dateCreated),
		date_updated: rfc2822(a.dateUpdated),
		friendly_name: a.friendlyName,
		owner_account_sid: a.ownerAccountSid,
		sid: a.sid,
		status: a.status,
		subresource_uris: Object.fromEntries(ACCOUNT_SUBRESOURCES.map((n) => [n, `${base}/${titleOf(n)}.json`])),
		type: a.type,
		uri: `${base}.json`,
	};
}

export const accountRoutes: Route[] = [
	{
		name: 'twilio.accounts.list',
		method: 'GET',
		path: '/2010-04-01/Accounts.json',
		auth: 'twilio',
		requiresMainKey: true,
		handle: (ctx) => {
			const me = ctx.twilio!.account;
			const name = first(ctx.query, 'FriendlyName');
			const status = first(ctx.query, 'Status');
			const all = [me].filter((a) => (name === undefined || a.friendlyName === name) && (status === undefined || a.status === status));
			return {
				status: 200,
				body: page2010({
					all,
					query: ctx.query,
					path: '/2010-04-01/Accounts.json',
					key: 'accounts',
					filters: pickFilters(ctx.query, ['FriendlyName', 'Status']),
					sidOf: (a) => a.sid,
					render: renderAccount,
				}),
			};
		},
	},
	{
		name: 'twilio.accounts.fetch',
		method: 'GET',
		path: '/2010-04-01/Accounts/{Sid}.json',
		auth: 'twilio',
		accountParam: 'Sid',
		requiresMainKey: true,
		handle: (ctx) => ({ status: 200, body: renderAccount(ctx.twilio!.account) }),
	},
	{
		name: 'twilio.outgoing_caller_ids.list',
		method: 'GET',
		path: '/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json',
		auth: 'twilio',
		accountParam: 'AccountSid',
		handle: (ctx) => {
			const account = ctx.twilio!.account;
			const phone = first(ctx.query, 'PhoneNumber');
			const ids = account.verifiedCallerIds
				.filter((n) => phone === undefined || n === phone)
				.map((n, i) => ({
					sid: `PN5a4db0c5ca${String(i + 1).padStart(22, '0')}`,
					phoneNumber: n,
				}));
			return {
				status: 200,
				body: page2010({
					all: ids,
					query: ctx.query,
					path: `/2010-04-01/Accounts/${account.sid}/OutgoingCallerIds.json`,
					key: 'outgoing_caller_ids',
					filters: pickFilters(ctx.query, ['PhoneNumber', 'FriendlyName']),
					sidOf: (c) => c.sid,
					render: (c) => ({
						account_sid: account.sid,
						date_created: rfc2822(account.dateCreated),
						date_updated: rfc2822(account.dateUpdated),
						friendly_name: c.phoneNumber,
						phone_number: c.phoneNumber,
						sid: c.sid,
						uri: `/2010-04-01/Accounts/${account.sid}/OutgoingCallerIds/${c.sid}.json`,
					}),
				}),
			};
		},
	},
];
