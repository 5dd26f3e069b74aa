/**
 * The runner's knobs as node options, declared once and shared by every action node.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { RunnerOptions } from './runItems';

/**
 * 25 in flight keeps well inside Twilio's per-account API concurrency limit (about 100 by default)
 * while a 100 ms round trip still gives ~250 requests a second.
 */
export const DEFAULT_CONCURRENCY = 25;

export function runnerOptionFields(defaults: { concurrency: number; perSecond: number } = { concurrency: DEFAULT_CONCURRENCY, perSecond: 0 }): INodeProperties[] {
	// The defaults are literal numbers passed in by each node; the rule cannot see through the parameter.
	/* eslint-disable n8n-nodes-base/node-param-default-missing */
	return [
		{
			displayName: 'Max Concurrent Requests',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: defaults.concurrency,
			description:
				'How many requests are in flight at the same time. Items waiting to retry after a rate limit do not count, so they do not hold up the others. Output order always matches input order.',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: defaults.perSecond,
			description: 'Caps how fast requests start, retries included, across the whole run. 0 means no cap (rate limits are still honoured through retries).',
		},
	];
	/* eslint-enable n8n-nodes-base/node-param-default-missing */
}

/** `fallbackPerSecond` applies when the option was never added; an explicit 0 still means no cap. */
export function readRunnerOptions(ctx: IExecuteFunctions, optionsPath = 'options', fallback = DEFAULT_CONCURRENCY, fallbackPerSecond = 0): RunnerOptions {
	const concurrency = ctx.getNodeParameter(`${optionsPath}.maxConcurrency`, 0, fallback) as number;
	const perSecond = ctx.getNodeParameter(`${optionsPath}.maxPerSecond`, 0, fallbackPerSecond) as number;
	return { concurrency: Number(concurrency) || fallback, perSecond: Number(perSecond) || 0 };
}
