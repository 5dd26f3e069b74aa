/**
 * withStaticParameters (nodes/shared/runner/staticParameters.ts): a parameter holding no expression
 * is read from n8n once per run; anything holding an expression, however deep, per item.
 */
import type { IExecuteFunctions, INodeParameters } from 'n8n-workflow';
import { withStaticParameters } from '../../nodes/shared/runner/staticParameters';

function context(parameters: INodeParameters) {
	const reads: Array<[string, number]> = [];
	const ctx = {
		secret: 'kept on the real context',
		getNode: () => ({ name: 'Send SMS', parameters }),
		getNodeParameter(name: string, i: number, fallback?: unknown) {
			reads.push([name, i]);
			const stored = name.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), parameters);
			return stored === undefined ? fallback : `${JSON.stringify(stored)}@${i}`;
		},
		whoAmI(this: { secret: string }) {
			return this.secret;
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions & { whoAmI(): string }, reads };
}

describe('withStaticParameters', () => {
	it('reads a parameter without an expression once, and hands out item 0 value to every item', () => {
		const { ctx, reads } = context({ to: '+15555550123', options: { statusCallback: 'https://example.com/cb', validityPeriod: 600 } });
		const p = withStaticParameters(ctx);
		for (let i = 0; i < 5; i++) {
			expect(p.getNodeParameter('to', i, '')).toBe('"+15555550123"@0');
			expect(p.getNodeParameter('options', i, {})).toBe('{"statusCallback":"https://example.com/cb","validityPeriod":600}@0');
		}
		expect(reads).toEqual([
			['to', 0],
			['options', 0],
		]);
	});

	it('reads per item whatever holds an expression: a string, a collection with one inside, a resource locator, $fromAI', () => {
		const { ctx, reads } = context({
			body: '=Hello {{ $json.name }}',
			options: { statusCallback: 'https://example.com/cb', mediaUrls: '={{ $json.url }}' },
			from: { __rl: true, mode: 'list', value: '={{ $json.from }}' },
			to: "={{ $fromAI('To') }}",
		});
		const p = withStaticParameters(ctx);
		for (let i = 0; i < 3; i++) for (const name of ['body', 'options', 'from', 'to']) p.getNodeParameter(name, i);
		expect(reads).toHaveLength(12);
		expect(reads.filter(([n]) => n === 'body').map(([, i]) => i)).toEqual([0, 1, 2]);
	});

	it('a dotted path is judged by the value at that path', () => {
		const { ctx, reads } = context({ options: { maxConcurrency: 10, mediaUrls: '={{ $json.url }}' } });
		const p = withStaticParameters(ctx);
		p.getNodeParameter('options.maxConcurrency', 0);
		p.getNodeParameter('options.maxConcurrency', 1);
		p.getNodeParameter('options.mediaUrls', 0);
		p.getNodeParameter('options.mediaUrls', 1);
		expect(reads).toEqual([
			['options.maxConcurrency', 0],
			['options.mediaUrls', 0],
			['options.mediaUrls', 1],
		]);
	});

	it('a missing parameter is cached per fallback and options, so two call sites asking differently each get theirs', () => {
		const { ctx } = context({});
		const p = withStaticParameters(ctx);
		expect(p.getNodeParameter('sender', 0, 'number')).toBe('number');
		expect(p.getNodeParameter('sender', 1, 'service')).toBe('service');
		expect(p.getNodeParameter('sender', 2, 'number')).toBe('number');
	});

	it("every other method runs on n8n's own context", () => {
		const { ctx } = context({});
		const p = withStaticParameters(ctx) as typeof ctx;
		expect(p.whoAmI()).toBe('kept on the real context');
		expect(p.getNode().name).toBe('Send SMS');
	});
});
