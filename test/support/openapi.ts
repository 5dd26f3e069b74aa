/**
 * A small OpenAPI request/response validator for contract tests, built on ajv.
 *
 * Stoplight Prism rejects the repeated form keys Twilio uses for arrays (MediaUrl=a&MediaUrl=b),
 * so requests are checked here instead: find the operation by path template, coerce form and query
 * strings by the schema's types, then validate with ajv. Unknown form, query and JSON keys are
 * errors, because Twilio and Resend silently ignore them and a typo would otherwise pass unseen.
 *
 * Twilio's specs are OpenAPI 3.0 (`nullable: true`, custom formats such as `phone-number`); Resend's
 * is 3.1 (type arrays). Schemas are translated to plain JSON Schema once per spec.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type JsonObject = Record<string, unknown>;
type Schema = JsonObject;

export interface OpenApiSpec {
	readonly file: string;
	readonly document: JsonObject;
	readonly operations: readonly OperationEntry[];
}

export interface OperationEntry {
	method: string;
	template: string;
	operationId: string;
	operation: JsonObject;
	pathItem: JsonObject;
	regex: RegExp;
	paramNames: string[];
	/** Literal characters in the template: the more, the more specific (/emails/batch beats /emails/{id}). */
	specificity: number;
}

export interface RequestToValidate {
	method: string;
	/** A path such as /2010-04-01/Accounts/AC…/Messages.json, or a full URL (its host is ignored). */
	path: string;
	query?: Record<string, string | string[]>;
	form?: Record<string, string | string[]>;
	json?: unknown;
	/** Checked against the operation's header parameters when given (names are case-insensitive). */
	headers?: Record<string, string>;
}

export interface ResponseToValidate {
	method: string;
	path: string;
	status: number;
	body: unknown;
	/** Also report properties the schema does not declare (off by default: APIs add fields). */
	strictProperties?: boolean;
}

