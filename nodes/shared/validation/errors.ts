/**
 * Turns zod failures into the NodeOperationError a user sees in the n8n editor: the message names
 * the field by its label, quotes the bad value and gives the item; the description says the fix.
 *
 * Items are numbered from 0, as `itemIndex`: n8n-core's own errors say "[item 0]" for the first
 * item, expressions see `$itemIndex` from 0, and the error panel shows the same itemIndex we set
 * on the error. A 1-based number here would contradict all three.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';
import type { z } from 'zod';
import { fixOf, type Issue } from './issues';

export interface ParseContext {
	node: INode;
	itemIndex: number;
	/** Display labels by the input's top-level keys, e.g. { to: 'To', mediaUrls: 'Media URLs' }. */
	labels: Record<string, string>;
}

const MAX_VALUE_LENGTH = 80;

export interface DescribedIssue {
	field: string;
	/** The offending value, quoted and truncated; undefined when the value is missing. */
	value: string | undefined;
	reason: string;
	fix: string;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, ctx: ParseContext): z.output<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	throw validationError(result.error.issues, input, ctx);
}

export function validationError(issues: readonly Issue[], input: unknown, ctx: ParseContext): NodeOperationError {
	const described = issues.map((issue) => describeIssue(issue, input, ctx.labels));
	const [first, ...rest] = described;
	const message = `${headline(first)} in item ${ctx.itemIndex}: ${first.reason}`;
	let description = first.fix;
	if (rest.length > 0) {
		description += '\n\nOther problems in this item:\n';
		description += rest.map((d) => `- ${headline(d)}: ${d.reason}. ${d.fix}`).join('\n');
	}
	const error = new NodeOperationError(ctx.node, message, { itemIndex: ctx.itemIndex, description });
	// NodeOperationError swaps in a canned text when the message contains an errno-like word
	// (ENOENT, EPERM, …); our message embeds user data, so keep it verbatim.
	error.message = message;
	return error;
}

function headline(d: DescribedIssue): string {
	return d.value === undefined ? `Missing ${d.field}` : `Invalid ${d.field} ${d.value}`;
}

export function describeIssue(issue: Issue, input: unknown, labels: Record<string, string>): DescribedIssue {
	const [head, ...tail] = issue.path;
	const field = head === undefined ? 'input' : fieldLabel(head, tail, labels);
	const raw = head === undefined ? input : valueAt(input, issue.path);
	return {
		field,
		value: isMissing(raw) ? undefined : quote(raw),
		reason: reasonOf(issue),
		fix: fixOf(issue) ?? genericFix(issue, field),
	};
}

function fieldLabel(head: PropertyKey, tail: PropertyKey[], labels: Record<string, string>): string {
	const base = labels[String(head)] ?? String(head);
	return base + tail.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let current = input;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<PropertyKey, unknown>)[key];
	}
	return current;
}

function isMissing(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * JSON escapes C0 controls and lone surrogates but leaves DEL, C1 controls and the noncharacters
 * U+FFFE/U+FFFF as they are: invisible in the editor, and not even valid in some places a message goes.
 */
const UNPRINTABLE = /[\u007F-\u009F\uFFFE\uFFFF]/g;

/** JSON-quoted, unprintable characters escaped, and cut to ~80 characters, so a pasted paragraph doesn't bury the message. */
export function quote(value: unknown): string {
	let text: string | undefined;
	if (typeof value === 'string') text = value;
	else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
	if (text !== undefined) {
		const chars = [...text];
		const cut = chars.length > MAX_VALUE_LENGTH ? `${chars.slice(0, MAX_VALUE_LENGTH - 1).join('')}…` : text;
		return JSON.stringify(cut).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	}
	let json: string;
	try {
		json = JSON.stringify(value) ?? String(value);
	} catch {
		json = String(value);
	}
	return json.length > MAX_VALUE_LENGTH ? `${json.slice(0, MAX_VALUE_LENGTH - 1)}…` : json;
}

function reasonOf(issue: Issue): string {
	switch (issue.code) {
		case 'custom':
			return issue.message;
		case 'invalid_type':
			return `expected ${article(issue.expected)}`;
		case 'invalid_value':
			return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
		case 'too_big':
			return `too long (at most ${issue.maximum})`;
		case 'too_small':
			return `too short (at least ${issue.minimum})`;
		default:
			return issue.message.replace(/^Invalid input: /, '');
	}
}

function genericFix(issue: Issue, field: string): string {
	if (issue.code === 'invalid_type') {
		return `Set ${field} to ${article(issue.expected)}; if it comes from an expression, check what the expression returns`;
	}
	if (issue.code === 'invalid_value') {
		return `Choose one of the allowed values for ${field}`;
	}
	return `Check the value of ${field}`;
}

function article(type: string): string {
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
