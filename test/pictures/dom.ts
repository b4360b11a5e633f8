/**
 * A page as WeChat's renderer would hold it, for the pictures: simulate's JSON tree (what the page rendered, our
 * custom components' insides included) written as HTML of wx-* elements, with the page's WXSS, app.wxss and each
 * component's own (scoped) WXSS, WeChat's built-in component styles, its navigation bar, and the modal or toast
 * the harness recorded. Native video is a labelled box.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MINIPROGRAM_ROOT } from '../helpers/page-harness';
import { compileWxss, convertLengths, SCREEN, scopedClass, type StyleScope } from './wxss';

/** A node of simulate's toJSON() tree. */
export interface JsonNode {
  tagName: string;
  attrs: { name: string; value: unknown }[];
  event?: Record<string, unknown>;
  children: (JsonNode | string)[];
}

/** What WeChat draws over the page: a modal (showModal) or a toast (showToast), as the harness recorded it. */
export type Overlay =
  | {
      kind: 'modal';
      title?: string;
      content?: string;
      showCancel?: boolean;
      cancelText?: string;
      confirmText?: string;
    }
  | { kind: 'toast'; title: string; icon?: string };

const COMPONENTS_DIR = path.join(MINIPROGRAM_ROOT, 'components');

/** Our custom components by the built-in tag their template starts with (a nested `main` in the JSON is one). */
const componentsByRootTag: Map<string, string> = new Map(
  fs.readdirSync(COMPONENTS_DIR).map((name) => {
    const wxml = fs
      .readFileSync(path.join(COMPONENTS_DIR, name, 'index.wxml'), 'utf8')
      .replace(/<!--[\s\S]*?-->/g, '');
    const tag = /<([a-z-]+)/.exec(wxml)?.[1] ?? '';
    return [`wx-${tag}`, name];
  }),
);

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Events that make an element something a finger taps (a long press on a chat line is a shortcut, not a target). */
const TAP_EVENTS = ['tap', 'chooseavatar'];

/** The attributes of one element as HTML (class scoped, booleans as presence, tap handlers marked). */
function attributes(node: JsonNode, scope: StyleScope | null): string {
  const out: string[] = [];
  const nativeVideo =
    node.tagName === 'wx-live-pusher' || node.tagName === 'wx-live-player' || node.tagName === 'wx-video';
  for (const { name, value } of node.attrs) {
    if (value === false || value === null || value === undefined || value === '') continue;
    // A stream's URL is invisible and counts up per visit: left out, so a picture's HTML does not depend on order.
    if (nativeVideo && (name === 'src' || name === 'url')) continue;
    if (typeof value === 'object') continue;
    if (name === 'class') {
      const classes = String(value).split(/\s+/).filter(Boolean);
      out.push(`class="${escapeHtml(classes.map((c) => scopedClass(c, scope)).join(' '))}"`);
    } else if (name === 'style') {
      out.push(`style="${escapeHtml(convertLengths(String(value)))}"`);
    } else {
      out.push(value === true ? kebab(name) : `${kebab(name)}="${escapeHtml(String(value))}"`);
    }
  }
  const events = Object.keys(node.event ?? {});
  if (events.some((e) => TAP_EVENTS.includes(e))) out.push('data-shot-tap');
  return out.length ? ` ${out.join(' ')}` : '';
}

const attr = (node: JsonNode, name: string): unknown => node.attrs.find((a) => a.name === name)?.value;

