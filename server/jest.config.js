// The live service's tests: real HTTP on loopback, a real SQLite file in a temp dir.
module.exports = {
  displayName: 'server',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    '/node_modules/kysely/.+\\.js$': '<rootDir>/test/esm-to-cjs.js',
  },
  // kysely ships ES modules only (test/esm-to-cjs.js); every other package is CommonJS and left alone.
  transformIgnorePatterns: ['/node_modules/(?!kysely/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 15000,
};
