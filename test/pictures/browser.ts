/**
 * One headless Chromium for all the pictures (launched once, one tab reused): lays out a page document at
 * 375 x 812 (device scale 2), scrolls each scroll-view to its scroll-into-view target as WeChat does, runs the
 * layout checks, and takes the PNG when asked.
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { QUIET_CHROMIUM_ARGS } from '../../server/test/helpers/browser';
import { SCREEN } from './wxss';

/** Where the browser is (CHROMIUM_PATH, else Debian's chromium). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const INSTALL = 'apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji';

/** The fonts a picture needs (Chinese and emoji; without them Chromium draws boxes), by fontconfig's list. */
function fontsMissing(): string[] {
  let installed = '';
  try {
    installed = execFileSync('fc-list', { encoding: 'utf8' });
  } catch {
    // no fontconfig: no fonts either
  }
  return ['Noto Sans CJK', 'Noto Color Emoji'].filter((font) => !installed.includes(font));
}

/** Why the pictures cannot run here, or null when they can. */
export function browserMissing(): string | null {
  if (!existsSync(CHROMIUM_PATH)) return `no browser at ${CHROMIUM_PATH} (${INSTALL}, or set CHROMIUM_PATH)`;
  const fonts = fontsMissing();
  return fonts.length ? `no ${fonts.join(' or ')} font (${INSTALL})` : null;
}

/** Words a user may read in English: units and the brand. */
// OBS is the broadcasting program's name; rtmp the scheme of the push address the anchor copies into it.
export const ALLOWED_WORDS = ['kbps', 'fps', 'ZEGO', 'OBS', 'rtmp'];

const CHECKS = readFileSync(path.join(__dirname, 'checks.browser.js'), 'utf8');

/** Scrolls each scroll-view so its scroll-into-view child is in sight (WeChat does it on render). */
const SCROLL_INTO_VIEW = `
  for (const view of document.querySelectorAll('wx-scroll-view[scroll-into-view]')) {
    const target = document.getElementById(view.getAttribute('scroll-into-view'));
    if (target) view.scrollTop = target.offsetTop + target.offsetHeight - view.clientHeight;
  }`;

/** What one laid-out page gave. */
export interface Rendered {
  defects: string[];
  png?: Buffer;
}

/** The browser and its one tab. */
export class PictureBrowser {
  private constructor(
    private readonly browser: Browser,
    private readonly tab: Page,
  ) {}

  /** Launches Chromium headless and quiet (no network: every picture is self-contained). */
  static async launch(): Promise<PictureBrowser> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...QUIET_CHROMIUM_ARGS, '--font-render-hinting=none'],
    });
    const tab = await browser.newPage({
      viewport: { width: SCREEN.width, height: SCREEN.height },
      deviceScaleFactor: SCREEN.scale,
    });
    return new PictureBrowser(browser, tab);
  }

  /** Lays the document out; returns its defects and, with `png`, its picture. */
  async render(html: string, options: { png: boolean; chatLineSelector: string }): Promise<Rendered> {
    await this.tab.setContent(html, { waitUntil: 'load' });
    await this.tab.evaluate('document.fonts.ready');
    await this.tab.evaluate(SCROLL_INTO_VIEW);
    const checkOptions = JSON.stringify({
      allowedWords: ALLOWED_WORDS,
      chatLineSelector: options.chatLineSelector,
    });
    const defects = (await this.tab.evaluate(`${CHECKS}\nrunLayoutChecks(${checkOptions})`)) as string[];
    const png = options.png ? await this.tab.screenshot({ type: 'png' }) : undefined;
    return { defects, png };
  }

  /** Closes the browser. */
  close(): Promise<void> {
    return this.browser.close();
  }
}
