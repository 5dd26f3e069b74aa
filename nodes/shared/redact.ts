/**
 * Secrets must never reach an output item, an error shown in the editor, or a log line.
 * Everything that turns a vendor failure into something a user sees passes through here.
 */
export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (!secret) continue;
		out = out.split(secret).join('[redacted]');
		// A Basic auth header carries the secret base64-encoded inside user:secret; catch the secret alone too.
		const b64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
		if (b64.length >= 8) out = out.split(b64).join('[redacted]');
	}
	return out;
}

export function redactDeep<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return redact(value, secrets) as T;
	if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets);
		return out as T;
	}
	return value;
}
