/**
 * How our schemas report a problem: a zod custom issue whose `message` says what is wrong and whose
 * `params.fix` says what to do about it. errors.ts turns these into the NodeOperationError
 * message and description, so every rule states both halves in one place.
 */
import { z } from 'zod';

export type Ctx = z.core.$RefinementCtx;
export type Issue = z.core.$ZodIssue;

export interface Problem {
	/** Completes "Invalid <Field> "<value>" in item N: …", so it starts in lower case. */
	message: string;
	/** An instruction, shown as the error's description. */
	fix: string;
	/** Relative to the schema reporting it; defaults to the value being checked. */
	path?: PropertyKey[];
}

export function addProblem(ctx: Ctx, problem: Problem): void {
	ctx.addIssue({
		code: 'custom',
		message: problem.message,
		path: problem.path ?? [],
		params: { fix: problem.fix },
	});
}

export function fixOf(issue: Issue): string | undefined {
	if (issue.code !== 'custom') return undefined;
	const fix: unknown = issue.params?.fix;
	return typeof fix === 'string' ? fix : undefined;
}

/**
 * Runs a field schema inside a whole-object transform and re-reports its issues under `path`.
 * Object-level rules need the parsed field values, and this keeps every issue of the item in
 * one pass instead of stopping at the first failing field.
 */
export function parseField<S extends z.ZodType>(
	ctx: Ctx,
	schema: S,
	value: unknown,
	path: PropertyKey[],
): z.output<S> | undefined {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	for (const issue of result.error.issues) {
		ctx.addIssue({ ...issue, path: [...path, ...issue.path] } as z.core.$ZodSuperRefineIssue);
	}
	return undefined;
}
