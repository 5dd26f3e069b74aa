/**
 * `npm run bench`: Send SMS throughput in n8n-core's WorkflowExecute against the sandbox.
 * Prints figures and writes bench/results/sms-throughput.json; it never fails on speed.
 *
 *   --count N       messages (default 1000)
 *   --latency MS    sandbox latency per request (default 100)
 *   --concurrency C node option Max Concurrent Requests (default: the node's default)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSandbox } from '../sandbox';
import { SAMPLE_RECIPIENT } from '../sandbox/fixtures';
import { DEFAULT_CONCURRENCY } from '../nodes/shared/runner/options';
import { runNode } from '../test/support/twilioWorkflows';

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
	const count = arg('count', 1000);
	const latencyMs = arg('latency', 100);
	const concurrency = arg('concurrency', DEFAULT_CONCURRENCY);
	const sandbox = await startSandbox({ latencyMs, statusStepMs: 60_000 });
	try {
		const items = Array.from({ length: count }, (_, i) => ({ n: i }));
		const rssBefore = process.memoryUsage().rss;
		const started = process.hrtime.bigint();
		const r = await runNode({
			type: 'CUSTOM.sendSms',
			parameters: { to: SAMPLE_RECIPIENT, body: '=Bench message {{ $json.n }}', options: { maxConcurrency: concurrency } },
			items,
			baseUrl: sandbox.url,
			timeoutMs: 600_000,
		});
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		const out = r.outputs(r.nodeName);
		const stats = sandbox.stats();
		const bound = (count * latencyMs) / 1000 / concurrency;
		const result = {
			workload: `${count} SMS, sandbox latency ${latencyMs} ms, Max Concurrent Requests ${concurrency}, in-process WorkflowExecute`,
			seconds: Number(seconds.toFixed(3)),
			messagesPerSecond: Number((count / seconds).toFixed(1)),
			boundSeconds: Number(bound.toFixed(3)),
			ratioToBound: Number((seconds / bound).toFixed(3)),
			maxInFlight: stats.maxInFlight,
			sent: out.filter((o) => typeof o.json.sid === 'string').length,
			errors: out.filter((o) => o.json.error).length,
			uniqueSends: stats.uniqueSends,
			duplicates: stats.duplicates,
			rssGrowthMb: Number(((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1)),
			runError: r.error?.message ?? null,
		};
		console.log(`workload: ${result.workload}`);
		console.log(`time: ${result.seconds} s  throughput: ${result.messagesPerSecond} msg/s`);
		console.log(`bound N*L/C: ${result.boundSeconds} s  ratio to bound: ${result.ratioToBound}  max in flight: ${result.maxInFlight}`);
		console.log(`sent: ${result.sent}  errors: ${result.errors}  unique sends: ${result.uniqueSends}  duplicates: ${result.duplicates}`);
		const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
		mkdirSync(dir, { recursive: true });
		writeFileSync(path.join(dir, 'sms-throughput.json'), `${JSON.stringify(result, null, 2)}\n`);
	} finally {
		await sandbox.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
