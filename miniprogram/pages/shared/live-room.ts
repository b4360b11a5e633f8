/**
 * What every live page (anchor, audience, and a call page alike) shares around the live session: the page's
 * LiveRoom (its view, its entry, whether it was left) and liveRoomBehavior, the one Behavior that gives a live page
 * its lifetimes, visibility, the full-screen notice, the error panel's action, leaving and the share cards. Each
 * page keeps what differs: what it binds and renders, how it reads its entry, enters and signs in.
 */
import { liveSession } from '../stores/index';
import type { SessionError } from '../../stores/session-types';
import type { RoomEntry } from '../../utils/entry';
import { describeServiceError } from '../../utils/error-catalog';
import {
  PageView,
  bindFields,
  createLiveViewPort,
  type BoundFields,
  type PageHost,
} from '../../home/shared/view-port';
import { failedCard, loadingCard, loadMomentsCard, type MomentsCard } from './moments';
import { askToUpgradeWechat } from './wechat';

type LiveSession = typeof liveSession;

/** The picture on shared cards. */
const SHARE_IMAGE = '/images/share.png';

/** The chat area shows about eight lines; rendering only the newest few keeps each chat flush small. */
const CHAT_VISIBLE = 15;

/** What a full-screen notice offers. */
export type BlockedAction = 'rooms' | 'login' | 'retry';

/** A full-screen notice: the room cannot be opened or watched, and what to do about it. */
export interface Blocked {
  title: string;
  message: string;
  actionText: string;
  action: BlockedAction;
}

/**
 * The notice for a failed room lookup the page has no words of its own for: the error catalog's Chinese (never the
 * service's English message); `away` is the page's way out when trying again cannot help.
 */
export function lookupFailed(
  error: unknown,
  title: string,
  fallbackMessage: string,
  away: Pick<Blocked, 'actionText' | 'action'>,
): Blocked {
  const shown = describeServiceError(error, {
    fallback: { code: 'LOOKUP', message: fallbackMessage, action: 'retry' },
  });
  const next = shown.action === 'leave' ? away : { actionText: '重试', action: 'retry' as const };
  return { title, message: shown.message, ...next };
}

/** Which screen a live page shows ('moments': the room's card in Moments' single-page mode). */
export type Screen = 'loading' | 'blocked' | 'room' | 'moments';

/** Runs a store action and ignores its result; a rejection is logged under `tag`, never left unhandled. */
export type Fire = (result: unknown) => void;

/** A Fire that logs rejections under `tag` (the store reports errors in `error`). */
export function fireAndForget(tag: string): Fire {
  return (result) => {
    if (result instanceof Promise) result.catch((error: unknown) => console.error(tag, error));
  };
}

/**
 * Session fields a live page renders, plus `chat` (only the newest CHAT_VISIBLE lines), `announcement` (the pinned
 * text, '' for none), `admins` (the admins' user IDs as keys, for the 房管 badge) and the gifts' fields.
 */
export function liveFields(names: readonly (keyof LiveSession & string)[]): BoundFields<LiveSession> {
  return bindFields(liveSession, names, {
    chat: (store) => store.chat.slice(-CHAT_VISIBLE),
    announcement: (store) => store.social.notices.announcement?.text ?? '',
    admins: (store) => store.social.notices.admins,
    giftCatalogue: (store) => store.social.gifts.catalogue,
    points: (store) => store.social.gifts.points,
    giftPanelOpen: (store) => store.social.gifts.panelOpen,
    giftCombo: (store) => store.social.gifts.combo?.count ?? 0,
    giftBanners: (store) => store.social.gifts.banners,
    giftEffect: (store) => store.social.gifts.effect,
    leaderboard: (store) => store.social.gifts.leaderboard,
  });
}

