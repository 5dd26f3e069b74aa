/**
 * One item's parameters, read and validated: the email as the resend SDK takes it, and its
 * Idempotency-Key. No request is made here, so every bad input fails before anything is sent.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { CreateEmailOptions } from 'resend';
import { deriveIdempotencyKey } from '../shared/resend/idempotency';
import { executionOrigin } from '../shared/runner/origin';
import { isBlank } from '../shared/validation/common';
import { parseSendEmailInput, type AttachmentInput, type SendEmailInput } from '../shared/validation/email';

export interface PreparedEmail {
	email: CreateEmailOptions;
	idempotencyKey: string;
}

type Pair = { name?: string; value?: string };

const pairs = (collection: unknown): Pair[] => ((collection as { values?: Pair[] } | undefined)?.values ?? []);
const str = (v: unknown): string | undefined => (isBlank(v) ? undefined : String(v).trim());

async function readAttachments(ctx: IExecuteFunctions, i: number, options: IDataObject): Promise<AttachmentInput[]> {
	const item = ctx.getInputData()[i];
	const binary = item?.binary ?? {};
	const fromBinary = async (property: string, extra: Partial<AttachmentInput> = {}): Promise<AttachmentInput> => {
		const source = { kind: 'binary' as const, property };
		if (!binary[property]) return { source, found: false };
		const data = binary[property];
		const buffer = await ctx.helpers.getBinaryDataBuffer(i, property);
		return {
			source,
			found: true,
			content: buffer.toString('base64'),
			filename: extra.filename ?? data.fileName ?? property,
			contentType: extra.contentType ?? data.mimeType,
			contentId: extra.contentId,
		};
	};

	const out: AttachmentInput[] = [];
	for (const property of String(options.binaryProperties ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
		out.push(await fromBinary(property));
	}
	const entries = (options.attachments as { values?: IDataObject[] } | undefined)?.values ?? [];
	for (const e of entries) {
		const extra = { filename: str(e.filename), contentType: str(e.contentType), contentId: str(e.contentId) };
		if (e.source === 'url') {
			const url = String(e.url ?? '').trim();
			out.push({ source: { kind: 'url', url }, found: true, ...extra, filename: extra.filename ?? (url.split(/[?#]/)[0].split('/').pop() || undefined) });
		} else {
			out.push(await fromBinary(String(e.property ?? 'data').trim() || 'data', extra));
		}
	}
	return out;
}

export async function prepareEmail(ctx: IExecuteFunctions, i: number, defaultFrom: string | undefined, batch: boolean): Promise<PreparedEmail> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const format = ctx.getNodeParameter('bodyFormat', i, 'text') as string;
	const input: SendEmailInput = {
		from: str(ctx.getNodeParameter('from', i, '')) ?? defaultFrom,
		to: ctx.getNodeParameter('to', i, '') as string | string[],
		cc: options.cc as string | undefined,
		bcc: options.bcc as string | undefined,
		replyTo: options.replyTo as string | undefined,
		subject: ctx.getNodeParameter('subject', i, '') as string,
		text: format === 'html' ? undefined : (ctx.getNodeParameter('text', i, '') as string),
		html: format === 'text' ? undefined : (ctx.getNodeParameter('html', i, '') as string),
		attachments: await readAttachments(ctx, i, options),
		tags: pairs(options.tags),
		headers: pairs(options.headers),
		scheduledAt: str(options.scheduledAt),
		topicId: str(options.topicId),
		batch,
		now: new Date(),
	};
	const email = parseSendEmailInput(input, { node: ctx.getNode(), itemIndex: i });
	const custom = str(options.idempotencyKey);
	if (custom !== undefined && custom.length > 256) {
		throw new NodeOperationError(ctx.getNode(), `Invalid Idempotency Key in item ${i}: ${custom.length} characters; Resend accepts 1 to 256`, {
			itemIndex: i,
			description: 'Shorten the key, or leave it empty for the derived default',
		});
	}
	const idempotencyKey =
		custom ??
		deriveIdempotencyKey(
			{
				workflowId: String(ctx.getWorkflow().id ?? ''),
				origin: executionOrigin(ctx).id,
				nodeId: ctx.getNode().id ?? ctx.getNode().name,
				runIndex: ctx.getWorkflowDataProxy(i).$runIndex as number,
				itemIndex: i,
			},
			email,
		);
	return { email, idempotencyKey };
}
