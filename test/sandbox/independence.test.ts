/**
 * The sandbox stands in for Twilio and Resend, so it must judge the nodes' requests with code of its
 * own. If it imported the nodes' signer or XML checker, a bug there would sign and verify alike, and
 * every test would still pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const FORBIDDEN = ['nodes', 'credentials'].map((dir) => path.join(ROOT, dir));

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return /\.(c|m)?(t|j)sx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
	});
}

/**
 * Module specifiers of one file that reach nodes/ or credentials/: static and type imports,
 * `export … from`, `require(...)`, `import x = require(...)` and dynamic `import(...)`. TypeScript's
 * own pre-processor lists them, so strings and comments that merely look like imports do not count.
 */
export function forbiddenImports(file: string, source: string): string[] {
	const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
	return specifiers.filter((spec) => {
		// A bare specifier resolves through node_modules, except for the package importing itself.
		if (!spec.startsWith('.') && !path.isAbsolute(spec)) return /^n8n-nodes-comms(\/|$)/.test(spec);
		const target = path.resolve(path.dirname(file), spec);
		return FORBIDDEN.some((dir) => target === dir || target.startsWith(dir + path.sep));
	});
}

describe('the sandbox is independent of the product', () => {
	const files = sourceFiles(path.join(ROOT, 'sandbox'));

	it('finds the sandbox sources', () => {
		expect(files.length).toBeGreaterThan(20);
		expect(files).toContain(path.join(ROOT, 'sandbox', 'webhooks.ts'));
	});

	it('no file under sandbox/ imports from nodes/ or credentials/', () => {
		const offenders = files.flatMap((file) =>
			forbiddenImports(file, readFileSync(file, 'utf8')).map((spec) => `${path.relative(ROOT, file)} → ${spec}`),
		);
		expect(offenders).toEqual([]);
	});

	// The scan above passes vacuously if the detector is blind; prove it sees every form.
	describe('the detector', () => {
		const file = path.join(ROOT, 'sandbox', 'twilio', 'example.ts');
		it.each([
			["import { sign } from '../../nodes/shared/twilio/signature';"],
			["import type { XmlElement } from '../../nodes/shared/validation/xml';"],
			["import '../../nodes/shared/twilio/twiml';"],
			["export { sign } from '../../nodes/shared/twilio/signature';"],
			["export * from '../../credentials/TwilioApi.credentials';"],
			["const s = require('../../nodes/shared/twilio/signature');"],
			["import s = require('../../nodes/shared/twilio/signature');"],
			["async function f() { return import('../../nodes/shared/validation/xml'); }"],
			["import x from '../../nodes';"],
			["import x from 'n8n-nodes-comms/dist/nodes/shared/twilio/signature';"],
		])('flags %s', (source) => {
			expect(forbiddenImports(file, source)).toHaveLength(1);
		});

		it.each([
			["import { DOMParser } from '@xmldom/xmldom';"],
			["import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';"],
			["import { readXml } from './xml';"],
			["import { x } from '../../sandbox/nodes';"],
			["const text = \"import x from '../../nodes/y'\"; // require('../../nodes/z')"],
		])('lets %s pass', (source) => {
			expect(forbiddenImports(file, source)).toEqual([]);
		});
	});
});