/** What a live page keeps outside `data` (nothing here is rendered). */
export class LiveRoom {
  /** Session bindings and page-local data, applied only while the page is visible. */
  readonly view: PageView<LiveSession>;
  /** The room the page was opened for; null until onLoad accepts the entry. */
  entry: RoomEntry | null = null;
  /** Set on onUnload (or detached): the page does nothing more. */
  unloaded = false;
  /** Opened from Moments (single-page mode): only the room's card, no session, no sign-in, no navigation. */
  previewing = false;
  /** The room's title as the card read it (the share cards' title while previewing). */
  previewTitle = '';
  /** The page's own clock (a countdown), stopped with the page. */
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: PageHost,
    fields: BoundFields<LiveSession>,
    private readonly fire: Fire,
  ) {
    this.view = new PageView(host, liveSession, fields);
  }

  /** Visible again: bindings re-created (one full refresh), then the store resumes the media. */
  show(): void {
    if (this.unloaded) return;
    this.view.show();
    if (!this.previewing) liveSession.pageShown();
  }

  /** Hidden: the store pauses the media, then the bindings go (no setData until show). */
  hide(): void {
    if (this.unloaded) return;
    if (!this.previewing) liveSession.pageHidden();
    this.view.hide();
  }

  /** The entry is valid: the store renders into this page's pusher / players from now on. */
  open(entry: RoomEntry): void {
    this.entry = entry;
    liveSession.attachView(createLiveViewPort(this.host, this.view));
  }

  /** Leaving the page ends the session: streams stopped, logged out, native components removed. */
  unload(): void {
    if (this.unloaded) return;
    this.unloaded = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.entry && !this.previewing) {
      this.fire(liveSession.leave());
      liveSession.detachView();
    }
  }

  /** Runs `fn` once after `ms` (replacing the last one), unless the page goes first. */
  later(ms: number, fn: () => void): void {
    if (this.unloaded) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.unloaded) fn();
    }, ms);
  }

  /**
   * Moments' single-page mode: the room's card only (read without a session), and the way to the full mini-program.
   * No sign-in, no session, no engine, no navigation. `entry` null: the link had no usable room (`why` says so).
   */
  async preview(entry: RoomEntry | null, why = ''): Promise<void> {
    this.previewing = true;
    this.entry = entry;
    if (!entry) {
      this.view.set({ screen: 'moments', moments: failedCard('无法打开这个直播间', why, false) });
      return;
    }
    this.view.set({ screen: 'moments', moments: loadingCard() });
    const { card, room } = await loadMomentsCard(entry.roomID);
    if (this.unloaded) return;
    if (room) this.previewTitle = room.title;
    this.view.set({ moments: card });
  }

  /** Shows the loading or room screen (no notice). */
  setScreen(screen: Exclude<Screen, 'blocked'>): void {
    this.view.set({ screen, blocked: null });
  }

  /** Shows a full-screen notice instead of the room. */
  block(blocked: Blocked): void {
    this.view.set({ screen: 'blocked', blocked });
  }

  /** The error panel's button: what the store says the user can do (`doing`: 开播 / 观看, for the upgrade notice). */
  actOnError(error: SessionError | null, doing: string): void {
    const action = error?.action;
    if (action === 'retry') this.fire(liveSession.retry());
    else if (action === 'openSetting') this.fire(liveSession.openSetting());
    else if (action === 'upgradeWechat') askToUpgradeWechat(doing);
    else if (action === 'leave') this.leaveToRooms();
  }

  /** Signing in is needed: the notice, then the login page, which comes back with `query` (role, room, redirect). */
  sendToSignIn(query: string, message: string): void {
    this.block({ title: '请先登录', message, actionText: '去登录', action: 'login' });
    wx.redirectTo({ url: `/home/login/index${query}` });
  }

  /** Leaves the session and goes back to the room list. */
  leaveToRooms(): void {
    this.fire(liveSession.leave());
    wx.reLaunch({ url: '/home/rooms/index' });
  }
}

const rooms = new WeakMap<object, LiveRoom>();

/** The LiveRoom of a live page (from `created` on). */
export function liveRoomOf(page: object): LiveRoom | undefined {
  return rooms.get(page);
}

/** The share card of a live page. */
export interface LiveRoomShare {
  /** The card's title for the bound room title ('' when the room has none). */
  title(roomTitle: string): string;
  /** The page a chat card opens with `?roomID=` of this room: 'pages/audience/index' for a live room. */
  page: string;
  /** false: no "share to Moments" (a private room); by default Moments opens this page with `roomID=`. */
  timeline?: boolean;
}

/** What a live page tells the Behavior: what it binds, how it fires actions, what the user came to do, its card. */
export interface LiveRoomOptions {
  /** Session fields the page renders (`liveFields([...])`). */
  fields: BoundFields<LiveSession>;
  /** Runs the page's store actions (`fireAndForget('[page]')`). */
  fire: Fire;
  /** What the upgrade-WeChat notice says the user came to do: 开播, 观看, 通话. */
  doing: string;
  share: LiveRoomShare;
}

/** What a page using the Behavior implements itself: how it enters its room and signs in. */
export interface LiveRoomPage {
  /** Signs in if needed, reads the room and starts the session; the notice's retry runs it again. */
  enter(): Promise<void>;
  /** To the login page (and back here once signed in); the notice's login button runs it. */
  goSignIn(): void;
}

/** The usual share title: the room's title and 正在直播, else `untitled`. */
export const liveShareTitle =
  (untitled: string) =>
  (roomTitle: string): string =>
    roomTitle ? `${roomTitle} 正在直播` : untitled;

