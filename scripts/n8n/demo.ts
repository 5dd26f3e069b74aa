/**
 * `npm run demo`: the sandbox, a real n8n with this package installed from its tarball, an owner,
 * sandbox credentials and the example workflows, active. Ctrl-C stops everything it started.
 *   --sandbox-port 8787 (SANDBOX_PORT)   --n8n-port 5678 (N8N_PORT)   --status-step-ms 1000   --keep
 */
import { NUMBER_ASSISTANT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { HOST } from './ports';
import { startStack, type Stack } from './stack';

interface DemoArgs {
	sandboxPort: number;
	n8nPort: number;
	statusStepMs: number;
	keep: boolean;
}

function parse(argv: string[]): DemoArgs {
	const args: DemoArgs = {
		sandboxPort: Number(process.env.SANDBOX_PORT ?? 8787),
		n8nPort: Number(process.env.N8N_PORT ?? 5678),
		statusStepMs: 1000,
		keep: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => Number(inline ?? argv[++i]);
		if (flag === '--sandbox-port') args.sandboxPort = value();
		else if (flag === '--n8n-port') args.n8nPort = value();
		else if (flag === '--status-step-ms') args.statusStepMs = value();
		else if (flag === '--keep') args.keep = true;
		else {
			console.error(`demo: unknown argument ${argv[i]}\nusage: npm run demo -- [--sandbox-port 8787] [--n8n-port 5678] [--status-step-ms 1000] [--keep]`);
			process.exit(2);
		}
	}
	for (const [k, v] of Object.entries(args)) {
		if (typeof v === 'number' && (!Number.isInteger(v) || v < 1 || v > 65535)) {
			console.error(`demo: ${k} must be a port number, got ${v}`);
			process.exit(2);
		}
	}
	return args;
}

const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

function banner(stack: Stack, seconds: number): string {
	const n8n = stack.n8n.url;
	const sbx = stack.sandbox.url;
	const active = Object.values(stack.workflows).map((w) => `    ${w.active ? 'active  ' : 'inactive'}  ${w.name}   ${n8n}/workflow/${w.id}`);
	return [
		'',
		`Ready in ${seconds.toFixed(0)} s.`,
		'',
		`  n8n editor   ${n8n}`,
		`  log in       ${stack.owner.email}  /  ${stack.owner.password}`,
		`  sandbox      ${sbx}   (Twilio stand-in; credentials "Twilio sandbox" and "Resend sandbox" point at it)`,
		`  package      ${stack.pkg.name}@${stack.pkg.version}, installed from ${stack.pkg.tarball}`,
		'  workflows',
		...active,
		'',
		'Try it:',
		"  1. Ask n8n's AI Agent to notify someone: it calls Send SMS, Voice Message or Send Email as a tool",
		`     (the "OpenAI sandbox" credential points at the sandbox's scripted model, ${stack.sandbox.chatModel.url}):`,
		`       curl -s -X POST ${n8n}/webhook/notify -H 'content-type: application/json' -d '{"request":"text ${SAMPLE_RECIPIENT} that the build is green"}'`,
		`       curl -s -X POST ${n8n}/webhook/notify -H 'content-type: application/json' -d '{"request":"call ${SAMPLE_RECIPIENT} and say the database is down"}'`,
		`       curl -s -X POST ${n8n}/webhook/notify -H 'content-type: application/json' -d '{"request":"email ada@example.com about the weekly report"}'`,
		'     and see what the sandbox received (the SMS moves queued → sent → delivered):',
		`       curl -s ${sbx}/__sandbox/state | jq '.messages[0], .calls[0].sandbox.heard, .emails[0]'`,
		`  1b. Text the AI assistant on ${NUMBER_ASSISTANT.phoneNumber} twice: the second answer quotes the first (memory per sender):`,
		`       npm run sandbox:sms -- 'hello' --to ${NUMBER_ASSISTANT.phoneNumber}${stack.sandbox.port === 8787 ? '' : ` --sandbox ${sbx}`}`,
		`       npm run sandbox:sms -- 'me again' --to ${NUMBER_ASSISTANT.phoneNumber}${stack.sandbox.port === 8787 ? '' : ` --sandbox ${sbx}`}`,
		`  2. Text ${NUMBER_MAIN.phoneNumber} from a phone; n8n answers with TwiML:`,
		`       npm run sandbox:sms -- 'hello'${stack.sandbox.port === 8787 ? '' : ` --sandbox ${sbx}`}`,
		'  3. Make the health check fail: n8n calls on-call, waits for the call to end, and emails a summary:',
		`       curl -s -X POST ${n8n}/webhook/health-check -H 'content-type: application/json' -d '{"url":"http://127.0.0.1:1/down"}'`,
		`  4. Verify a phone: send a code, read it from the sandbox, check it:`,
		`       curl -s -X POST ${n8n}/webhook/verify/start -H 'content-type: application/json' -d '{"phone":"${SAMPLE_RECIPIENT}"}'`,
		`       curl -s '${sbx}/__sandbox/verify/codes?to=${SAMPLE_RECIPIENT}'`,
		`       curl -s -X POST ${n8n}/webhook/verify/check -H 'content-type: application/json' -d '{"phone":"${SAMPLE_RECIPIENT}","code":"<code>"}'`,
		'  5. Open the editor, log in, and open a workflow: executions show every run.',
		'',
		'Ctrl-C stops n8n and the sandbox.',
		'',
	].join('\n');
}

async function main(): Promise<void> {
	const args = parse(process.argv.slice(2));
	const t0 = Date.now();
	say(`starting: sandbox on ${HOST}:${args.sandboxPort}, n8n on ${HOST}:${args.n8nPort}`);
	let stack: Stack | null = null;
	let stopping = false;
	const stop = async (why: string, code: number) => {
		if (stopping) return;
		stopping = true;
		say(`${why}: stopping n8n and the sandbox`);
		await stack?.stop();
		if (stack && args.keep) say(`kept n8n's user folder ${stack.n8n.userFolder}`);
		process.exit(code);
	};
	// During start-up too: startStack cleans up after itself when it throws.
	process.on('SIGINT', () => void stop('Ctrl-C', 0));
	process.on('SIGTERM', () => void stop('SIGTERM', 0));
	try {
		stack = await startStack({
			sandboxPort: args.sandboxPort,
			n8nPort: args.n8nPort,
			statusStepMs: args.statusStepMs,
			keepUserFolder: args.keep,
			log: say,
			sandboxLog: (line) => process.stdout.write(`[sandbox] ${line}\n`),
		});
	} catch (e) {
		if (stopping) return;
		console.error(`\n[demo] failed: ${(e as Error).message}`);
		process.exit(1);
	}
	if (stopping) {
		await stack.stop();
		return;
	}
	const t = stack.timings;
	say(`timings (s): n8n runtime ${t.n8nRuntime?.toFixed(1)}, package install ${t.installPackage?.toFixed(1)}, n8n start ${t.n8nStart?.toFixed(1)}, set-up ${t.setup?.toFixed(1)}`);
	process.stdout.write(banner(stack, (Date.now() - t0) / 1000));
	if (process.env.DEMO_EXIT_WHEN_READY === '1') await stop('DEMO_EXIT_WHEN_READY', 0);
}

void main();
