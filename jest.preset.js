// Shared Jest configuration: ESM mode (run with `node --experimental-vm-modules`) and @swc/jest,
// with decorator metadata on so NestJS and class-validator work in tests.
//
// Suites named `*.compat.spec.ts` drive clients that npm does not bring (Debian's kcat,
// kafka-python, confluent-kafka-python). The default configuration leaves them out, so `npm test`
// passes on a machine with only Node; `compatSuites(config)` is the configuration that runs only
// them, for a package's `test:compat` target (`jest --config jest.compat.config.js`).
const SPEC_DIRS = ['<rootDir>/src/**/', '<rootDir>/test/**/'];
const COMPAT_SPEC = /\.compat\.spec\.ts$/.source;

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // A hang guard, not a speed check: tests that start processes (brokers, the CLI, the console) take
  // a second or two each on a quiet machine and several times that on a loaded one, past Jest's 5 s.
  testTimeout: 30_000,
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: SPEC_DIRS.map((dir) => `${dir}*.spec.ts`),
  testPathIgnorePatterns: ['/node_modules/', COMPAT_SPEC],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
};

/**
 * A package's Jest configuration narrowed to its `*.compat.spec.ts` suites.
 * @param {import('jest').Config} config
 * @returns {import('jest').Config}
 */
export function compatSuites(config) {
  return {
    ...config,
    displayName: `${config.displayName}:compat`,
    testMatch: SPEC_DIRS.map((dir) => `${dir}*.compat.spec.ts`),
    testPathIgnorePatterns: ['/node_modules/'],
  };
}
