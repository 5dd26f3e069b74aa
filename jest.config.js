/** @type {import('jest').Config} */
const project = (name, extra = {}) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }] },
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	...extra,
});

module.exports = {
	projects: [project('unit'), project('sandbox'), project('engine'), project('contract')],
	// Engine and contract suites start servers; keep them from competing for the machine's two cores.
	maxWorkers: 2,
};
