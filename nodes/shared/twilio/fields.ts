/**
 * Parameters that several Twilio nodes show the same way.
 */
import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

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

/** The "By SID" mode of a locator: n8n checks the prefix and length as the user types. */
export function bySidMode(prefix: string, what: string): INodePropertyMode {
	// A locator mode, not a parameter: modes have no default, the rule cannot tell them apart here.
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
	return {
		displayName: 'By SID',
		name: 'id',
		type: 'string',
		placeholder: `${prefix}${'x'.repeat(32)}`,
		validation: [{ type: 'regex', properties: { regex: `^${prefix}[0-9a-fA-F]{32}$`, errorMessage: `A ${what} SID is ${prefix} followed by 32 hex characters` } }],
	};
}

/** A Twilio service picked from a searchable list or typed as its SID (Messaging Service, Verify Service). */
export function serviceLocatorField(args: { displayName: string; name: string; description: string; searchListMethod: string; prefix: string }): INodeProperties {
	return {
		displayName: args.displayName,
		name: args.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: args.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a service...',
				typeOptions: { searchListMethod: args.searchListMethod, searchable: true },
			},
			bySidMode(args.prefix, args.displayName),
		],
	};
}

export function messagingServiceField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...serviceLocatorField({
			displayName: 'Messaging Service',
			name: 'messagingService',
			description:
				"Sends from the service's sender pool. Needed for scheduling and link shortening. Leave empty to use the credential's Default Messaging Service SID.",
			searchListMethod: 'searchMessagingServices',
			prefix: 'MG',
		}),
		...overrides,
	};
}
