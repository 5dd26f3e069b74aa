import { batchIdempotencyKey, deriveIdempotencyKey, type KeyScope } from '../../nodes/shared/resend/idempotency';

const scope: KeyScope = { workflowId: 'wf1', origin: 'start:1764528000000', nodeId: 'node-a', runIndex: 0, itemIndex: 3 };
const body = { from: 'a@example.com', to: ['b@example.com'], subject: 'Hi', text: 'x' };

describe('default Idempotency-Key', () => {
	it('is stable for the same item of the same run, so every retry reuses it', () => {
		expect(deriveIdempotencyKey(scope, body)).toBe(deriveIdempotencyKey({ ...scope }, { ...body }));
		expect(deriveIdempotencyKey(scope, body)).toMatch(/^n8n-[0-9a-f]{64}$/);
	});

	it.each<[string, Partial<KeyScope> | null, object | null]>([
		['another execution', { origin: 'start:1764528000001' }, null],
		['another workflow', { workflowId: 'wf2' }, null],
		['another node', { nodeId: 'node-b' }, null],
		['another loop iteration', { runIndex: 1 }, null],
		['another item', { itemIndex: 4 }, null],
		['another email', null, { ...body, subject: 'Hello' }],
	])('changes with %s', (_name, scopePatch, other) => {
		expect(deriveIdempotencyKey({ ...scope, ...scopePatch }, other ?? body)).not.toBe(deriveIdempotencyKey(scope, body));
	});

	it('fits Resend\'s 256-character limit, for batches too', () => {
		expect(deriveIdempotencyKey(scope, body).length).toBeLessThanOrEqual(256);
		const keys = ['n8n-a', 'n8n-b'];
		expect(batchIdempotencyKey(keys)).toBe(batchIdempotencyKey([...keys]));
		expect(batchIdempotencyKey(keys)).not.toBe(batchIdempotencyKey(['n8n-a', 'n8n-c']));
		expect(batchIdempotencyKey(keys).length).toBeLessThanOrEqual(256);
	});
});
