/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/crash'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 180_000,
  // These suites kill and restart real processes (workers, the Temporal dev server) and wait out
  // heartbeat timeouts: one file at a time, so their timing is not squeezed by each other on two cores.
  maxWorkers: 1,
};
