/**
 * Parameters that several Twilio nodes show the same way.
 */
import type { INodeProperties } from 'n8n-workflow';

export function toNumberField(description: string): INodeProperties {
	return {
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+14155550123',
		description,
	};
}

export function fromNumberField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'From',
		name: 'from',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: "One of your Twilio numbers. Leave empty to use the credential's Default From Number.",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a number...',
				typeOptions: { searchListMethod: 'searchPhoneNumbers', searchable: true },
			},
			{
				displayName: 'By Number',
				name: 'number',
				type: 'string',
				placeholder: '+14155550123',
			},
		],
		...overrides,
	};
}

export function messagingServiceField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Messaging Service',
		name: 'messagingService',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description:
			"Sends from the service's sender pool. Needed for scheduling and link shortening. Leave empty to use the credential's Default Messaging Service SID.",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a service...',
				typeOptions: { searchListMethod: 'searchMessagingServices', searchable: true },
			},
			{
				displayName: 'By SID',
				name: 'id',
				type: 'string',
				placeholder: 'MGxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
				validation: [
					{ type: 'regex', properties: { regex: '^MG[0-9a-fA-F]{32}$', errorMessage: 'A Messaging Service SID is MG followed by 32 hex characters' } },
				],
			},
		],
		...overrides,
	};
}
