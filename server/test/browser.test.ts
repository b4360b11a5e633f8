// Where the console tests look for a browser: the order Playwright users expect, per platform.
import { findBrowser, type BrowserSearch } from './helpers/browser';

const search = (files: string[], overrides: Partial<BrowserSearch> = {}): BrowserSearch => ({
  env: {},
  platform: 'linux',
  exists: (file) => files.includes(file),
  playwrightPath: () => '/home/dev/.cache/ms-playwright/chromium-1200/chrome-linux/chrome',
  ...overrides,
});

const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
const PLAYWRIGHT = '/home/dev/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';

test('CHROMIUM_PATH first, and a wrong one is an error rather than another browser', () => {
  const files = ['/opt/my/chrome', PLAYWRIGHT, '/usr/bin/chromium'];
  expect(findBrowser(search(files, { env: { CHROMIUM_PATH: '/opt/my/chrome' } }))).toEqual({
    executablePath: '/opt/my/chrome',
    source: 'CHROMIUM_PATH',
  });
  expect(() => findBrowser(search(files, { env: { CHROMIUM_PATH: '/nope/chrome' } }))).toThrow(
    /CHROMIUM_PATH=\/nope\/chrome does not exist/,
  );
});

test("then Playwright's installed Chromium, then Google Chrome, then Debian's chromium", () => {
  expect(findBrowser(search([PLAYWRIGHT, '/usr/bin/google-chrome', '/usr/bin/chromium']))?.source).toBe(
    'Playwright',
  );
  expect(findBrowser(search(['/usr/bin/google-chrome', '/usr/bin/chromium']))?.executablePath).toBe(
    '/usr/bin/google-chrome',
  );
  expect(findBrowser(search(['/usr/bin/chromium']))?.executablePath).toBe('/usr/bin/chromium');
  expect(findBrowser(search([]))).toBeNull();
});

test('Google Chrome where its installers put it on a Mac and on Windows', () => {
  expect(findBrowser(search([MAC_CHROME], { platform: 'darwin' }))?.executablePath).toBe(MAC_CHROME);
  const windows = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
  expect(
    findBrowser(search([windows], { platform: 'win32', env: { PROGRAMFILES: 'C:\\Program Files' } }))
      ?.executablePath,
  ).toBe(windows);
});
