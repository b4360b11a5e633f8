// Mini-program test layers. The service has its own config (server/jest.config.js), run by `npm test` too.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }];
const layer = (name, environment) => ({
  displayName: name,
  testEnvironment: environment,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // MobX's development build, so strict-mode warnings (state changed outside an action) surface in tests.
  moduleNameMapper: {
    '^mobx-miniprogram$': '<rootDir>/node_modules/mobx-miniprogram/dist/mobx.cjs.development.js',
  },
  clearMocks: true,
});

module.exports = {
  projects: [
    layer('unit', 'node'),
    layer('component', 'jsdom'),
    layer('contract', 'jsdom'),
    layer('e2e', 'jsdom'), // miniprogram-simulate; devtools.test.ts asks for node itself
    layer('build', 'node'),
    layer('bench', 'jsdom'),
    // Every page laid out by headless Chromium (test/pictures): layout checks, and `npm run shots` saves the PNGs.
    // Fake clocks from the first import (stores keep Date.now), at the pictures' fixed time: same text every run.
    {
      ...layer('pictures', '<rootDir>/test/pictures/environment.js'),
      fakeTimers: { enableGlobally: true, now: Date.parse('2026-12-05T12:00:00.000Z') },
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/pictures/ts-jest.tsconfig.json' }] },
    },
    // The Alipay app (Alipay's typings: its own tsconfig) in a harness of Alipay's page model.
    {
      ...layer('alipay', 'node'),
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          {
            tsconfig: '<rootDir>/test/alipay/tsconfig.json',
            // The WeChat side of the mixed e2e is typed with WeChat's typings (tsc -p test/tsconfig.json checks it).
            diagnostics: {
              exclude: [
                '**/miniprogram/pages/**',
                '**/miniprogram/home/**',
                '**/miniprogram/components/**',
                '**/miniprogram/services/platform.ts',
                '**/miniprogram/services/api.ts',
                '**/miniprogram/services/rtc-engine.ts',
                '**/miniprogram/stores/index.ts',
                '**/miniprogram/utils/native-call.ts',
                '**/test/e2e/**',
                '**/test/helpers/page-harness.ts',
                '**/test/helpers/fake-wx.ts',
              ],
            },
          },
        ],
      },
    },
  ],
};
