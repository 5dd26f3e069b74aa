import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';
import { CALLER_NAME, LINE_TYPE_INTELLIGENCE } from './validation';

export const lookUpPhoneProperties: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+14155550123',
		description:
			'The number to check, in E.164 format (+, country code, number). A number written the national way needs Country Code under Options. Spaces, dashes, dots and brackets are removed.',
	},
	{
		displayName: 'Data Packages',
		name: 'dataPackages',
		type: 'multiOptions',
		default: [],
		options: [
			{
				name: 'Line Type Intelligence',
				value: LINE_TYPE_INTELLIGENCE,
				description: 'Mobile, landline, fixed or non-fixed VoIP, toll-free… and the carrier. Paid per lookup at Twilio.',
			},
			{
				name: 'Caller Name',
				value: CALLER_NAME,
				description: 'The registered caller name (CNAM) and whether it is a business or a consumer. US numbers only. Paid per lookup at Twilio.',
			},
		],
		description:
			'Extra data to fetch. Validity and formatting are always returned (free); each package is billed by Twilio for every number looked up.',
		hint: 'lineType, isMobile, isLandline and isVoip need Line Type Intelligence; without it lineType is null and the three flags are false',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Country Code',
				name: 'countryCode',
				type: 'string',
				default: '',
				placeholder: 'US',
				description:
					'Two-letter country (ISO 3166-1, e.g. US, GB, DE) for numbers written the national way, such as (415) 555-0123 or 030 1234567. Ignored for numbers that start with +.',
			},
			...runnerOptionFields(),
		],
	},
];
