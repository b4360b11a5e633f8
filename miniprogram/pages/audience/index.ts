/**
 * A viewer's room: opened from a shared card or link (`roomID`, or `q` for a scanned watch link).
 * Looks the room up, joins as audience; the store plays the anchor's stream as soon as it appears.
 * Shows play state and quality, "主播暂时离开" when the stream goes away, chat, likes and the online count.
 */
import { ApiError, api } from '../../services/api';
import { liveSession, userStore } from '../../stores/index';
import type {
  ChatLine,
  PlayerView,
  QualityView,
  SessionError,
  SessionPhase,
} from '../../stores/session-types';
import { parseAudienceEntry, type EntryQuery, type RoomEntry } from '../../utils/entry';
import { PageView, bindFields, createLiveViewPort } from '../../utils/view-port';
import { askToUpgradeWechat } from '../shared/wechat';

/** The picture on shared cards. */
const SHARE_IMAGE = '/images/share.png';

/** What a full-screen notice offers. */
type BlockedAction = 'rooms' | 'login' | 'retry';

/** A full-screen notice: the room cannot be watched, and what to do about it. */
interface Blocked {
  title: string;
  message: string;
  actionText: string;
  action: BlockedAction;
}

/** The chat area shows about eight lines; rendering only the newest few keeps each chat flush small. */
const CHAT_VISIBLE = 15;

/** Store fields this page renders (chat: only the newest CHAT_VISIBLE lines). */
const FIELDS = bindFields(
  liveSession,
  [
    'phase',
    'roomID',
    'roomTitle',
    'players',
    'error',
    'notice',
    'statusText',
    'anchorOffline',
    'errorActionText',
    'playQuality',
    'onlineCount',
    'likes',
  ],
  { chat: (store) => store.chat.slice(-CHAT_VISIBLE) },
);

interface PageState {
  view: PageView<typeof liveSession>;
  entry: RoomEntry | null;
  unloaded: boolean;
}

const pages = new WeakMap<object, PageState>();

/** Runs a store action without letting a rejection go unhandled (the store reports errors in `error`). */
function fire(result: unknown): void {
  if (result instanceof Promise) result.catch((error: unknown) => console.error('[audience]', error));
}

const TO_ROOMS = { actionText: '去看看其他直播', action: 'rooms' as const };

/** The screen for a room that cannot be watched. */
function blockedFor(error: unknown): Blocked {
  if (error instanceof ApiError) {
    if (error.status === 404 || error.code === 'NOT_FOUND') {
      return { title: '房间不存在', message: '找不到这个直播间，可能链接有误或房间已被删除', ...TO_ROOMS };
    }
    if (error.code === 'ROOM_ENDED') return ended();
    if (error.status === 0)
      return { title: '网络不可用', message: error.message, actionText: '重试', action: 'retry' };
  }
  return {
    title: '加载失败',
    message: '直播间信息加载失败，请稍后重试',
    actionText: '重试',
    action: 'retry',
  };
}

function ended(): Blocked {
  return { title: '直播已结束', message: '这场直播已经结束了，去看看其他正在直播的房间吧', ...TO_ROOMS };
}