export interface ValidationResult {
	ok: boolean;
	operationId?: string;
	errors: string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_ID = 'spec';

// ---- loading ------------------------------------------------------------------------------------

interface Internals {
	/** Form, query, path and header values arrive as strings: ajv coerces them by schema type. */
	coercing: Ajv;
	/** JSON bodies and responses are typed already: coercion would hide type errors. */
	exact: Ajv;
	converted: WeakMap<object, Schema>;
	compiled: WeakMap<Ajv, WeakMap<object, ValidateFunction>>;
}

const internals = new WeakMap<OpenApiSpec, Internals>();
const loaded = new Map<string, OpenApiSpec>();

/** The specs live in ../shared/specs beside the repository (CI places them there too); never copy them in. */
export function specPath(file: string): string {
	return path.resolve(__dirname, '../../../shared/specs', file);
}

export function loadSpec(file: string): OpenApiSpec {
	const cached = loaded.get(file);
	if (cached) return cached;
	const document = JSON.parse(fs.readFileSync(specPath(file), 'utf8')) as JsonObject;
	const spec: OpenApiSpec = { file, document, operations: indexOperations(document) };
	const converted = new WeakMap<object, Schema>();
	const components = { components: { schemas: mapValues(schemasOf(document), (s) => toJsonSchema(s)) } };
	internals.set(spec, {
		coercing: makeAjv(document, components, 'array'),
		exact: makeAjv(document, components, false),
		converted,
		compiled: new WeakMap(),
	});
	loaded.set(file, spec);
	return spec;
}

function schemasOf(document: JsonObject): Record<string, Schema> {
	const components = (document.components ?? {}) as JsonObject;
	return (components.schemas ?? {}) as Record<string, Schema>;
}

function makeAjv(document: JsonObject, components: JsonObject, coerceTypes: 'array' | false): Ajv {
	// strict: false because OpenAPI schemas carry description, example, x-twilio and the like.
	const ajv = new Ajv({ allErrors: true, strict: false, logger: false, verbose: true, coerceTypes, validateSchema: false });
	addFormats(ajv);
	registerTwilioFormats(ajv);
	for (const name of formatsIn(document)) {
		if (!ajv.formats[name]) ajv.addFormat(name, true);
	}
	ajv.addSchema(components, SPEC_ID);
	return ajv;
}

/**
 * Twilio's own format names. They are checked loosely: the aim is to catch a request that skipped
 * normalization, not to re-implement Twilio's number parsing.
 */
function registerTwilioFormats(ajv: Ajv): void {
	// E.164, a channel address (whatsapp:+1…, client:alice, sim:DE…), a short code or a sender ID.
	ajv.addFormat('phone-number', /^(\+[1-9]\d{1,14}|[a-z][a-z0-9-]*:\S.*|\d{3,8}|[A-Za-z0-9 ]{1,11})$/);
	ajv.addFormat(
		'date-time-rfc-2822',
		/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
	);
	ajv.addFormat('http-method', /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i);
	ajv.addFormat('currency', /^[A-Za-z]{3}$/);
	ajv.addFormat('iso-country-code', /^[A-Za-z]{2}$/);
	// Twilio returns relative resource URIs and '' for unset callback URLs, both under format "uri".
	ajv.addFormat('uri', (value: string) => value === '' || value.startsWith('/') || URL.canParse(value));
}

function formatsIn(node: unknown, found = new Set<string>()): Set<string> {
	if (Array.isArray(node)) for (const v of node) formatsIn(v, found);
	else if (node && typeof node === 'object') {
		const obj = node as JsonObject;
		if (typeof obj.format === 'string') found.add(obj.format);
		for (const v of Object.values(obj)) formatsIn(v, found);
	}
	return found;
}

// ---- OpenAPI schema → JSON Schema -----------------------------------------------------------

function mapValues<T, U>(obj: Record<string, T>, fn: (v: T) => U): Record<string, U> {
	return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

/** Rewrites local $refs to the registered components, `nullable` to a null type, and honours ignoreFormat. */
export function toJsonSchema(node: unknown): Schema {
	return convert(node) as Schema;
}

function convert(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(convert);
	if (!node || typeof node !== 'object') return node;
	const out: JsonObject = {};
	// Keys are kept as they are (ajv ignores example, x-twilio…): a `properties` map may well
	// declare a property called "example".
	for (const [key, value] of Object.entries(node as JsonObject)) {
		out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? SPEC_ID + value : convert(value);
	}
	const xTwilio = (node as JsonObject)['x-twilio'] as JsonObject | undefined;
	if (xTwilio?.ignoreFormat === true) delete out.format;
	return allowNull(out);
}

function allowNull(schema: JsonObject): JsonObject {
	const nullable = schema.nullable === true;
	if (typeof schema.nullable === 'boolean') delete schema.nullable;
	const types = Array.isArray(schema.type) ? (schema.type as string[]) : [];
	if (!nullable && !types.includes('null')) return schema;
	if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
	else if (Array.isArray(schema.type) && !types.includes('null')) schema.type = [...types, 'null'];
	else if (schema.type === undefined && (schema.$ref || schema.allOf || schema.oneOf || schema.anyOf)) {
		return { anyOf: [schema, { type: 'null' }] };
	}
	// An enum lists the allowed values, so null must join it or `nullable` has no effect.
	if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
	return schema;
}

// ---- finding the operation ------------------------------------------------------------------

function indexOperations(document: JsonObject): OperationEntry[] {
	const entries: OperationEntry[] = [];
	for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, JsonObject>)) {
		const paramNames: string[] = [];
		const pattern = template
			.split(/(\{[^}]+\})/)
			.map((part) => {
				const param = /^\{([^}]+)\}$/.exec(part);
				if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				paramNames.push(param[1]);
				return '([^/]+?)';
			})
			.join('');
		const specificity = template.replace(/\{[^}]+\}/g, '').length;
		for (const method of HTTP_METHODS) {
			const operation = item[method] as JsonObject | undefined;
			if (!operation) continue;
			entries.push({
				method,
				template,
				operationId: (operation.operationId as string | undefined) ?? `${method.toUpperCase()} ${template}`,
				operation,
				pathItem: item,
				regex: new RegExp(`^${pattern}$`),
				paramNames,
				specificity,
			});
		}
	}
	return entries.sort((a, b) => b.specificity - a.specificity);
}

