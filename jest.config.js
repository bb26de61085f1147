/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Crash and restart suites kill real processes; they run after this, one at a time (jest.crash.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/crash/'],
  testTimeout: 60_000,
  // One Temporal dev server per end-to-end file; two cores, so two files at a time.
  maxWorkers: 2,
};
