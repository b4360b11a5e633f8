/**
 * What the pages need around the store:
 * - PageView: store bindings that exist only while the page is visible (no setData while hidden; re-created on
 *   show, which refreshes every field at once), plus page-local setData deferred the same way;
 * - forwardPageLifetimes: pageLifetimes show/hide that run the page's own onShow/onHide;
 * - createLiveViewPort: the store's LiveViewPort over the page's zego-pusher / zego-player, waiting for pending
 *   setData to render before start()/play() so the URL is on the component first.
 */
import { createStoreBindings } from 'mobx-miniprogram-bindings';
import type { LiveViewPort } from '../../stores/session-types';

/** What these helpers use of a page instance (the `this` of a Component-built page). */
export interface PageHost {
  setData(data: Record<string, unknown>, callback?: () => void): void;
  selectComponent(selector: string): unknown;
}

/** Store fields to bind: names, or data key -> store field name or a view-only selector of the store. */
export type BoundFields<S> =
  readonly (keyof S & string)[] | Record<string, (keyof S & string) | ((store: S) => unknown)>;

type StoreBindings = ReturnType<typeof createStoreBindings>;

/** Fields of `store` bound as they are, plus view-only selectors (data key -> function of the store). */
export function bindFields<S>(
  _store: S,
  names: readonly (keyof S & string)[],
  selectors: Record<string, (store: S) => unknown> = {},
): Record<string, (keyof S & string) | ((store: S) => unknown)> {
  const fields: Record<string, (keyof S & string) | ((store: S) => unknown)> = {};
  for (const name of names) fields[name] = name;
  return { ...fields, ...selectors };
}

/** Store bindings and page-local setData that stay silent while the page is hidden. */
export class PageView<S extends object = object> {
  private bindings: StoreBindings | null = null;
  private visible = true;
  private pending: Record<string, unknown> | null = null;
  private waiters: (() => void)[] = [];
  private destroyed = false;

  constructor(
    private readonly host: PageHost,
    private readonly store: S | null,
    private readonly fields: BoundFields<S>,
  ) {}

  /** Creates the bindings (lifetimes.attached); their first setData carries every field. */
  attach(): void {
    if (this.destroyed || this.bindings || !this.store) return;
    const fields: string[] | Record<string, unknown> = Array.isArray(this.fields)
      ? [...(this.fields as readonly string[])]
      : { ...this.fields };
    this.bindings = createStoreBindings(this.host, { store: this.store, fields, actions: [] });
  }

  /** pageLifetimes.show: re-binds (a full refresh), renders it now, applies deferred local data, wakes waiters. */
  show(): void {
    if (this.destroyed) return;
    this.visible = true;
    this.attach();
    this.flush();
    if (this.pending) {
      const data = this.pending;
      this.pending = null;
      this.host.setData(data);
    }
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  /** pageLifetimes.hide: renders what is already scheduled, then drops the bindings until show. */
  hide(): void {
    this.flush();
    this.bindings?.destroyStoreBindings();
    this.bindings = null;
    this.visible = false;
  }

  /** lifetimes.detached: drops everything for good. */
  destroy(): void {
    this.hide();
    this.destroyed = true;
    this.pending = null;
    this.waiters = [];
  }

  /** True between show and hide. */
  isVisible(): boolean {
    return this.visible && !this.destroyed;
  }

  /** Page-local setData (form text, which screen): applied now when visible, else on show. */
  set(data: Record<string, unknown>): void {
    if (this.destroyed) return;
    if (this.visible) this.host.setData(data);
    else this.pending = { ...(this.pending ?? {}), ...data };
  }

  /** Applies the bindings' scheduled setData now instead of on the next tick. */
  flush(): void {
    this.bindings?.updateStoreBindings();
  }

  /** Resolves when the page is visible (at once if it is). */
  whenVisible(): Promise<void> {
    if (this.isVisible()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once everything the store changed so far has rendered (never while hidden). */
  async rendered(): Promise<void> {
    // Let the store's current action end so its reactions have scheduled their setData.
    await Promise.resolve();
    await this.whenVisible();
    this.flush();
    await new Promise<void>((resolve) => this.host.setData({}, resolve));
  }
}

/** A page's own visibility handlers (methods of a Component-built page). */
interface ShowHideHost {
  onShow(): void;
  onHide(): void;
}

/**
 * `pageLifetimes` of a Component-built page: WeChat calls both these and the page's onShow/onHide, so these just
 * run the methods, which must be safe to run twice.
 */
export function forwardPageLifetimes() {
  return {
    show(this: ShowHideHost) {
      this.onShow();
    },
    hide(this: ShowHideHost) {
      this.onHide();
    },
  };
}

/** zego-pusher's methods (see components/zego-pusher). */
interface PusherMethods {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
}

/** zego-player's methods (see components/zego-player). */
interface PlayerMethods {
  play(): Promise<unknown>;
  stop(): Promise<unknown>;
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
}

/** The element id the pages give each zego-player (`id="player-{{item.streamID}}"`). */
export const playerElementID = (streamID: string): string => `player-${streamID}`;

/** The element id of the anchor's zego-pusher. */
export const PUSHER_ELEMENT_ID = 'pusher';

/** Fire-and-forget a component call: a failure to stop or pause is not worth an unhandled rejection. */
function quietly(result: Promise<unknown> | undefined): void {
  if (result && typeof result.catch === 'function') result.catch(() => undefined);
}

/** The store's LiveViewPort over a page's zego-pusher (#pusher) and zego-players (#player-<streamID>). */
export function createLiveViewPort<S extends object>(host: PageHost, view: PageView<S>): LiveViewPort {
  const pusher = () => host.selectComponent('#' + PUSHER_ELEMENT_ID) as PusherMethods | null;
  const player = (streamID: string) =>
    host.selectComponent('#' + playerElementID(streamID)) as PlayerMethods | null;
  return {
    async startPusher() {
      await view.rendered();
      const component = pusher();
      if (!component) throw new Error('zego-pusher is not on the page');
      await component.start();
    },
    stopPusher: () => quietly(pusher()?.stop()),
    pausePusher: () => quietly(pusher()?.pause()),
    resumePusher: () => quietly(pusher()?.resume()),
    async playPlayer(streamID) {
      await view.rendered();
      const component = player(streamID);
      if (!component) throw new Error(`zego-player for stream ${streamID} is not on the page`);
      await component.play();
    },
    stopPlayer: (streamID) => quietly(player(streamID)?.stop()),
    resumePlayer: (streamID) => quietly(player(streamID)?.resume()),
  };
}