function basePaths(spec: OpenApiSpec, entry?: OperationEntry): string[] {
	const servers = [
		...((spec.document.servers ?? []) as JsonObject[]),
		...((entry?.pathItem.servers ?? []) as JsonObject[]),
		...((entry?.operation.servers ?? []) as JsonObject[]),
	];
	const paths = servers.map((s) => {
		try {
			return new URL(String(s.url), 'http://placeholder').pathname.replace(/\/$/, '');
		} catch {
			return '';
		}
	});
	return [...new Set(paths.filter((p) => p !== ''))];
}

interface Target {
	pathname: string;
	query: Record<string, string | string[]>;
}

function parseTarget(raw: string): Target {
	const url = new URL(raw, 'http://placeholder');
	const query: Record<string, string | string[]> = {};
	for (const [key, value] of url.searchParams) {
		const prev = query[key];
		query[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
	}
	return { pathname: url.pathname, query };
}

export function findOperation(
	spec: OpenApiSpec,
	method: string,
	rawPath: string,
): { entry: OperationEntry; pathParams: Record<string, string> } | undefined {
	const { pathname } = parseTarget(rawPath);
	const candidates = [pathname, ...basePaths(spec).filter((b) => pathname.startsWith(`${b}/`)).map((b) => pathname.slice(b.length))];
	for (const entry of spec.operations) {
		if (entry.method !== method.toLowerCase()) continue;
		for (const candidate of candidates) {
			const match = entry.regex.exec(candidate);
			if (!match) continue;
			const pathParams: Record<string, string> = {};
			entry.paramNames.forEach((name, i) => {
				pathParams[name] = safeDecode(match[i + 1]);
			});
			return { entry, pathParams };
		}
	}
	return undefined;
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

// ---- helpers over the raw document ----------------------------------------------------------

function deref(spec: OpenApiSpec, node: unknown): JsonObject {
	let current = node as JsonObject;
	for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
		const ref = current.$ref as string;
		if (!ref.startsWith('#/')) break;
		current = ref
			.slice(2)
			.split('/')
			.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
			.reduce<unknown>((acc, key) => (acc as JsonObject | undefined)?.[key], spec.document) as JsonObject;
	}
	return current ?? {};
}

interface Parameter {
	name: string;
	in: string;
	required?: boolean;
	schema?: Schema;
}

function parametersOf(spec: OpenApiSpec, entry: OperationEntry): Parameter[] {
	const byKey = new Map<string, Parameter>();
	for (const raw of [...((entry.pathItem.parameters ?? []) as unknown[]), ...((entry.operation.parameters ?? []) as unknown[])]) {
		const p = deref(spec, raw) as unknown as Parameter;
		byKey.set(`${p.in}:${p.name}`, p);
	}
	return [...byKey.values()];
}

function typesOf(spec: OpenApiSpec, schema: unknown): string[] {
	const s = deref(spec, schema);
	if (typeof s.type === 'string') return [s.type];
	if (Array.isArray(s.type)) return s.type as string[];
	return [];
}

// ---- validation -----------------------------------------------------------------------------

function validatorFor(spec: OpenApiSpec, ajv: 'coercing' | 'exact', schema: object): ValidateFunction {
	const inner = internals.get(spec);
	if (!inner) throw new Error(`spec ${spec.file} was not created by loadSpec`);
	const instance = inner[ajv];
	let cache = inner.compiled.get(instance);
	if (!cache) inner.compiled.set(instance, (cache = new WeakMap()));
	let validate = cache.get(schema);
	if (!validate) {
		let converted = inner.converted.get(schema);
		if (!converted) inner.converted.set(schema, (converted = toJsonSchema(schema)));
		validate = instance.compile(converted);
		cache.set(schema, validate);
	}
	return validate;
}

function formatError(where: string, error: ErrorObject): string {
	const at = `${where}${error.instancePath}`;
	switch (error.keyword) {
		case 'required':
			return `${at}: missing required "${(error.params as { missingProperty: string }).missingProperty}"`;
		case 'enum':
			return `${at}: ${JSON.stringify(error.data)} is not one of ${(error.params as { allowedValues: unknown[] }).allowedValues
				.map((v) => JSON.stringify(v))
				.join(', ')}`;
		case 'format':
		case 'pattern':
			return `${at}: ${JSON.stringify(error.data)} ${error.message}`;
		default:
			return `${at}: ${error.message}`;
	}
}

function runAjv(spec: OpenApiSpec, mode: 'coercing' | 'exact', schema: object, data: unknown, where: string): string[] {
	const validate = validatorFor(spec, mode, schema);
	if (validate(data)) return [];
	return (validate.errors ?? []).map((e) => formatError(where, e));
}

/** Suggests the declared name closest to a typo: same letters in another case, or within two edits. */
function didYouMean(key: string, known: string[]): string {
	const lower = key.toLowerCase();
	const best = known
		.map((name) => ({ name, d: name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase()) }))
		.sort((a, b) => a.d - b.d)[0];
	return best && best.d <= 2 ? ` (did you mean "${best.name}"?)` : '';
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return row[b.length];
}

