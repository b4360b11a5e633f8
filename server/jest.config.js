// The live service's tests: real HTTP on loopback, a real SQLite file in a temp dir.
/** Dependencies published as ES modules only (jest's CommonJS runtime cannot require them untransformed). */
const ESM_ONLY = ['content-disposition', 'kysely'];

module.exports = {
  displayName: 'server',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // ESM-only dependencies (content-disposition 3, under @fastify/static 10; kysely 0.29) compiled to CommonJS for jest's
    // require(): jest loads ES modules natively only on Node 24.9+ with --experimental-vm-modules, and Node 22 is
    // supported. Node itself requires them natively (require(esm)), so the service needs nothing of this.
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(.*/node_modules/)?(${ESM_ONLY.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 15000,
};
