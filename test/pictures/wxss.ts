/**
 * WXSS to CSS the way WeChat's renderer reads it, for the pictures: @import inlined, rpx at a 375 px phone
 * (1 rpx = 0.5 px), vh/vw of the page's own area below the navigation bar, built-in tags as WeChat's wx-* elements,
 * and a custom component's classes scoped to it (WeChat's default style isolation) with :host its own tag.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The phone the pictures show: an iPhone X class screen, WeChat's status and navigation bars on top. */
export const SCREEN = { width: 375, height: 812, scale: 2, statusBar: 44, navigationBar: 44 } as const;

/** Height of the page's own area (what 100vh means to a page under WeChat's navigation bar). */
export const PAGE_HEIGHT = SCREEN.height - SCREEN.statusBar - SCREEN.navigationBar;

/** Tags WeChat renders as wx-<tag> elements (a tag selector in WXSS means that element). */
const BUILT_IN_TAGS = [
  'page',
  'view',
  'text',
  'button',
  'input',
  'image',
  'scroll-view',
  'slider',
  'radio-group',
  'radio',
  'label',
  'picker',
  'live-pusher',
  'live-player',
  'video',
];

/** A custom component's style scope: its class prefix and its host element's tag. */
export interface StyleScope {
  prefix: string;
  host: string;
}

/** The class name as it is written into the DOM inside this scope (pages have none). */
export function scopedClass(name: string, scope: StyleScope | null): string {
  return scope ? `${scope.prefix}--${name}` : name;
}

/** Lengths in a declaration or an inline style: rpx, vh, vw to px. */
export function convertLengths(css: string): string {
  const px = (value: number) => `${Math.round(value * 1000) / 1000}px`;
  return css
    .replace(/(-?\d*\.?\d+)rpx/g, (_m, n: string) => px(Number(n) * (SCREEN.width / 750)))
    .replace(/(-?\d*\.?\d+)vh/g, (_m, n: string) => px((Number(n) * PAGE_HEIGHT) / 100))
    .replace(/(-?\d*\.?\d+)vw/g, (_m, n: string) => px((Number(n) * SCREEN.width) / 100));
}

const TAG_PATTERN = new RegExp(`(^|[\\s,>+~(])(${BUILT_IN_TAGS.join('|')})(?=$|[\\s,.:#\\[>+~)])`, 'g');

/** One selector list, rewritten: wx-* tags, :host, scoped classes. */
function convertSelector(selector: string, scope: StyleScope | null): string {
  let out = selector.trim().replace(TAG_PATTERN, (_m, before: string, tag: string) => `${before}wx-${tag}`);
  if (scope) {
    out = out
      .replace(/\.(-?[_a-zA-Z][\w-]*)/g, (_m, name: string) => `.${scopedClass(name, scope)}`)
      .replace(/:host/g, scope.host);
  }
  return out;
}

/** The file with every @import inlined (each file once, relative paths as WeChat resolves them). */
function inlineImports(file: string, seen: Set<string>): string {
  if (seen.has(file)) return '';
  seen.add(file);
  const source = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return source.replace(/@import\s+['"]([^'"]+)['"]\s*;/g, (_m, target: string) =>
    inlineImports(path.resolve(path.dirname(file), target), seen),
  );
}

/** Compiles one WXSS file (and its imports) to CSS for the pictures. */
export function compileWxss(file: string, scope: StyleScope | null = null): string {
  const source = inlineImports(file, new Set());
  const out: string[] = [];
  // Top-level rules only (WXSS here has no @media); an at-rule block passes through with its lengths converted.
  let rest = source;
  for (;;) {
    const open = rest.indexOf('{');
    if (open < 0) break;
    const head = rest.slice(0, open).trim();
    let depth = 1;
    let close = open + 1;
    while (close < rest.length && depth > 0) {
      if (rest[close] === '{') depth += 1;
      else if (rest[close] === '}') depth -= 1;
      close += 1;
    }
    const body = rest.slice(open + 1, close - 1);
    out.push(
      head.startsWith('@')
        ? `${head} {${convertLengths(body)}}`
        : `${convertSelector(head, scope)} {${convertLengths(body)}}`,
    );
    rest = rest.slice(close);
  }
  return out.join('\n');
}
