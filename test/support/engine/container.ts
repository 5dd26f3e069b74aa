/*
 * The least DI-container setup n8n-core's WorkflowExecute needs to run in-process.
 *
 * n8n-core resolves a few services lazily through `@n8n/di`'s global Container while a
 * workflow runs. Most of them construct themselves from their defaults (env-driven config
 * classes from @n8n/config), so only two need to be provided by hand:
 *
 * - Logger (@n8n/backend-common): everything in n8n-core logs through it, e.g.
 *   `NodeExecutionContext.logger`, `ErrorReporter`, `InstanceSettings`, `OutboundHttp`. The real
 *   one builds a winston console logger at level `info`, and ErrorReporter logs every node error
 *   with its stack, which floods test output for runs that are meant to fail. We register a
 *   small quiet logger instead: silent unless ENGINE_LOG=error|warn|info|debug is set.
 *   It is also installed as n8n-workflow's LoggerProxy (used by Workflow/WorkflowExecute).
 *
 * - InstanceSettings (n8n-core): every node execution context does
 *   `Container.get(InstanceSettings)` in its constructor. Its default config points at
 *   `~/.n8n` and, when no settings file exists there, writes one with a freshly generated
 *   encryption key. We build the real class against a fixed folder under the OS temp dir
 *   (see engineN8nFolder), so tests never touch the user's home.
 *
 * Services left to construct themselves on demand, for the record:
 * - ExecutionContextService (establishes `runtimeData` at the start of every run),
 * - TriggersAndPollers (runs the manual trigger of the start node),
 * - OutboundHttp + SsrfProtectionService (backs `this.helpers.httpRequest*`; SSRF protection is
 *   off by default, N8N_SSRF_PROTECTION_ENABLED=true would block requests to 127.0.0.1),
 * - ErrorReporter (logs node errors through the Logger above; no Sentry unless configured),
 * - BinaryDataService (never `init()`ed, so binary data stays in memory as base64, which is
 *   n8n's in-memory fallback).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';
import type { Logger as WorkflowLogger, LogMetadata } from 'n8n-workflow';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
type Level = (typeof LEVELS)[number];

/** Quiet stand-in for @n8n/backend-common's Logger; prints only when ENGINE_LOG asks for it. */
export class EngineLogger implements WorkflowLogger {
	private readonly max: number;

	constructor(
		level: string | undefined = process.env.ENGINE_LOG,
		private readonly scopes: string[] = [],
	) {
		this.max = LEVELS.indexOf((level ?? '') as Level);
	}

	/** n8n-core calls `logger.scoped('cron')` etc.; scopes only prefix the printed line. */
	scoped(scopes: string | string[]): EngineLogger {
		const extra = Array.isArray(scopes) ? scopes : [scopes];
		return new EngineLogger(LEVELS[this.max], [...this.scopes, ...extra]);
	}

	error(message: string, metadata?: LogMetadata): void {
		this.log('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata): void {
		this.log('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata): void {
		this.log('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata): void {
		this.log('debug', message, metadata);
	}

	private log(level: Level, message: string, metadata?: LogMetadata): void {
		if (LEVELS.indexOf(level) > this.max) return;
		const scope = this.scopes.length ? ` [${this.scopes.join(',')}]` : '';
		const meta = metadata && Object.keys(metadata).length ? ` ${safeJson(metadata)}` : '';
		process.stderr.write(`[n8n ${level}]${scope} ${message}${meta}\n`);
	}
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value, (_key, v: unknown) =>
			v instanceof Error ? { name: v.name, message: v.message } : v,
		);
	} catch {
		return String(value);
	}
}

let ready = false;

/**
 * Registers the services above once per module registry (jest gives every test file its own,
 * and with it its own Container, so this runs once per test file).
 */
export function ensureEngineContainer(): void {
	if (ready) return;
	assertSingleDiContainer();

	const logger = new EngineLogger();
	// Our logger is not the Logger class (which has private members); the Container only needs
	// the class as a key and n8n-core only calls the public logging methods on the instance.
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);

	const n8nFolder = engineN8nFolder();
	const instanceSettings = new InstanceSettings(
		// encryptionKey '' = take the one in the settings file (engineN8nFolder wrote it).
		{ n8nFolder, userHome: n8nFolder, encryptionKey: '', enforceSettingsFilePermissions: false },
		logger as unknown as Logger,
	);
	Container.set(InstanceSettings, instanceSettings);

	ready = true;
}

/**
 * A fixed, per-user folder under the OS temp dir holding n8n's settings file (`config`, just an
 * encryption key). We create the file ourselves, atomically (write + rename), so InstanceSettings
 * only ever reads it: parallel jest workers cannot see a half-written file, and nothing needs
 * cleaning up afterwards (jest's sandboxed `process` does not reliably run 'exit' listeners).
 */
function engineN8nFolder(): string {
	const folder = path.join(tmpdir(), `n8n-nodes-comms-engine-${userInfo().uid}`);
	const settingsFile = path.join(folder, 'config');
	if (!existsSync(settingsFile)) {
		mkdirSync(folder, { recursive: true });
		const partial = `${settingsFile}.${process.pid}.tmp`;
		writeFileSync(partial, JSON.stringify({ encryptionKey: 'engine-test-encryption-key' }));
		renameSync(partial, settingsFile);
	}
	return folder;
}

/**
 * `@n8n/di`, `@n8n/backend-common` and n8n-core must resolve to the same copies, or our
 * registrations would land in a Container n8n-core never reads. npm hoists them today; this
 * turns a future nested copy into a clear error instead of a confusing one.
 */
function assertSingleDiContainer(): void {
	const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
	for (const dep of ['@n8n/di', '@n8n/backend-common']) {
		const ours = require.resolve(dep);
		const theirs = require.resolve(dep, { paths: [coreDir] });
		if (ours !== theirs) {
			throw new Error(`engine harness: ${dep} resolves to ${ours} here but ${theirs} in n8n-core`);
		}
	}
}
