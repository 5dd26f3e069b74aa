import type { INodeProperties } from 'n8n-workflow';
import { runnerOptionFields } from '../shared/runner/options';

/**
 * Resend's default limit is a few requests per second for the whole team, across every key
 * (documented as 2 for years, 5 in newer docs). Starting at most 2 requests a second with 2 in
 * flight never trips either, and 429s that still happen are retried with the same Idempotency-Key.
 * In batch mode 2 requests a second are up to 200 emails a second.
 */
export const EMAIL_RUNNER_DEFAULTS = { concurrency: 2, perSecond: 2 };

const pair = (what: string, placeholder: { name: string; value: string }): INodeProperties['options'] => [
	{
		displayName: what,
		name: 'values',
		values: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: placeholder.name },
			{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: placeholder.value },
		],
	},
];

export const sendEmailProperties: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		placeholder: 'Alerts <alerts@example.com>',
		description: "Sender, as email@example.com or \"Name &lt;email@example.com&gt;\", on a domain verified in Resend. Empty: the credential's Default From.",
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'ada@example.com, Grace <grace@example.com>',
		description: 'Up to 50 recipients, separated by commas',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
	},
	{
		displayName: 'Body Format',
		name: 'bodyFormat',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
			{ name: 'HTML and Text', value: 'both', description: 'HTML with a plain-text alternative for clients that show no HTML' },
		],
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		default: '',
		typeOptions: { rows: 5 },
		displayOptions: { show: { bodyFormat: ['text', 'both'] } },
	},
	{
		displayName: 'HTML',
		name: 'html',
		type: 'string',
		default: '',
		typeOptions: { editor: 'htmlEditor' },
		displayOptions: { show: { bodyFormat: ['html', 'both'] } },
	},
	{
		displayName: 'Batch Mode',
		name: 'batch',
		type: 'boolean',
		default: false,
		description:
			"Whether to send the items in groups of up to 100 per request through Resend's batch endpoint: far fewer requests for many emails. Resend does not allow attachments or scheduling in a batch, so items that use them fail with an explanation.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description: 'Files from binary data or by URL, with name, type and inline Content ID',
				options: [
					{
						displayName: 'Attachment',
						name: 'values',
						values: [
							{ displayName: 'Binary Property', name: 'property', type: 'string', default: 'data', displayOptions: { show: { source: ['binary'] } } },
							{
								displayName: 'Content ID',
								name: 'contentId',
								type: 'string',
								default: '',
								placeholder: 'logo',
								description: 'Makes it an inline image: reference it in the HTML as &lt;img src="cid:logo"&gt;',
							},
							{ displayName: 'Content Type', name: 'contentType', type: 'string', default: '', placeholder: 'application/pdf' },
							{ displayName: 'File Name', name: 'filename', type: 'string', default: '', description: "Empty: the binary data's file name, or the URL's" },
							{
								displayName: 'Source',
								name: 'source',
								type: 'options',
								default: 'binary',
								options: [
									{ name: 'Binary Property', value: 'binary' },
									{ name: 'URL', value: 'url', description: 'Resend downloads the file' },
								],
							},
							{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'https://example.com/report.pdf', displayOptions: { show: { source: ['url'] } } },
						],
					},
				],
			},
			{
				displayName: 'Attachments From Binary Properties',
				name: 'binaryProperties',
				type: 'string',
				default: '',
				placeholder: 'data, invoice',
				description: 'Comma-separated binary property names of the item, each attached with its own file name and type',
			},
			{
				displayName: 'Batch Validation',
				name: 'batchValidation',
				type: 'options',
				default: 'strict',
				displayOptions: { show: { '/batch': [true] } },
				options: [
					{ name: 'Strict', value: 'strict', description: 'One invalid email fails its whole batch of up to 100' },
					{ name: 'Permissive', value: 'permissive', description: 'Resend sends the valid emails and reports the invalid ones per item' },
				],
			},
			{ displayName: 'BCC', name: 'bcc', type: 'string', default: '', placeholder: 'audit@example.com', description: 'Up to 50 addresses, separated by commas' },
			{ displayName: 'CC', name: 'cc', type: 'string', default: '', description: 'Up to 50 addresses, separated by commas' },
			{
				displayName: 'Headers',
				name: 'headers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: pair('Header', { name: 'X-Entity-Ref-ID', value: '123' }),
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					"Empty (recommended): derived from the execution, node, item and email, so a retry of the same item never sends twice, n8n's retry of a failed execution included. Set your own (1 to 256 characters, kept by Resend for 24 hours) to deduplicate across executions, e.g. an expression built from an order number.",
			},
			{ displayName: 'Reply-To', name: 'replyTo', type: 'string', default: '', description: 'One or more addresses, separated by commas' },
			{
				displayName: 'Scheduled At',
				name: 'scheduledAt',
				type: 'string',
				default: '',
				placeholder: '2026-12-01T09:30:00Z or in 1 hour',
				description: 'Send later: an ISO date and time, or natural language Resend understands ("in 1 hour", "tomorrow at 9am"). At most 30 days ahead.',
			},
			{
				displayName: 'Skip Duplicates Within (Minutes)',
				name: 'skipDuplicatesMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				displayOptions: { show: { '/batch': [false] } },
				description:
					'Skip the item if the same sender sent the same subject to the same recipients within this many minutes (for example a trigger that fired twice). Skipped items are output with skipped: "duplicate" and the earlier email ID. Costs one request per 100 emails the account sent in the window (at most 5). 0 turns it off.',
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description: 'Names and values: ASCII letters, digits, _ and - only',
				options: pair('Tag', { name: 'category', value: 'alert' }),
			},
			{ displayName: 'Topic ID', name: 'topicId', type: 'string', default: '', description: 'Scope the email to a Resend topic; contacts who opted out of it are skipped' },
			...runnerOptionFields(EMAIL_RUNNER_DEFAULTS),
		],
	},
];
