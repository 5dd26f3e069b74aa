// n8n's lint rules for community nodes, in flat config:
// - eslint-plugin-n8n-nodes-base: the long-standing rules for nodes and credentials;
// - @n8n/eslint-plugin-community-nodes: n8n's current rules (what `n8n-node lint` runs), in its
//   configuration for packages that do not target n8n Cloud (recommendedWithoutN8nCloudSupport).
//   Pinned to 0.32.0, the newest on the registry: it was built against n8n-workflow 2.39, and no
//   release of the n8n 2.40 line has been published.
const n8n = require('eslint-plugin-n8n-nodes-base');
const { n8nCommunityNodesPlugin } = require('@n8n/eslint-plugin-community-nodes');
const tsParser = require('@typescript-eslint/parser');

const languageOptions = { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' };
const community = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

module.exports = [
	{ ignores: ['dist/**', 'dist-sandbox/**', 'node_modules/**'] },
	{
		files: ['credentials/**/*.ts'],
		languageOptions,
		plugins: { 'n8n-nodes-base': n8n, ...community.plugins },
		rules: {
			...n8n.configs.credentials.rules,
			...community.rules,
			// This rule wants n8n-internal slugs ("twilio"); a community package must link a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions,
		plugins: { 'n8n-nodes-base': n8n, ...community.plugins },
		rules: {
			...n8n.configs.nodes.rules,
			...community.rules,
			// These two want inputs/outputs written as ['main']; community-nodes/node-connection-type-literal
			// wants NodeConnectionTypes.Main, and their fixes undo each other. n8n-node lint turns them off too.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		// The community plugin's package.json rules; the file is parsed as a TypeScript expression, as n8n-node lint does.
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: community.plugins,
		rules: {
			...community.rules,
			// Broken on purpose: the nodes need the twilio and resend SDKs, zod, undici and fast-xml-parser at run
			// time. n8n verifies only packages without dependencies (and n8n Cloud installs only verified ones), so
			// this package is for self-hosted n8n, installed from the npm registry; that is also why the config is
			// recommendedWithoutN8nCloudSupport.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// Not filled in yet: the package has no published author or homepage. A warning, so that lint
			// keeps saying so until they are set before publishing.
			'@n8n/community-nodes/valid-author': 'warn',
		},
	},
];
