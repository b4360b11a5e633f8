/**
 * A small harness of Alipay's page model for the Alipay app's pages under jest (no Alipay IDE or simulator exists
 * offline): the global Page() registers a definition; an instance has `data`, `setData(data, callback)` (merged,
 * recorded, the callback after the "render"), the lifecycle (onLoad(query), onShow, onHide, onUnload) and top-level
 * handlers; events are dispatched by the names the page's AXML binds (`onTap="onHangUp"` on `id="hang-up"`), so a
 * handler the AXML names but the page lacks fails the test, as it would fail on a phone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ALIPAY_ROOT = path.resolve(__dirname, '../../alipay');

type Definition = Record<string, unknown> & { data?: Record<string, unknown> };
type Handler = (this: AlipayPage, ...args: unknown[]) => unknown;

let registered: Definition | null = null;

/** Installs the globals a page module calls when it is required. */
export function installPageGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  g.Page = (definition: Definition) => {
    registered = definition;
  };
  g.App = () => undefined;
}

/** One page instance. */
export class AlipayPage {
  data: Record<string, unknown>;
  readonly setDataCalls: Record<string, unknown>[] = [];
  private readonly axml: string;

  constructor(
    readonly route: string,
    private readonly definition: Definition,
  ) {
    this.data = JSON.parse(JSON.stringify(definition.data ?? {})) as Record<string, unknown>;
    this.axml = fs.readFileSync(path.join(ALIPAY_ROOT, `${route}.axml`), 'utf8');
    for (const [name, value] of Object.entries(definition)) {
      if (typeof value === 'function') (this as unknown as Record<string, unknown>)[name] = value.bind(this);
    }
  }

  /** Alipay's setData: merges top-level keys; the callback runs after the render (a macrotask later). */
  setData(data: Record<string, unknown>, callback?: () => void): void {
    this.setDataCalls.push(data);
    this.data = { ...this.data, ...data };
    if (callback) setTimeout(callback, 0);
  }

  /** Calls a lifecycle or handler by name. */
  call(name: string, ...args: unknown[]): unknown {
    const fn = this.definition[name];
    if (typeof fn !== 'function') throw new Error(`${this.route} has no ${name}()`);
    return (fn as Handler).apply(this, args);
  }

  /** The handler the AXML binds for `event` (onTap, onRtmpEvent ...) on the element with this id or tag. */
  boundHandler(selector: string, event: string): string {
    const tags = this.axml.match(/<[a-zA-Z][\w-]*\b[^>]*>/g) ?? [];
    const tag = selector.startsWith('#')
      ? tags.find((t) => new RegExp(`\\sid="${selector.slice(1)}"`).test(t))
      : tags.find((t) => t.startsWith(`<${selector}`));
    if (!tag) throw new Error(`${this.route}.axml has no ${selector}`);
    const m = new RegExp(`\\s${event}="([^"]+)"`).exec(tag);
    if (!m) throw new Error(`${selector} in ${this.route}.axml binds no ${event}`);
    return m[1];
  }

  /** Fires an AXML-bound event: the handler named in the AXML, with this detail. */
  fire(selector: string, event: string, detail: Record<string, unknown> = {}): unknown {
    return this.call(this.boundHandler(selector, event), { detail, type: event });
  }

  /** A tap on an element (onTap). */
  tap(selector: string): unknown {
    return this.fire(selector, 'onTap');
  }
}

/** Requires a page module (inside the current module registry) and makes an instance. */
export function loadPage(route: string): AlipayPage {
  registered = null;
  require(path.join(ALIPAY_ROOT, route));
  if (!registered) throw new Error(`${route} did not call Page()`);
  return new AlipayPage(route, registered);
}

/** Lets promises and 0 ms timers run (real timers). */
export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
