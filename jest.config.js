/** @type {import('jest').Config} */
// ts-jest only transpiles (isolatedModules): `npm test` type-checks the whole tree once with tsc first.
const project = (name, extra = {}) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	...extra,
});

module.exports = {
	projects: [project('unit'), project('sandbox'), project('engine'), project('contract')],
	// Engine and contract suites start servers; keep them from competing for the machine's two cores.
	maxWorkers: 2,
};