/**
 * Reports object keys the schema does not declare, following $ref, properties and items. Objects
 * that allow extra keys, and oneOf/anyOf/allOf branches (ambiguous), are not descended into.
 */
function unknownKeys(spec: OpenApiSpec, value: unknown, schemaNode: unknown, where: string, out: string[]): void {
	const schema = deref(spec, schemaNode);
	if (Array.isArray(value)) {
		if (schema.items) value.forEach((v, i) => unknownKeys(spec, v, schema.items, `${where}/${i}`, out));
		return;
	}
	if (!value || typeof value !== 'object' || !schema.properties) return;
	const properties = schema.properties as Record<string, unknown>;
	for (const [key, v] of Object.entries(value as JsonObject)) {
		if (key in properties) unknownKeys(spec, v, properties[key], `${where}/${key}`, out);
		else if (schema.additionalProperties === undefined || schema.additionalProperties === false) {
			out.push(`${where}: unknown property "${key}"${didYouMean(key, Object.keys(properties))}`);
		}
	}
}

/** Form-style values (form, query, path, header): repeated keys, JSON objects, then ajv coercion. */
function validateStringValues(
	spec: OpenApiSpec,
	where: string,
	values: Record<string, string | string[]>,
	target: { schema: object; properties: Record<string, unknown> },
	rejectUnknown: boolean,
): string[] {
	const errors: string[] = [];
	const data: JsonObject = {};
	for (const [key, raw] of Object.entries(values)) {
		if (!(key in target.properties)) {
			if (rejectUnknown) errors.push(`${where}: unknown parameter "${key}"${didYouMean(key, Object.keys(target.properties))}`);
			continue;
		}
		const types = typesOf(spec, target.properties[key]);
		let value: unknown = raw;
		if (Array.isArray(raw) && !types.includes('array')) {
			if (raw.length !== 1) {
				errors.push(`${where}/${key}: sent ${raw.length} times, but it is not an array parameter`);
				continue;
			}
			value = raw[0];
		}
		// Twilio sends object parameters as JSON text (the SDK JSON.stringifies them).
		if (typeof value === 'string' && types.includes('object')) {
			try {
				value = JSON.parse(value);
			} catch {
				// left as text: ajv reports the type error
			}
		}
		data[key] = value;
	}
	return [...errors, ...runAjv(spec, 'coercing', target.schema, data, where)];
}

interface ParameterSchema {
	/** One object per operation and location, so ajv's compile cache (by identity) hits. */
	schema: object;
	properties: Record<string, unknown>;
}

const parameterSchemas = new WeakMap<OperationEntry, Map<string, ParameterSchema>>();

function parameterSchemaFor(spec: OpenApiSpec, entry: OperationEntry, location: string): ParameterSchema {
	let byLocation = parameterSchemas.get(entry);
	if (!byLocation) parameterSchemas.set(entry, (byLocation = new Map()));
	let result = byLocation.get(location);
	if (!result) {
		// Header names are case-insensitive; callers' headers are lower-cased to match.
		const name = (p: Parameter) => (location === 'header' ? p.name.toLowerCase() : p.name);
		const params = parametersOf(spec, entry).filter((p) => p.in === location);
		const properties = Object.fromEntries(params.map((p) => [name(p), p.schema ?? {}]));
		const required = params.filter((p) => p.required).map(name);
		byLocation.set(location, (result = { schema: { type: 'object', properties, required }, properties }));
	}
	return result;
}

