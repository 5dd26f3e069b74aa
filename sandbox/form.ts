/**
 * Form bodies and query strings as Twilio reads them: a repeated key is an array (MediaUrl=a&MediaUrl=b),
 * so every value is kept as a list and callers pick the first one where the API takes a scalar.
 */
export type FormParams = Record<string, string[]>;

export function parseUrlEncoded(text: string): FormParams {
	const out: FormParams = {};
	for (const [key, value] of new URLSearchParams(text)) (out[key] ??= []).push(value);
	return out;
}

export function first(params: FormParams, key: string): string | undefined {
	return params[key]?.[0];
}

export function all(params: FormParams, key: string): string[] {
	return params[key] ?? [];
}

export function encodeForm(params: FormParams): string {
	const search = new URLSearchParams();
	for (const [key, values] of Object.entries(params)) for (const v of values) search.append(key, v);
	return search.toString();
}

/** For building webhook payloads from plain objects; undefined values are omitted. */
export function toFormParams(values: Record<string, string | string[] | undefined>): FormParams {
	const out: FormParams = {};
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined) continue;
		out[key] = Array.isArray(value) ? value : [value];
	}
	return out;
}
