import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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

/** Starts the found browser headless, as the console tests run it (no sandbox, no GPU, no background traffic). */
export function launchHeadless(found: FoundBrowser): Promise<Browser> {
  return chromium.launch({
    executablePath: found.executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