export function validateRequest(spec: OpenApiSpec, request: RequestToValidate): ValidationResult {
	const found = findOperation(spec, request.method, request.path);
	const target = parseTarget(request.path);
	if (!found) {
		return { ok: false, errors: [`no operation matches ${request.method.toUpperCase()} ${target.pathname} in ${spec.file}`] };
	}
	const { entry, pathParams } = found;
	const errors: string[] = [];

	errors.push(...validateStringValues(spec, 'path', pathParams, parameterSchemaFor(spec, entry, 'path'), false));
	const query = { ...target.query, ...request.query };
	errors.push(...validateStringValues(spec, 'query', query, parameterSchemaFor(spec, entry, 'query'), true));
	if (request.headers) {
		const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
		// Arbitrary headers (User-Agent, Authorization…) are normal, so only declared ones are checked.
		errors.push(...validateStringValues(spec, 'header', headers, parameterSchemaFor(spec, entry, 'header'), false));
	}

	errors.push(...validateBody(spec, entry, request));
	return { ok: errors.length === 0, operationId: entry.operationId, errors };
}

function validateBody(spec: OpenApiSpec, entry: OperationEntry, request: RequestToValidate): string[] {
	const requestBody = entry.operation.requestBody ? deref(spec, entry.operation.requestBody) : undefined;
	const content = (requestBody?.content ?? {}) as Record<string, JsonObject>;
	const formMedia = content['application/x-www-form-urlencoded'];
	const jsonMedia = content['application/json'];
	const accepted = Object.keys(content).join(', ') || 'no body';

	if (request.form !== undefined && request.json !== undefined) return ['body: give either form or json, not both'];
	if (request.json !== undefined) {
		if (!jsonMedia?.schema) return [`json: ${entry.operationId} does not take a JSON body (it accepts ${accepted})`];
		const errors = runAjv(spec, 'exact', jsonMedia.schema as object, request.json, 'json');
		unknownKeys(spec, request.json, jsonMedia.schema, 'json', errors);
		return errors;
	}
	if (request.form !== undefined || (formMedia && !jsonMedia)) {
		if (!formMedia?.schema) {
			return request.form === undefined ? [] : [`form: ${entry.operationId} does not take a form body (it accepts ${accepted})`];
		}
		// Without a form the request still owes the schema's required keys (Twilio's To, for example).
		const properties = (deref(spec, formMedia.schema).properties ?? {}) as Record<string, unknown>;
		return validateStringValues(spec, 'form', request.form ?? {}, { schema: formMedia.schema as object, properties }, true);
	}
	return requestBody?.required ? [`body: ${entry.operationId} requires a body (${accepted})`] : [];
}

export function validateResponse(spec: OpenApiSpec, response: ResponseToValidate): ValidationResult {
	const found = findOperation(spec, response.method, response.path);
	if (!found) {
		return {
			ok: false,
			errors: [`no operation matches ${response.method.toUpperCase()} ${parseTarget(response.path).pathname} in ${spec.file}`],
		};
	}
	const { entry } = found;
	const responses = (entry.operation.responses ?? {}) as Record<string, unknown>;
	const key = [String(response.status), `${String(response.status)[0]}XX`, 'default'].find((k) => k in responses);
	if (key === undefined) {
		const documented = Object.keys(responses).join(', ');
		return {
			ok: false,
			operationId: entry.operationId,
			errors: [`response: status ${response.status} is not documented for ${entry.operationId} (documented: ${documented})`],
		};
	}
	const content = (deref(spec, responses[key]).content ?? {}) as Record<string, JsonObject>;
	const media = content['application/json'] ?? Object.entries(content).find(([type]) => type.includes('json'))?.[1];
	const errors: string[] = [];
	if (!media?.schema) {
		const empty = response.body === undefined || response.body === null || response.body === '';
		if (!empty) errors.push(`response: status ${response.status} of ${entry.operationId} has no JSON body in the spec`);
	} else {
		errors.push(...runAjv(spec, 'exact', media.schema as object, response.body, 'response'));
		if (response.strictProperties) unknownKeys(spec, response.body, media.schema, 'response', errors);
	}
	return { ok: errors.length === 0, operationId: entry.operationId, errors };
}
