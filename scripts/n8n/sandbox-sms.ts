/**
 * `npm run sandbox:sms -- 'hello'`: a phone texts one of the sandbox's numbers. The sandbox posts a
 * signed webhook to that number's SmsUrl (set by the demo or by an active Twilio Trigger), and this
 * prints what came back: the TwiML answer and the replies it sent.
 *   --to +15005550006  --from +15555550123  --sandbox http://127.0.0.1:8787
 */
import { NUMBER_MAIN, SAMPLE_RECIPIENT } from '../../sandbox/fixtures';
import type { InboundSmsResult } from '../../sandbox';

interface Args {
	body: string;
	to: string;
	from: string;
	sandbox: string;
}

function parse(argv: string[]): Args {
	const args: Args = {
		body: '',
		to: NUMBER_MAIN.phoneNumber,
		from: SAMPLE_RECIPIENT,
		sandbox: process.env.SANDBOX_URL ?? `http://127.0.0.1:${process.env.SANDBOX_PORT ?? 8787}`,
	};
	const words: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '--to' || flag === '--from' || flag === '--sandbox') args[flag.slice(2) as 'to' | 'from' | 'sandbox'] = argv[++i] ?? '';
		else words.push(flag);
	}
	args.body = words.join(' ');
	if (!args.body) {
		console.error("usage: npm run sandbox:sms -- 'message text' [--to +15005550006] [--from +15555550123] [--sandbox URL]");
		process.exit(2);
	}
	return args;
}

async function main(): Promise<number> {
	const args = parse(process.argv.slice(2));
	let res: Response;
	try {
		res = await fetch(`${args.sandbox}/__sandbox/inbound/sms`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ from: args.from, to: args.to, body: args.body }),
			signal: AbortSignal.timeout(30_000),
		});
	} catch (e) {
		console.error(`Cannot reach the sandbox at ${args.sandbox} (${(e as Error).message}). Is \`npm run demo\` (or \`npm run sandbox\`) running?`);
		return 1;
	}
	const answer = (await res.json()) as InboundSmsResult & { message?: string };
	if (res.status === 409) {
		console.error(`${args.to} has no SMS webhook (SmsUrl) configured, so nothing received the text.`);
		console.error('`npm run demo` points it at an n8n workflow; an active Twilio Trigger does the same for its number.');
		return 1;
	}
	if (!res.ok) {
		console.error(`The sandbox answered ${res.status}: ${answer.message ?? JSON.stringify(answer)}`);
		return 1;
	}
	console.log(`SMS ${answer.messageSid}  ${args.from} → ${args.to}: "${args.body}"`);
	console.log(`Webhook  ${answer.method} ${answer.url}  →  HTTP ${answer.status ?? '(no answer)'}${answer.error ? `  error: ${answer.error}` : ''}`);
	if (answer.twiml) console.log(`Answer   ${answer.twiml.trim()}`);
	if (answer.twimlError) console.log(`TwiML problem: ${answer.twimlError}`);
	for (const r of answer.replies ?? []) console.log(`Reply    ${r.sid}  ${r.from} → ${r.to}: "${r.body}"`);
	if (!answer.replies?.length) console.log('No reply was sent.');
	return typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300 ? 0 : 1;
}

main().then((code) => process.exit(code));
