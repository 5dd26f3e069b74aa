/**
 * Resource-locator lists: the account's numbers and Messaging Services, paged the way Twilio pages.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { loadTwilio } from './context';

const PAGE_SIZE = 50;

function matches(filter: string | undefined, ...fields: Array<string | null | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase().replace(/[\s()-]/g, '');
	return fields.some((f) => (f ?? '').toLowerCase().replace(/[\s()-]/g, '').includes(needle));
}

export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { client } = await loadTwilio(this);
	const page = paginationToken
		? await client.api.v2010.account.incomingPhoneNumbers.getPage(paginationToken)
		: await client.api.v2010.account.incomingPhoneNumbers.page({ pageSize: PAGE_SIZE });
	return {
		results: page.instances
			.filter((n) => matches(filter, n.phoneNumber, n.friendlyName))
			.map((n) => ({
				name: n.friendlyName && n.friendlyName !== n.phoneNumber ? `${n.phoneNumber} (${n.friendlyName})` : n.phoneNumber,
				value: n.phoneNumber,
				url: `https://console.twilio.com/us1/develop/phone-numbers/manage/incoming/${n.sid}/configure`,
			})),
		paginationToken: page.nextPageUrl || undefined,
	};
}

export async function searchMessagingServices(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { client } = await loadTwilio(this);
	const page = paginationToken
		? await client.messaging.v1.services.getPage(paginationToken)
		: await client.messaging.v1.services.page({ pageSize: PAGE_SIZE });
	return {
		results: page.instances
			.filter((s) => matches(filter, s.friendlyName, s.sid))
			.map((s) => ({
				name: `${s.friendlyName} (${s.sid})`,
				value: s.sid,
				url: `https://console.twilio.com/us1/service/sms/${s.sid}/messaging-service-properties`,
			})),
		paginationToken: page.nextPageUrl || undefined,
	};
}
