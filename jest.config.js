// Unit specs live beside the code (src, *.spec.ts); e2e specs under test/ run against real services.
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '(src|test)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    // tsconfig's isolatedModules makes ts-jest transpile file by file; `npm run typecheck` (pretest) checks types.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // Every spec closes what it opens, but a Redis reconnect timer of a client whose server a fault test
  // stopped can outlive its close; a finished run must never hang CI on one.
  forceExit: true,
};
