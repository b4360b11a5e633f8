/**
 * E2EDriver on WeChat DevTools through miniprogram-automator: launch({cliPath, projectPath}) with
 * WECHAT_DEVTOOLS_CLI, or connect({wsEndpoint}) with WECHAT_DEVTOOLS_WS. WECHAT_E2E_REMOTE=1 runs on a phone
 * (DevTools' remote debugging) where the camera and live video are real; otherwise DevTools' simulator, which cannot
 * push or play, and the journeys check that the app says so.
 */
import * as path from 'node:path';
import automator from 'miniprogram-automator';
import type { E2EDriver, MediaSupport } from './driver';
import { poll } from './driver';
import type { LiveService } from './live-service';

type MiniProgram = Awaited<ReturnType<typeof automator.launch>>;
type Page = NonNullable<Awaited<ReturnType<MiniProgram['currentPage']>>>;
type Element = NonNullable<Awaited<ReturnType<Page['$']>>>;

/** The project DevTools opens (the repository root: project.config.json points at miniprogram/). */
export const PROJECT_PATH = path.resolve(__dirname, '../..');

/** How this machine reaches DevTools, or null when it cannot (then the DevTools journeys are skipped). */
export function devToolsTarget(): { cliPath?: string; wsEndpoint?: string } | null {
  const wsEndpoint = process.env.WECHAT_DEVTOOLS_WS;
  const cliPath = process.env.WECHAT_DEVTOOLS_CLI;
  if (wsEndpoint) return { wsEndpoint };
  if (cliPath) return { cliPath };
  return null;
}

export class DevToolsDriver implements E2EDriver {
  readonly name = 'devtools';

  private constructor(
    private readonly miniProgram: MiniProgram,
    readonly service: LiveService,
    readonly media: MediaSupport,
    private readonly launched: boolean,
  ) {}

  /** Launches or connects to DevTools; the ending modal is answered "confirm" (automator cannot tap native modals). */
  static async start(service: LiveService): Promise<DevToolsDriver> {
    const target = devToolsTarget();
    if (!target) throw new Error('set WECHAT_DEVTOOLS_CLI or WECHAT_DEVTOOLS_WS');
    const miniProgram = target.wsEndpoint
      ? await automator.connect({ wsEndpoint: target.wsEndpoint })
      : await automator.launch({
          cliPath: target.cliPath,
          projectPath: PROJECT_PATH,
          trustProject: true,
          timeout: 60_000,
        });
    const remote = process.env.WECHAT_E2E_REMOTE === '1';
    if (remote) await miniProgram.remote(true);
    await miniProgram.mockWxMethod('showModal', { confirm: true, cancel: false, errMsg: 'showModal:ok' });
    return new DevToolsDriver(miniProgram, service, remote ? 'device' : 'none', !target.wsEndpoint);
  }

  private async page(): Promise<Page> {
    const page = await this.miniProgram.currentPage();
    if (!page) throw new Error('DevTools reports no current page');
    return page;
  }

  private async element(selector: string): Promise<Element> {
    const element = await (await this.page()).$(selector);
    if (!element) throw new Error(`${selector} is not on ${await this.currentPath()}`);
    return element;
  }

  async openPage(pagePath: string): Promise<void> {
    await this.miniProgram.reLaunch(`/${pagePath.replace(/^\//, '')}`);
  }

  async currentPath(): Promise<string> {
    const page = await this.miniProgram.currentPage();
    return page ? page.path.replace(/^\//, '') : '';
  }

  async currentQuery(name: string): Promise<string> {
    const page = await this.miniProgram.currentPage();
    const value = (page?.query as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? decodeURIComponent(value) : '';
  }

  async tap(selector: string): Promise<void> {
    await (await this.element(selector)).tap();
  }

  async input(selector: string, text: string): Promise<void> {
    const element = (await this.element(selector)) as Element & { input?: (value: string) => Promise<void> };
    if (typeof element.input === 'function') await element.input(text);
    else await element.trigger('input', { value: text, cursor: text.length });
  }

  async text(selector?: string): Promise<string> {
    const page = await this.page();
    // The whole page: the root tag, else the pages' root views (.room on the live pages, .login).
    for (const candidate of selector ? [selector] : ['page', '.room', '.login', 'view']) {
      const element = await page.$(candidate);
      if (element) return (await element.text()).replace(/\s+/g, ' ').trim();
    }
    return '';
  }

  async exists(selector: string): Promise<boolean> {
    return (await (await this.page()).$(selector)) !== null;
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    await poll(
      check,
      async () => `${await this.currentPath()}: ${await this.text()}`,
      what,
      timeoutMs,
      (ms) => new Promise((resolve) => setTimeout(resolve, ms * 4)),
    );
  }

  async reset(): Promise<void> {
    await this.miniProgram.callWxMethod('clearStorageSync');
    await this.openPage('home/login/index');
  }

  /** Disconnects, and closes DevTools' project window when this driver launched it. */
  async close(): Promise<void> {
    if (this.launched) await this.miniProgram.close();
    else this.miniProgram.disconnect();
  }
}
