/**
 * `npm run sandbox`: the sandbox as a standalone process, for the demo and for n8n e2e runs.
 *   node dist-sandbox/sandbox/cli.js [--port 8787] [--host 127.0.0.1] [--latency MS] [--jitter MS]
 *                                    [--status-step-ms MS] [--rate-reset-after 0.05] [--list-lag-ms MS]
 *                                    [--seed N] [--chat-model-port N] [--quiet]
 */
import { COUNT_KEYS, DURATION_KEYS, RATE_KEYS, validateFaults, type FaultConfig } from './faults';
import { startSandbox } from './index';
import { API_KEY, CHAT_MODEL_IDS, FULL_ACCOUNT, MAIN_API_KEY, MESSAGING_SERVICE, NUMBER_MAIN, PHONE_NUMBERS, TRIAL_ACCOUNT } from './fixtures';

interface CliOptions {
	port: number;
	host: string;
	latencyMs: number;
	jitterMs: number;
	statusStepMs: number;
	chatModelPort: number;
	quiet: boolean;
	/** The other fault settings, from --rate-429, --rate-reset-after, --list-lag-ms, --seed… */
	faults: Partial<FaultConfig>;
}

/** FaultConfig key → flag: rateResetAfter → --rate-reset-after, rate5xxBefore → --rate-5xx-before. */
const flagOf = (key: string): string => `--${key.replace(/([a-z])([A-Z0-9])/g, '$1-$2').toLowerCase()}`;
/** latencyMs and jitterMs keep their older flags --latency and --jitter. */
const FAULT_FLAGS = new Map<string, string>(
	[...RATE_KEYS, ...DURATION_KEYS.filter((k) => k !== 'latencyMs' && k !== 'jitterMs'), ...COUNT_KEYS, 'seed'].map((k) => [flagOf(k), k]),
);

const USAGE = `Usage: sandbox [--port N] [--host H] [--latency MS] [--jitter MS] [--status-step-ms MS] [fault flags] [--quiet]
  --port            port to listen on (default 8787; 0 = any free port)
  --host            address to bind (default 127.0.0.1; the sandbox has no real security)
  --latency         added latency per API request, in ms (default 0)
  --jitter          extra random latency, 0..MS (default 0)
  --status-step-ms  time between message status changes (default 1000)
  --chat-model-port port of the scripted OpenAI-compatible chat model (default 0 = any free port)
  --quiet           do not log requests
Fault flags (startup settings, as POST /__sandbox/faults takes them; rates 0..1, durations in ms
except --retry-after-sec):
  ${[...FAULT_FLAGS.keys()].join(' ')}`;

function parseArgs(argv: string[]): CliOptions {
	const opts: CliOptions = { port: 8787, host: '127.0.0.1', latencyMs: 0, jitterMs: 0, statusStepMs: 1000, chatModelPort: 0, quiet: false, faults: {} };
	const numeric: Record<string, keyof CliOptions> = {
		'--port': 'port',
		'--latency': 'latencyMs',
		'--jitter': 'jitterMs',
		'--status-step-ms': 'statusStepMs',
		'--chat-model-port': 'chatModelPort',
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		}
		if (flag === '--quiet') {
			opts.quiet = true;
			continue;
		}
		const value = inline ?? argv[++i];
		if (flag === '--host' && value) {
			opts.host = value;
			continue;
		}
		const faultKey = FAULT_FLAGS.get(flag);
		if (faultKey) {
			try {
				Object.assign(opts.faults, validateFaults({ [faultKey]: value === undefined || value === '' ? NaN : Number(value) }));
			} catch (err) {
				console.error(`sandbox: bad argument ${flag} ${value ?? ''}: ${(err as Error).message}\n${USAGE}`);
				process.exit(2);
			}
			continue;
		}
		const key = numeric[flag];
		const n = Number(value);
		if (!key || value === undefined || !Number.isInteger(n) || n < 0) {
			console.error(`sandbox: bad argument ${argv[i]}\n${USAGE}`);
			process.exit(2);
		}
		(opts as unknown as Record<string, number>)[key] = n;
	}
	return opts;
}

async function main(): Promise<void> {
	const opts = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox({
		port: opts.port,
		host: opts.host,
		latencyMs: opts.latencyMs,
		jitterMs: opts.jitterMs,
		statusStepMs: opts.statusStepMs,
		faults: opts.faults,
		chatModelPort: opts.chatModelPort,
		log: opts.quiet ? undefined : (line) => console.log(`[sandbox] ${line}`),
	});
	const lines = [
		`Twilio sandbox listening on ${sandbox.url}`,
		`  Use it as the credential's API Base URL.`,
		`  Full account   ${FULL_ACCOUNT.sid}  auth token ${FULL_ACCOUNT.authToken}`,
		`  API key        ${API_KEY.sid}  secret ${API_KEY.secret}  (standard)`,
		`  Main API key   ${MAIN_API_KEY.sid}  secret ${MAIN_API_KEY.secret}`,
		`  Trial account  ${TRIAL_ACCOUNT.sid}  auth token ${TRIAL_ACCOUNT.authToken}`,
		`  Default From   ${NUMBER_MAIN.phoneNumber}   Messaging Service ${MESSAGING_SERVICE.sid}`,
		`  Numbers        ${PHONE_NUMBERS.map((n) => n.phoneNumber).join(', ')}`,
		`  Chat model     ${sandbox.chatModel.url}  API key ${sandbox.chatModel.apiKey}`,
		`                 OpenAI-compatible and scripted (models ${CHAT_MODEL_IDS.join(', ')}): the OpenAI credential's Base URL; Responses API off.`,
		`  Admin          ${sandbox.url}/__sandbox/state  /stats  /faults  /reset  /inbound/sms  /chat-model  /chat-model/requests`,
		`  Latency ${opts.latencyMs} ms (+0..${opts.jitterMs} ms), status step ${opts.statusStepMs} ms. Ctrl-C stops.`,
		...(Object.keys(opts.faults).length > 0 ? [`  Faults         ${JSON.stringify(opts.faults)}`] : []),
	];
	console.log(lines.join('\n'));
	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		console.log(`sandbox: ${signal}, stopping`);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
	const e = err as NodeJS.ErrnoException;
	console.error(e.code === 'EADDRINUSE' ? `sandbox: port already in use (${e.message})` : `sandbox: ${e.stack ?? String(err)}`);
	process.exit(1);
});
