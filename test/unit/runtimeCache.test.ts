/** The n8n cache keeps one install per committed runtime: a new lockfile's install replaces the old one. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeOutdated } from '../../scripts/n8n/provision';

function folder(cache: string, name: string, ready?: object): void {
	fs.mkdirSync(path.join(cache, name), { recursive: true });
	if (ready) fs.writeFileSync(path.join(cache, name, '.ready'), JSON.stringify(ready));
}

it("removes older installs of this runtime and dead staging folders, and keeps the current one, another runtime's and locked ones", () => {
	const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'comms-cache-'));
	try {
		folder(cache, 'n8n-000000000001', { manifest: 'n8n-runtime' });
		folder(cache, 'n8n-000000000002', {});
		folder(cache, 'n8n-000000000003.partial');
		folder(cache, 'n8n-000000000004', { manifest: 'n8n-runtime-1.x' });
		folder(cache, 'n8n-000000000005.partial');
		folder(cache, 'n8n-000000000005.lock');
		folder(cache, 'n8n-00000000000c', { manifest: 'n8n-runtime' });
		folder(cache, 'node-24.9.0');
		removeOutdated(cache, 'n8n-00000000000c', 'n8n-runtime', () => undefined);
		expect(fs.readdirSync(cache).sort()).toEqual(['n8n-000000000004', 'n8n-000000000005.lock', 'n8n-000000000005.partial', 'n8n-00000000000c', 'node-24.9.0']);
	} finally {
		fs.rmSync(cache, { recursive: true, force: true });
	}
});
