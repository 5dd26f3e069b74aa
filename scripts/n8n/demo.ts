/**
 * `npm run demo`: the sandbox, a real n8n with this package installed from its tarball, an owner,
 * sandbox credentials and the example workflows, active. Ctrl-C stops everything it started.
 *   --sandbox-port 8787 (SANDBOX_PORT)   --n8n-port 5678 (N8N_PORT)   --status-step-ms 1000   --keep
 *   --queue: scale-out instead (PostgreSQL, Redis, a main, a webhook process and two workers, on free ports)
 */
import { NUMBER_ASSISTANT, NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import { HOST } from './ports';
import { startQueueStack } from './queue';
import { startStack, type InstanceSetup } from './stack';
import type { Sandbox } from '../../sandbox';
import type { InstalledPackage } from './install-package';

interface DemoArgs {
	sandboxPort: number;
	n8nPort: number;
	statusStepMs: number;
	keep: boolean;
	queue: boolean;
}

function parse(argv: string[]): DemoArgs {
	const args: DemoArgs = {
		sandboxPort: Number(process.env.SANDBOX_PORT ?? 8787),
		n8nPort: Number(process.env.N8N_PORT ?? 5678),
		statusStepMs: 1000,
		keep: false,
		queue: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => Number(inline ?? argv[++i]);
		if (flag === '--sandbox-port') args.sandboxPort = value();
		else if (flag === '--n8n-port') args.n8nPort = value();
		else if (flag === '--status-step-ms') args.statusStepMs = value();
		else if (flag === '--keep') args.keep = true;
		else if (flag === '--queue') args.queue = true;
		else {
			console.error(`demo: unknown argument ${argv[i]}\nusage: npm run demo -- [--sandbox-port 8787] [--n8n-port 5678] [--status-step-ms 1000] [--keep] [--queue]`);
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

/** What the banner shows, from either stack. */
interface Demo extends InstanceSetup {
	timings: Record<string, number>;
	sandbox: Sandbox;
	pkg: InstalledPackage;
	/** The editor and REST API. */
	editorUrl: string;
	/** Where production webhooks go: the main, or in queue mode the webhook process. */
	webhookUrl: string;
	userFolder: string;
	/** Queue mode: one line per process or service. */
	processes: string[];
	stop(): Promise<void>;
}

function banner(stack: Demo, seconds: number): string {
	const n8n = stack.editorUrl;
	const hooks = stack.webhookUrl;
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
		...stack.processes,
		'  workflows',
		...active,
		'',
		'Try it:',
		"  1. Ask n8n's AI Agent to notify someone: it calls Send SMS, Voice Message or Send Email as a tool",
		`     (the "OpenAI sandbox" credential points at the sandbox's scripted model, ${stack.sandbox.chatModel.url}):`,
		`       curl -s -X POST ${hooks}/webhook/notify -H 'content-type: application/json' -d '{"request":"text ${SAMPLE_RECIPIENT} that the build is green"}'`,
		`       curl -s -X POST ${hooks}/webhook/notify -H 'content-type: application/json' -d '{"request":"call ${SAMPLE_RECIPIENT} and say the database is down"}'`,
		`       curl -s -X POST ${hooks}/webhook/notify -H 'content-type: application/json' -d '{"request":"email ada@example.com about the weekly report"}'`,
		'     and see what the sandbox received (the SMS moves queued → sent → delivered):',
		`       curl -s ${sbx}/__sandbox/state | jq '.messages[0], .calls[0].sandbox.heard, .emails[0]'`,
		`  1b. Text the AI assistant on ${NUMBER_ASSISTANT.phoneNumber} twice: the second answer quotes the first (memory per sender):`,
		`       npm run sandbox:sms -- 'hello' --to ${NUMBER_ASSISTANT.phoneNumber}${stack.sandbox.port === 8787 ? '' : ` --sandbox ${sbx}`}`,
		`       npm run sandbox:sms -- 'me again' --to ${NUMBER_ASSISTANT.phoneNumber}${stack.sandbox.port === 8787 ? '' : ` --sandbox ${sbx}`}`,
		`  2. Text ${NUMBER_MAIN.phoneNumber} from a phone; n8n answers with TwiML:`,
		`       npm run sandbox:sms -- 'hello'${stack.sandbox.port === 8787 ? '' : ` --sandbox ${sbx}`}`,
		'  3. Make the health check fail: n8n calls on-call, waits for the call to end, and emails a summary:',
		`       curl -s -X POST ${hooks}/webhook/health-check -H 'content-type: application/json' -d '{"url":"http://127.0.0.1:1/down"}'`,
		`  4. Verify a phone: send a code, read it from the sandbox, check it:`,
		`       curl -s -X POST ${hooks}/webhook/verify/start -H 'content-type: application/json' -d '{"phone":"${SAMPLE_RECIPIENT}"}'`,
		`       curl -s '${sbx}/__sandbox/verify/codes?to=${SAMPLE_RECIPIENT}'`,
		`       curl -s -X POST ${hooks}/webhook/verify/check -H 'content-type: application/json' -d '{"phone":"${SAMPLE_RECIPIENT}","code":"<code>"}'`,
		'  5. Escalate a failed health check: call on-call #1 and wait for "press 1", then #2, then text and email the team.',
		'     The sandbox plays the callees (its callee scripts); each run waits in n8n, see it under Executions.',
		'     Acknowledged by #1 (answers after 1 s, presses 1):',
		`       curl -s -X POST ${sbx}/__sandbox/callee -H 'content-type: application/json' -d '{"number":"+15555550171","script":{"answer":"human","afterMs":1000,"press":{"digits":"1","afterMs":1000}}}'`,
		`       curl -s -X POST ${hooks}/webhook/alert-escalation -H 'content-type: application/json' -d '{"url":"http://127.0.0.1:1/down"}'`,
		'     Escalated (neither answers): the team gets an SMS and an email naming who was tried and how each call ended:',
		`       curl -s -X POST ${sbx}/__sandbox/callee -H 'content-type: application/json' -d '{"number":"+15555550171","script":{"answer":"no-answer","afterMs":3000}}'`,
		`       curl -s -X POST ${sbx}/__sandbox/callee -H 'content-type: application/json' -d '{"number":"+15555550172","script":{"answer":"no-answer","afterMs":3000}}'`,
		`       curl -s -X POST ${hooks}/webhook/alert-escalation -H 'content-type: application/json' -d '{"url":"http://127.0.0.1:1/down"}'`,
		`       curl -s ${sbx}/__sandbox/state | jq '.messages[0].body, .emails[0].text'`,
		'  6. Open the editor, log in, and open a workflow: executions show every run.',
		'',
		'Ctrl-C stops n8n and the sandbox.',
		'',
	].join('\n');
}

async function startSingleDemo(args: DemoArgs): Promise<Demo> {
	const stack = await startStack({
		sandboxPort: args.sandboxPort,
		n8nPort: args.n8nPort,
		statusStepMs: args.statusStepMs,
		keepUserFolder: args.keep,
		log: say,
		sandboxLog: (line) => process.stdout.write(`[sandbox] ${line}\n`),
	});
	return { ...stack, editorUrl: stack.n8n.url, webhookUrl: stack.n8n.url, userFolder: stack.n8n.userFolder, processes: [] };
}

/** The scale-out set-up the queue-mode tests use, on free ports (the fixed ones would clash with a second demo). */
async function startQueueDemo(args: DemoArgs): Promise<Demo> {
	const stack = await startQueueStack({ statusStepMs: args.statusStepMs, keepUserFolder: args.keep, webhookProcesses: 1, log: say });
	const at = (s: { url: string; logFile: string }) => `${s.url}   (log ${s.logFile})`;
	return {
		...stack,
		editorUrl: stack.main.url,
		webhookUrl: stack.webhook.url,
		processes: [
			'  queue mode   EXECUTIONS_MODE=queue, every process on one PostgreSQL and one Redis:',
			`    postgres   ${stack.postgres.host}:${stack.postgres.port}, database ${stack.postgres.database}, user ${stack.postgres.user}`,
			`    redis      ${stack.redis.host}:${stack.redis.port}`,
			`    main       ${at(stack.main)}`,
			`    webhook    ${at(stack.webhook)}   (WEBHOOK_URL: Twilio's webhooks land here)`,
			...stack.workers.map((w, i) => `    worker ${i + 1}   ${at(w)}   (runs the executions)`),
		],
	};
}

async function main(): Promise<void> {
	const args = parse(process.argv.slice(2));
	const t0 = Date.now();
	say(args.queue ? 'starting queue mode: PostgreSQL, Redis, the sandbox, a main, a webhook process and two workers' : `starting: sandbox on ${HOST}:${args.sandboxPort}, n8n on ${HOST}:${args.n8nPort}`);
	let stack: Demo | null = null;
	let stopping = false;
	const stop = async (why: string, code: number) => {
		if (stopping) return;
		stopping = true;
		say(`${why}: stopping n8n and the sandbox`);
		await stack?.stop();
		if (stack && args.keep) say(`kept n8n's user folder ${stack.userFolder}`);
		process.exit(code);
	};
	// During start-up too: startStack cleans up after itself when it throws.
	process.on('SIGINT', () => void stop('Ctrl-C', 0));
	process.on('SIGTERM', () => void stop('SIGTERM', 0));
	try {
		stack = args.queue ? await startQueueDemo(args) : await startSingleDemo(args);
	} catch (e) {
		if (stopping) return;
		console.error(`\n[demo] failed: ${(e as Error).message}`);
		process.exit(1);
	}
	if (stopping) {
		await stack.stop();
		return;
	}
	say(`timings (s): ${Object.entries(stack.timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
	process.stdout.write(banner(stack, (Date.now() - t0) / 1000));
	if (process.env.DEMO_EXIT_WHEN_READY === '1') await stop('DEMO_EXIT_WHEN_READY', 0);
}

void main();
