/**
 * Unit specs beside the code, e2e specs in test/. The project is ESM: ts-jest's useESM under
 * NODE_OPTIONS=--experimental-vm-modules, with `.js` stripped from relative imports.
 */
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }];

export default {
  testEnvironment: 'node',
  // Compiles the built-in rankers' worker thread into dist/ (workers load JavaScript, not ts-jest's modules).
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': tsJest,
    // @fastify/static (CommonJS, used by Swagger UI) require()s this ESM-only package; Node
    // allows that natively but Jest's module runtime on Node 20 does not, so compile it.
    '/node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
