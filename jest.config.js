/** @type {import('jest').Config} */
// ts-jest only transpiles (isolatedModules): `npm test` type-checks the whole tree once with tsc first.
const project = (name, extra = {}) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	...extra,
});

// e2e: one real n8n (started once by globalSetup, ~15-40 s warm, minutes on a cold cache) shared by every file.
// The editor tests (test/browser) drive Chromium against that same n8n, so they belong to this project.
const e2e = project('e2e', {
	testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/support/n8n/timeouts.ts'],
	globalSetup: '<rootDir>/test/support/n8n/globalSetup.ts',
	globalTeardown: '<rootDir>/test/support/n8n/globalTeardown.ts',
});

// queue: n8n in queue mode (Redis, main, webhook process, two workers), started by its test file
// for as long as that file runs; it shares nothing with the e2e n8n.
const queue = project('queue', { setupFilesAfterEnv: ['<rootDir>/test/support/n8n/timeouts.ts'] });

// compat: the compatibility set against each pinned n8n (2.x and 1.x), and installs in the folder
// layouts the README gives (Docker). Each file starts its own n8n; globalSetup installs both runtimes
// first, so a cold install (minutes) is not charged to one test's timeout.
const compat = project('compat', {
	setupFilesAfterEnv: ['<rootDir>/test/support/n8n/timeouts.ts'],
	globalSetup: '<rootDir>/test/support/n8n/compatSetup.ts',
});

module.exports = {
	projects: [project('unit'), project('sandbox'), project('engine'), project('contract'), e2e, queue, compat],
	// Engine and contract suites start servers; keep them from competing for the machine's two cores.
	maxWorkers: 2,
};