/** What WeChat draws inside a built-in component that the JSON does not hold (value, placeholder, track, video). */
function builtInInsides(node: JsonNode, scope: StyleScope | null): string {
  switch (node.tagName) {
    case 'wx-input': {
      const value = attr(node, 'value');
      if (value !== undefined && value !== null && String(value) !== '') {
        return `<span class="wx-input-value">${escapeHtml(String(value))}</span>`;
      }
      const placeholder = String(attr(node, 'placeholder') ?? '');
      const extra = String(attr(node, 'placeholderClass') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((c) => scopedClass(c, scope));
      return `<span class="${['wx-input-placeholder', ...extra].join(' ')}">${escapeHtml(placeholder)}</span>`;
    }
    case 'wx-slider': {
      const min = Number(attr(node, 'min') ?? 0);
      const max = Number(attr(node, 'max') ?? 100);
      const value = Number(attr(node, 'value') ?? 0);
      const at = max > min ? ((value - min) / (max - min)) * 100 : 0;
      return `<div class="wx-slider-track"><div class="wx-slider-handle" style="left:${at}%"></div></div>`;
    }
    case 'wx-radio': {
      const color = attr(node, 'color');
      const style = color ? ` style="--radio-color:${escapeHtml(String(color))}"` : '';
      return `<span class="wx-radio-input"${attr(node, 'checked') ? ' data-checked' : ''}${style}></span>`;
    }
    case 'wx-live-pusher':
      return '<span class="shot-native-label" data-shot-native>摄像头画面（live-pusher）</span>';
    case 'wx-live-player':
      return '<span class="shot-native-label" data-shot-native>直播画面（live-player）</span>';
    case 'wx-video':
      // WeChat's own controls (play button, progress, full screen) are drawn over the video by the client.
      return (
        '<span class="shot-native-label" data-shot-native>回放画面（video，自带播放/进度控件）</span>' +
        '<span class="shot-video-controls" data-shot-native></span>'
      );
    default:
      return '';
  }
}

/** HTML of one node and its subtree; collects the scopes of the custom components met. */
function toHtml(node: JsonNode | string, scope: StyleScope | null, scopes: Map<string, StyleScope>): string {
  if (typeof node === 'string') return escapeHtml(node);
  let tag = node.tagName;
  let inner = scope;
  if (tag === 'main') {
    // A custom component's host: page-scoped attributes outside, its own scope inside.
    const first = node.children.find((c): c is JsonNode => typeof c !== 'string');
    const name = first ? componentsByRootTag.get(first.tagName) : undefined;
    if (!name) throw new Error(`a custom component the pictures do not know (starts with ${first?.tagName})`);
    tag = name;
    inner = { prefix: name, host: name };
    scopes.set(name, inner);
  }
  const children = node.children.map((child) => toHtml(child, inner, scopes)).join('');
  return `<${tag}${attributes(node, scope)}>${builtInInsides(node, scope)}${children}</${tag}>`;
}

/** WeChat's status bar and navigation bar with the page's title (its JSON, else app.json's window). */
function navigationBar(pageFile: string): string {
  const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as {
    window: Record<string, string>;
  };
  const own = JSON.parse(fs.readFileSync(`${pageFile}.json`, 'utf8')) as Record<string, string>;
  const window = { ...app.window, ...own };
  const color = window.navigationBarTextStyle === 'white' ? '#ffffff' : '#000000';
  return (
    `<div class="shot-bars" style="background:${window.navigationBarBackgroundColor};color:${color}">` +
    `<div class="shot-status"><span>9:41</span><span>●●●● 100%</span></div>` +
    `<div class="shot-nav"><span class="shot-back">‹</span>` +
    `<span class="shot-title">${escapeHtml(window.navigationBarTitleText ?? '')}</span>` +
    `<span class="shot-capsule"><i>•••</i><i>◉</i></span></div></div>`
  );
}

/** WeChat's modal (white card, title, content, 取消 | 确定) or toast (dark card in the middle). */
function overlayHtml(overlay: Overlay | null): string {
  if (!overlay) return '';
  if (overlay.kind === 'toast') {
    const icon = overlay.icon === 'none' ? '' : '<div class="shot-toast-icon">✓</div>';
    const cls = overlay.icon === 'none' ? 'shot-toast shot-toast-text' : 'shot-toast';
    return `<div class="${cls}" data-shot-overlay>${icon}<div>${escapeHtml(overlay.title)}</div></div>`;
  }
  const cancel =
    overlay.showCancel === false
      ? ''
      : `<div class="shot-modal-button shot-modal-cancel">${escapeHtml(overlay.cancelText ?? '取消')}</div>`;
  return (
    '<div class="shot-mask" data-shot-overlay><div class="shot-modal">' +
    (overlay.title ? `<div class="shot-modal-title">${escapeHtml(overlay.title)}</div>` : '') +
    (overlay.content ? `<div class="shot-modal-content">${escapeHtml(overlay.content)}</div>` : '') +
    `<div class="shot-modal-buttons">${cancel}` +
    `<div class="shot-modal-button shot-modal-confirm">${escapeHtml(overlay.confirmText ?? '确定')}</div>` +
    '</div></div></div>'
  );
}

const readCss = (name: string) => fs.readFileSync(path.join(__dirname, name), 'utf8');

/** The whole picture's HTML: WeChat's chrome and defaults, app.wxss, the page's and its components' styles. */
export function pageDocument(pagePath: string, tree: JsonNode, overlay: Overlay | null): string {
  const pageFile = path.join(MINIPROGRAM_ROOT, pagePath);
  const scopes = new Map<string, StyleScope>();
  const body = tree.children.map((child) => toHtml(child, null, scopes)).join('');
  const styles = [
    readCss('wechat-defaults.css'),
    readCss('wechat-chrome.css'),
    compileWxss(path.join(MINIPROGRAM_ROOT, 'app.wxss')),
    compileWxss(`${pageFile}.wxss`),
    ...[...scopes.values()].map((scope) =>
      compileWxss(path.join(COMPONENTS_DIR, scope.host, 'index.wxss'), scope),
    ),
  ];
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    `<style>${styles.join('\n')}</style></head><body>` +
    `${navigationBar(pageFile)}<wx-page>${body}</wx-page>${overlayHtml(overlay)}</body></html>`
  );
}

export { SCREEN };