/**
 * The Behavior of a live page (`behaviors: [liveRoomBehavior({...})]`): its LiveRoom from `created`, bindings
 * attached and dropped with the page, visibility (pageLifetimes and onShow/onHide, both safe to run twice),
 * onUnload, the notice's button (onBlockedAction: retry -> enter, login -> goSignIn, else the room list), the error
 * panel's button (onErrorAction), onLeave and the share handlers, plus the `screen` and `blocked` data they render.
 * The page adds its data, onLoad (parse the entry, `liveRoomOf(this).open(entry)`, enter) and what is its own.
 */
export function liveRoomBehavior({ fields, fire, doing, share }: LiveRoomOptions) {
  const roomID = (page: SharedPage): string => page.data.roomID || rooms.get(page)?.entry?.roomID || '';
  const roomTitle = (page: SharedPage): string => page.data.roomTitle || rooms.get(page)?.previewTitle || '';
  const card = (page: SharedPage) => ({
    title: share.title(roomTitle(page)),
    path: `${share.page}?roomID=${encodeURIComponent(roomID(page))}`,
    imageUrl: SHARE_IMAGE,
  });
  // WeChat offers "share to Moments" on any page that has onShareTimeline, so a private room gets none.
  const timelineMethods: Record<never, never> =
    share.timeline === false
      ? {}
      : {
          /** Moments: this page of the same room. */
          onShareTimeline(this: SharedPage) {
            return {
              title: share.title(roomTitle(this)),
              query: `roomID=${encodeURIComponent(roomID(this))}`,
              imageUrl: SHARE_IMAGE,
            };
          },
        };
  return Behavior({
    data: {
      // Bound from the session once the page attaches; here so the first render has them.
      roomID: '',
      roomTitle: '',
      error: null as SessionError | null,
      // Page-only view state.
      screen: 'loading' as Screen,
      blocked: null as Blocked | null,
      /** The room's card in Moments' single-page mode. */
      moments: null as MomentsCard | null,
    },
    lifetimes: {
      created() {
        rooms.set(this, new LiveRoom(this, fields, fire));
      },
      attached() {
        rooms.get(this)?.view.attach();
      },
      /** Detaching leaves the room (as onUnload) and unbinds. */
      detached() {
        const room = rooms.get(this);
        room?.unload();
        room?.view.destroy();
      },
    },
    // WeChat calls both these and the page's onShow/onHide.
    pageLifetimes: {
      show() {
        this.onShow();
      },
      hide() {
        this.onHide();
      },
    },
    methods: {
      onShow() {
        rooms.get(this)?.show();
      },
      onHide() {
        rooms.get(this)?.hide();
      },
      onUnload() {
        rooms.get(this)?.unload();
      },
      /** The full-screen notice's button. */
      onBlockedAction() {
        const page = this as unknown as LiveRoomPage;
        const action = this.data.blocked?.action;
        if (action === 'retry') fire(page.enter());
        else if (action === 'login') page.goSignIn();
        else wx.reLaunch({ url: '/home/rooms/index' });
      },
      /** The Moments card's 重试: read the room again (still without a session). */
      onMomentsRetry() {
        const room = rooms.get(this);
        if (room?.previewing) fire(room.preview(room.entry));
      },
      /** The error panel's button: what the store says the user can do. */
      onErrorAction() {
        rooms.get(this)?.actOnError(this.data.error, doing);
      },
      onLeave() {
        rooms.get(this)?.leaveToRooms();
      },
      // Native component events -> store, which forwards them to the SDK under each component's own stream ID (a
      // player's detail carries its stream; its data-stream-id otherwise).
      onPusherStateChange(e: WechatMiniprogram.CustomEvent<{ code?: number; message?: string }>) {
        liveSession.onPusherStateChange({ detail: e.detail });
      },
      onPusherNetStatus(e: WechatMiniprogram.CustomEvent<{ info?: Record<string, unknown> }>) {
        liveSession.onPusherNetStatus({ detail: e.detail });
      },
      onPusherError(e: WechatMiniprogram.CustomEvent<{ errCode: number; errMsg: string }>) {
        liveSession.onPusherError(e.detail);
      },
      onPlayerStateChange(
        e: WechatMiniprogram.CustomEvent<{ code?: number; message?: string; streamID?: string }>,
      ) {
        const streamID = e.detail.streamID || String(e.currentTarget.dataset.streamId ?? '');
        liveSession.onPlayerStateChange(streamID, { detail: e.detail });
      },
      onPlayerNetStatus(
        e: WechatMiniprogram.CustomEvent<{ info?: Record<string, unknown>; streamID?: string }>,
      ) {
        const streamID = e.detail.streamID || String(e.currentTarget.dataset.streamId ?? '');
        liveSession.onPlayerNetStatus(streamID, { detail: e.detail });
      },

      /** Chat card: `share.page` of this room. */
      onShareAppMessage() {
        return card(this);
      },
      ...timelineMethods,
    },
  });
}

/** What the share cards read from a live page. */
interface SharedPage {
  data: { roomID: string; roomTitle: string };
}
