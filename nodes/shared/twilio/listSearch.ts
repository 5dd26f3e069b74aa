/**
 * Resource-locator lists: the account's numbers, Messaging Services and Verify Services, paged the way Twilio pages.
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import { loadTwilio } from './context';

const PAGE_SIZE = 50;

function matches(filter: string | undefined, fields: Array<string | null | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase().replace(/[\s()-]/g, '');
	return fields.some((f) => (f ?? '').toLowerCase().replace(/[\s()-]/g, '').includes(needle));
}

interface TwilioPage<T> {
	instances: T[];
	nextPageUrl?: string;
}

/** n8n's pagination token is Twilio's next-page URL, so scrolling the list fetches the next page. */
async function searchPages<T>(
	paginationToken: string | undefined,
	firstPage: () => Promise<TwilioPage<T>>,
	pageAt: (url: string) => Promise<TwilioPage<T>>,
	filter: string | undefined,
	describe: (item: T) => INodeListSearchItems & { searchable: Array<string | null | undefined> },
): Promise<INodeListSearchResult> {
	const page = paginationToken ? await pageAt(paginationToken) : await firstPage();
	return {
		results: page.instances
			.map(describe)
			.filter((r) => matches(filter, r.searchable))
			.map(({ searchable: _searchable, ...item }) => item),
		paginationToken: page.nextPageUrl || undefined,
	};
}

export async function searchPhoneNumbers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const numbers = (await loadTwilio(this)).client.api.v2010.account.incomingPhoneNumbers;
	return searchPages(
		paginationToken,
		() => numbers.page({ pageSize: PAGE_SIZE }),
		(url) => numbers.getPage(url),
		filter,
		(n) => ({
			name: n.friendlyName && n.friendlyName !== n.phoneNumber ? `${n.phoneNumber} (${n.friendlyName})` : n.phoneNumber,
			value: n.phoneNumber,
			url: `https://console.twilio.com/us1/develop/phone-numbers/manage/incoming/${n.sid}/configure`,
			searchable: [n.phoneNumber, n.friendlyName],
		}),
	);
}

interface ServiceLike {
	sid: string;
	friendlyName: string;
}

/** Services are listed the same way whatever the product: "Name (SID)", linked to the console. */
function searchServices<T extends ServiceLike>(
	services: { page(params: { pageSize: number }): Promise<TwilioPage<T>>; getPage(url: string): Promise<TwilioPage<T>> },
	consoleUrl: (sid: string) => string,
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	return searchPages(
		paginationToken,
		() => services.page({ pageSize: PAGE_SIZE }),
		(url) => services.getPage(url),
		filter,
		(s) => ({ name: `${s.friendlyName} (${s.sid})`, value: s.sid, url: consoleUrl(s.sid), searchable: [s.friendlyName, s.sid] }),
	);
}

export async function searchMessagingServices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const services = (await loadTwilio(this)).client.messaging.v1.services;
	return searchServices(services, (sid) => `https://console.twilio.com/us1/service/sms/${sid}/messaging-service-properties`, filter, paginationToken);
}

export async function searchVerifyServices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const services = (await loadTwilio(this)).client.verify.v2.services;
	return searchServices(services, (sid) => `https://console.twilio.com/us1/develop/verify/services/${sid}/settings`, filter, paginationToken);
}
