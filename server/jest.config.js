// The live service's tests: real HTTP on loopback, a real SQLite file in a temp dir.
/** Dependencies published as ES modules only (jest's CommonJS runtime cannot require them untransformed). */
const ESM_ONLY = ['content-disposition'];

module.exports = {
  displayName: 'server',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // kysely ships ES modules only: compiled to CommonJS by test/esm-to-cjs.js.
    '/node_modules/kysely/.+\\.js$': '<rootDir>/test/esm-to-cjs.js',
    // ESM-only dependencies (content-disposition 3, under @fastify/static 10) compiled to CommonJS for jest's
    // require(): jest loads ES modules natively only on Node 24.9+ with --experimental-vm-modules, and Node 22 is
    // supported. Node itself requires them natively (require(esm)), so the service needs nothing of this.
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(.*/node_modules/)?(kysely|${ESM_ONLY.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 15000,
};