Component({
  data: {
    // Bound from the live session (see FIELDS).
    phase: 'idle' as SessionPhase,
    roomID: '',
    roomTitle: '',
    players: [] as PlayerView[],
    error: null as SessionError | null,
    notice: '',
    statusText: '',
    anchorOffline: false,
    errorActionText: '',
    playQuality: null as QualityView | null,
    onlineCount: 0,
    likes: 0,
    chat: [] as ChatLine[],
    // Page-only view state.
    screen: 'loading' as 'loading' | 'blocked' | 'room',
    blocked: null as Blocked | null,
    draft: '',
  },

  lifetimes: {
    created() {
      pages.set(this, { view: new PageView(this, liveSession, FIELDS), entry: null, unloaded: false });
    },
    attached() {
      pages.get(this)?.view.attach();
    },
    detached() {
      this.onUnload();
      pages.get(this)?.view.destroy();
    },
  },

  // WeChat calls a Component-built page's onShow/onHide and its pageLifetimes; both are safe to run twice.
  pageLifetimes: {
    show() {
      this.onShow();
    },
    hide() {
      this.onHide();
    },
  },

  methods: {
    /** Visible again: bindings re-created (one full refresh), then the store resumes the media. */
    onShow() {
      const state = pages.get(this);
      if (!state || state.unloaded) return;
      state.view.show();
      liveSession.pageShown();
    },

    /** Hidden: the store pauses the media, then the bindings go (no setData until show). */
    onHide() {
      const state = pages.get(this);
      if (!state || state.unloaded) return;
      liveSession.pageHidden();
      state.view.hide();
    },

    /** Page entry: `roomID` (shared card / path) or `q` (a scanned watch link). */
    onLoad(query: EntryQuery) {
      const state = pages.get(this);
      if (!state) return;
      const parsed = parseAudienceEntry(query ?? {});
      if (!parsed.ok) {
        this.block({ title: '房间号不正确', message: parsed.error.message, ...TO_ROOMS });
        return;
      }
      state.entry = parsed.entry;
      liveSession.attachView(createLiveViewPort(this, state.view));
      fire(this.enter());
    },

    /** Leaving the page ends the session: streams stopped, logged out, native components removed. */
    onUnload() {
      const state = pages.get(this);
      if (!state || state.unloaded) return;
      state.unloaded = true;
      if (state.entry) {
        fire(liveSession.leave());
        liveSession.detachView();
      }
    },

    /** Signs in if needed, looks the room up (unknown or ended -> a clear screen), then joins as audience. */
    async enter() {
      const state = pages.get(this);
      if (!state?.entry) return;
      const { roomID } = state.entry;
      if (!userStore.user && !userStore.restore()) {
        this.goSignIn();
        return;
      }
      this.setScreen({ screen: 'loading', blocked: null });
      let room;
      try {
        room = (await api.getRoom(roomID)).room;
      } catch (error) {
        if (state.unloaded) return;
        this.block(blockedFor(error));
        return;
      }
      if (state.unloaded) return;
      if (room.status === 'ended') {
        this.block(ended());
        return;
      }
      this.setScreen({ screen: 'room', blocked: null });
      await liveSession.start({ roomID: room.id, role: 'audience', title: room.title });
    },

    /** Watching needs a session with the live service: sign in, then come back to this room. */
    goSignIn() {
      const entry = pages.get(this)?.entry;
      const back = entry
        ? `?role=audience&roomID=${entry.roomID}&redirect=${encodeURIComponent(`/pages/audience/index?roomID=${entry.roomID}`)}`
        : '';
      this.block({
        title: '请先登录',
        message: '登录后就能观看直播、聊天和点赞',
        actionText: '去登录',
        action: 'login',
      });
      wx.redirectTo({ url: `/pages/login/index${back}` });
    },

    block(blocked: Blocked) {
      this.setScreen({ screen: 'blocked', blocked });
    },

    setScreen(data: { screen: 'loading' | 'blocked' | 'room'; blocked: Blocked | null }) {
      pages.get(this)?.view.set(data);
    },

    onBlockedAction() {
      const action = this.data.blocked?.action;
      if (action === 'retry') fire(this.enter());
      else if (action === 'login') this.goSignIn();
      else wx.reLaunch({ url: '/pages/rooms/index' });
    },

    // Native component events -> store (which forwards them to the SDK). The player's detail carries its stream.
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

    // Chat and likes.
    onDraftInput(e: WechatMiniprogram.Input) {
      pages.get(this)?.view.set({ draft: e.detail.value });
    },
    onSendChat() {
      const text = this.data.draft.trim();
      if (!text) return;
      fire(liveSession.sendChat(text));
      pages.get(this)?.view.set({ draft: '' });
    },
    onLike() {
      liveSession.like();
    },

    /** The error panel's button: what the store says the user can do. */
    onErrorAction() {
      const action = this.data.error?.action;
      if (action === 'retry') fire(liveSession.retry());
      else if (action === 'openSetting') fire(liveSession.openSetting());
      else if (action === 'upgradeWechat') askToUpgradeWechat('观看');
      else if (action === 'leave') this.onLeave();
    },

    onLeave() {
      fire(liveSession.leave());
      wx.reLaunch({ url: '/pages/rooms/index' });
    },

    /** Shared card: the same audience page of this room. */
    onShareAppMessage() {
      const roomID = this.data.roomID || pages.get(this)?.entry?.roomID || '';
      return {
        title: this.data.roomTitle ? `${this.data.roomTitle} 正在直播` : '快来看直播',
        path: `pages/audience/index?roomID=${encodeURIComponent(roomID)}`,
        imageUrl: SHARE_IMAGE,
      };
    },

    /** Moments: the same room. */
    onShareTimeline() {
      const roomID = this.data.roomID || pages.get(this)?.entry?.roomID || '';
      return {
        title: this.data.roomTitle ? `${this.data.roomTitle} 正在直播` : '快来看直播',
        query: `roomID=${encodeURIComponent(roomID)}`,
        imageUrl: SHARE_IMAGE,
      };
    },
  },
});
