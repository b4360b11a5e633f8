/**
 * What the anchor and audience pages share around the live session: the page's LiveRoom (its view, its entry,
 * whether it was left) with the lifetimes that create and drop it, the full-screen notice, the error panel's
 * actions and the share cards. Each page keeps what differs: how it reads its entry, enters and signs in.
 */
import { liveSession } from '../../stores/index';
import type { SessionError } from '../../stores/session-types';
import type { RoomEntry } from '../../utils/entry';
import { PageView, bindFields, createLiveViewPort, type BoundFields, type PageHost } from './view-port';
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

/** Which screen a live page shows. */
export type Screen = 'loading' | 'blocked' | 'room';

/** Runs a store action and ignores its result; a rejection is logged under `tag`, never left unhandled. */
export type Fire = (result: unknown) => void;

/** A Fire that logs rejections under `tag` (the store reports errors in `error`). */
export function fireAndForget(tag: string): Fire {
  return (result) => {
    if (result instanceof Promise) result.catch((error: unknown) => console.error(tag, error));
  };
}

/** Session fields a live page renders, plus `chat`: only the newest CHAT_VISIBLE lines. */
export function liveFields(names: readonly (keyof LiveSession & string)[]): BoundFields<LiveSession> {
  return bindFields(liveSession, names, { chat: (store) => store.chat.slice(-CHAT_VISIBLE) });
}

/** What a live page keeps outside `data` (nothing here is rendered). */
export class LiveRoom {
  /** Session bindings and page-local data, applied only while the page is visible. */
  readonly view: PageView<LiveSession>;
  /** The room the page was opened for; null until onLoad accepts the entry. */
  entry: RoomEntry | null = null;
  /** Set on onUnload (or detached): the page does nothing more. */
  unloaded = false;

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
    liveSession.pageShown();
  }

  /** Hidden: the store pauses the media, then the bindings go (no setData until show). */
  hide(): void {
    if (this.unloaded) return;
    liveSession.pageHidden();
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
    if (this.entry) {
      this.fire(liveSession.leave());
      liveSession.detachView();
    }
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

  /** Leaves the session and goes back to the room list. */
  leaveToRooms(): void {
    this.fire(liveSession.leave());
    wx.reLaunch({ url: '/pages/rooms/index' });
  }
}

const rooms = new WeakMap<object, LiveRoom>();

/** The LiveRoom of a live page (from `created` on). */
export function liveRoomOf(page: object): LiveRoom | undefined {
  return rooms.get(page);
}

/** `lifetimes` of a live page: its LiveRoom from creation; detaching leaves the room (as onUnload) and unbinds. */
export function liveRoomLifetimes(fields: BoundFields<LiveSession>, fire: Fire) {
  return {
    created(this: PageHost) {
      rooms.set(this, new LiveRoom(this, fields, fire));
    },
    attached(this: object) {
      rooms.get(this)?.view.attach();
    },
    detached(this: object) {
      const room = rooms.get(this);
      room?.unload();
      room?.view.destroy();
    },
  };
}

/** What the share cards read from a live page. */
interface SharedPage {
  data: { roomID: string; roomTitle: string };
}

/** The room a share points at: the bound one, else the one the page was opened for. */
const sharedRoomID = (page: SharedPage): string => page.data.roomID || rooms.get(page)?.entry?.roomID || '';

/** The share title: the room's title, else `untitled`. */
const shareTitle = (page: SharedPage, untitled: string): string =>
  page.data.roomTitle ? `${page.data.roomTitle} 正在直播` : untitled;

/** Shared card: viewers land on the audience page of this room. */
export function shareRoomCard(page: SharedPage, untitled: string) {
  return {
    title: shareTitle(page, untitled),
    path: `pages/audience/index?roomID=${encodeURIComponent(sharedRoomID(page))}`,
    imageUrl: SHARE_IMAGE,
  };
}

/** Moments: the same room. */
export function shareRoomTimeline(page: SharedPage, untitled: string) {
  return {
    title: shareTitle(page, untitled),
    query: `roomID=${encodeURIComponent(sharedRoomID(page))}`,
    imageUrl: SHARE_IMAGE,
  };
}
