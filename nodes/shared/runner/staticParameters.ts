/**
 * n8n charges the same for reading a parameter whether or not it holds an expression: a deep copy
 * of the value, a check against the node's schema, a look-up of the node type, and for an
 * expression its evaluation. Send SMS reads eight per item; in n8n 2.40.7 that was 67 KB of the
 * 143 KB it allocated per SMS (V8's sampling heap profiler, `npm run bench`, memory section).
 *
 * A parameter whose stored value holds no expression is the same for every item, so it is read
 * once per node run and handed out again. Expressions (`$json`, `$fromAI` for AI Agent tools) are
 * read per item as before. The cached value is shared between items: callers treat parameters as
 * read-only, as they must anyway (n8n hands out copies only as a precaution).
 */
import type { IExecuteFunctions, IGetNodeParameterOptions, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/** The stored value at `path` (`options.maxConcurrency`), before n8n resolves anything. */
function storedValue(parameters: INodeParameters, path: string): unknown {
	let value: unknown = parameters;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/** `ctx`, whose getNodeParameter reads a parameter holding no expression only once. */
export function withStaticParameters(ctx: IExecuteFunctions): IExecuteFunctions {
	const parameters = ctx.getNode().parameters;
	const cache = new Map<string, unknown>();
	const read = ctx.getNodeParameter.bind(ctx) as (name: string, i: number, fallback?: unknown, options?: IGetNodeParameterOptions) => unknown;
	const getNodeParameter = (name: string, itemIndex: number, fallback?: unknown, options?: IGetNodeParameterOptions): unknown => {
		const key = options || fallback !== undefined ? `${name}\u0000${JSON.stringify(options ?? null)}\u0000${JSON.stringify(fallback ?? null)}` : name;
		if (cache.has(key)) return cache.get(key);
		const value = read(name, itemIndex, fallback, options);
		if (!holdsExpression(storedValue(parameters, name))) cache.set(key, value);
		return value;
	};
	const bound = new Map<PropertyKey, unknown>();
	return new Proxy(ctx, {
		get(target, prop) {
			if (prop === 'getNodeParameter') return getNodeParameter as unknown as NodeParameterValueType;
			const value: unknown = Reflect.get(target, prop, target);
			if (typeof value !== 'function') return value;
			// Methods run on n8n's own context object, whatever they keep in `this`.
			let fn = bound.get(prop);
			if (!fn) bound.set(prop, (fn = (value as (...args: unknown[]) => unknown).bind(target)));
			return fn;
		},
	});
}
