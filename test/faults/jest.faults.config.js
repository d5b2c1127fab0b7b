// Crash and restart tests (`npm run test:faults`): real service processes, real PostgreSQL and Redis
// servers that the tests kill and restart. Files run one at a time: each one loads the machine on
// purpose, and their timing bounds mean nothing when they compete for the same two cores.
module.exports = {
  displayName: 'faults',
  rootDir: '../..',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  transform: {
    // Transpile only (tsconfig.json found at rootDir, isolatedModules on top): type checking the whole
    // AppModule graph in every file costs more than the tests themselves; `npm run typecheck` covers them.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
    '^.+/node_modules/(content-disposition)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  moduleNameMapper: { '^src/(.*)$': '<rootDir>/src/$1' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
