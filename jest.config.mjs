/**
 * Unit specs beside the code, e2e specs in test/. The project is ESM: ts-jest's useESM under
 * NODE_OPTIONS=--experimental-vm-modules, with `.js` stripped from relative imports.
 */
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }];

const shared = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': tsJest,
    // @fastify/static (CommonJS, used by Swagger UI) require()s this ESM-only package; Node
    // allows that natively but Jest's module runtime on Node 20 does not, so compile it.
    '/node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'],
      // Compiles the built-in rankers' worker thread into dist/ (workers load JavaScript, not ts-jest's modules).
      globalSetup: '<rootDir>/test/support/builtin-worker.setup.mjs',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Runs only when an e2e file does: the worker compiled, one migrated database per run, copied by each file.
      globalSetup: '<rootDir>/test/support/e2e.setup.mjs',
      globalTeardown: '<rootDir>/test/support/database-templates.teardown.mjs',
    },
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
};
