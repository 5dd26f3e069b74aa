// n8n's own lint rules for nodes and credentials (eslint-plugin-n8n-nodes-base), in flat config.
const n8n = require('eslint-plugin-n8n-nodes-base');
const tsParser = require('@typescript-eslint/parser');

const languageOptions = { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' };

module.exports = [
	{ ignores: ['dist/**', 'dist-sandbox/**', 'node_modules/**'] },
	{
		files: ['credentials/**/*.ts'],
		languageOptions,
		plugins: { 'n8n-nodes-base': n8n },
		rules: {
			...n8n.configs.credentials.rules,
			// This rule wants n8n-internal slugs ("twilio"); a community package must link a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions,
		plugins: { 'n8n-nodes-base': n8n },
		rules: n8n.configs.nodes.rules,
	},
];
