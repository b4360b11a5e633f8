import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** A browser the console tests can drive, and where it was found. */
export interface FoundBrowser {
  executablePath: string;
  source: string;
}

/** What the search may look at (tests pass their own). */
export interface BrowserSearch {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
  /** Playwright's own installed Chromium (`npx playwright install chromium`), if it would have one. */
  playwrightPath: () => string | null;
}

/** How to get a browser, for the skip message. */
export const HOW_TO_GET_A_BROWSER =
  'set CHROMIUM_PATH to a Chrome or Chromium executable, or install Google Chrome, or run ' +
  '`npx playwright install chromium`, or on Debian/Ubuntu `apt-get install -y chromium`';

/** Google Chrome where its installers put it, for this platform. */
function chromePaths(platform: NodeJS.Platform, env: BrowserSearch['env']): string[] {
  if (platform === 'darwin') {
    return ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  if (platform === 'win32') {
    return [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA]
      .filter((dir): dir is string => Boolean(dir))
      .map((dir) => path.win32.join(dir, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  return ['/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/chrome'];
}

/**
 * The browser for the console tests, looked for as Playwright users expect: CHROMIUM_PATH, then Playwright's own
 * installed Chromium, then an installed Google Chrome, then Debian's chromium. Null when there is none.
 */
export function findBrowser(search: BrowserSearch = defaultSearch()): FoundBrowser | null {
  const { env, platform, exists } = search;
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    // An explicit choice that is wrong is an error, not a silent fallback to another browser.
    if (!exists(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    return { executablePath: explicit, source: 'CHROMIUM_PATH' };
  }
  const playwright = search.playwrightPath();
  if (playwright && exists(playwright)) return { executablePath: playwright, source: 'Playwright' };
  for (const chrome of chromePaths(platform, env)) {
    if (exists(chrome)) return { executablePath: chrome, source: 'Google Chrome' };
  }
  for (const debian of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (exists(debian)) return { executablePath: debian, source: 'chromium package' };
  }
  return null;
}

function defaultSearch(): BrowserSearch {
  return {
    env: process.env,
    platform: process.platform,
    exists: existsSync,
    playwrightPath: () => {
      try {
        return chromium.executablePath() || null;
      } catch {
        return null; // playwright-core throws when it knows no browser for this platform
      }
    },
  };
}

/** Headless and quiet: no background traffic (refused on these machines, many at a time), no first-run screens. */
export const QUIET_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Starts the found browser headless, quiet (no background traffic, no first-run screens). */
export function launchBrowser(found: FoundBrowser): Promise<Browser> {
  return chromium.launch({ executablePath: found.executablePath, args: QUIET_CHROMIUM_ARGS });
}

/** Makes the page believe its tab is hidden (or shown again), as the console's polling sees it. */
export function setTabHidden(page: Page, hidden: boolean): Promise<unknown> {
  return page.evaluate(
    `Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${hidden} });` +
      `document.dispatchEvent(new Event('visibilitychange'))`,
  );
}

/**
 * The browser a console suite needs (an error saying how to get one when there is none), once the console is built
 * into server/public exactly as `npm run build` does (the service serves it from there).
 */
export function prepareConsoleSuite(found: FoundBrowser | null): FoundBrowser {
  if (!found) throw new Error(`No browser for the console tests: ${HOW_TO_GET_A_BROWSER} (.ci/run does)`);
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'console', 'build.mjs')], {
    stdio: 'inherit',
  });
  return found;
}

/** Waits until the element's text matches, then asserts it (so a failure shows the text it had). */
export async function expectText(
  page: Page,
  selector: string,
  pattern: RegExp,
  timeout = 10_000,
): Promise<void> {
  const locator = page.locator(selector);
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.count()) > 0 ? await locator.innerText() : '';
    if (pattern.test(text)) break;
    await page.waitForTimeout(100);
  }
  expect(text).toMatch(pattern);
}

/** The README's picture of the console (docs/screens/console.png), taken only under `npm run shots` (SHOTS=1). */
export async function saveConsoleShot(page: Page): Promise<void> {
  if (process.env.SHOTS !== '1') return;
  const file = path.join(__dirname, '..', '..', '..', 'docs', 'screens', 'console.png');
  await page.evaluate('window.scrollTo(0, 0)');
  writeFileSync(file, await page.screenshot({ type: 'png' }));
}
