import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';
import { serviceLocatorField } from '../shared/twilio/fields';
import { MAX_CUSTOM_FRIENDLY_NAME } from '../shared/validation/verify';

const sendCode = { show: { operation: ['sendCode'] } };
const checkCode = { show: { operation: ['checkCode'] } };

const verifyServiceField = serviceLocatorField({
	displayName: 'Verify Service',
	name: 'verifyService',
	description:
		"The Twilio Verify Service that sends and checks codes (its name appears in the message). Leave empty to use the credential's Default Verify Service SID.",
	searchListMethod: 'searchVerifyServices',
	prefix: 'VA',
});

export const verifyPhoneProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'sendCode',
		options: [
			{
				name: 'Send Code',
				value: 'sendCode',
				action: 'Send a verification code',
				description: 'Send a one-time code by SMS, call, email or WhatsApp',
			},
			{
				name: 'Check Code',
				value: 'checkCode',
				action: 'Check a verification code',
				description: 'Check the code the user entered. A wrong code is not an error: the output has valid: false.',
			},
		],
	},
	verifyServiceField,

	// ---- Send Code ----
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		default: 'sms',
		displayOptions: sendCode,
		options: [
			{ name: 'SMS', value: 'sms' },
			{ name: 'Call', value: 'call', description: 'A voice call reads the code aloud (works for landlines)' },
			{ name: 'Email', value: 'email', description: 'Needs an email integration on the Verify Service' },
			{ name: 'WhatsApp', value: 'whatsapp' },
		],
		description: 'How the code reaches the user',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		displayOptions: sendCode,
		placeholder: '+14155550123',
		description:
			'The phone number in E.164 format (+, country code, number), or an email address for the Email channel. Spaces, dashes and brackets are removed.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: sendCode,
		options: [
			{
				displayName: 'Custom Friendly Name',
				name: 'customFriendlyName',
				type: 'string',
				default: '',
				placeholder: 'Acme Shop',
				description: `Replaces the service name in the message ("Your Acme Shop verification code is…") for this send, at most ${MAX_CUSTOM_FRIENDLY_NAME} characters`,
			},
			{
				displayName: 'Locale',
				name: 'locale',
				type: 'string',
				default: '',
				placeholder: 'en',
				description:
					"Language of the message, such as en, es, fr, de, pt-BR or zh-HK. Empty: Twilio picks it from the number's country. See https://www.twilio.com/docs/verify/supported-languages.",
			},
			...runnerOptionFields(),
		],
	},

	// ---- Check Code ----
	{
		displayName: 'Check By',
		name: 'checkBy',
		type: 'options',
		default: 'to',
		displayOptions: checkCode,
		options: [
			{ name: 'To', value: 'to', description: 'The phone number or email address the code was sent to' },
			{ name: 'Verification SID', value: 'verificationSid', description: 'The sid output of the Send Code step (VE…)' },
		],
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { operation: ['checkCode'], checkBy: ['to'] } },
		placeholder: '+14155550123',
		description: 'The phone number (E.164) or email address the code was sent to',
	},
	{
		displayName: 'Verification SID',
		name: 'verificationSid',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { operation: ['checkCode'], checkBy: ['verificationSid'] } },
		placeholder: 'VExxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
		description: 'The sid output of the Send Code step',
	},
	{
		displayName: 'Code',
		name: 'code',
		type: 'string',
		default: '',
		required: true,
		displayOptions: checkCode,
		placeholder: '123456',
		description: 'The 4 to 10 digits the user received. Spaces and dashes are ignored.',
		hint: 'Branch on the output\'s "valid" field: a wrong code gives valid: false and status "pending" (5 tries per code).',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: checkCode,
		options: [...runnerOptionFields()],
	},
];
