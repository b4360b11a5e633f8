/**
 * A viewer's room: opened from a shared card or link (`roomID`, or `q` for a scanned watch link).
 * Looks the room up, joins as audience; the store plays the anchor's stream as soon as it appears.
 * Shows play state and quality, "主播暂时离开" when the stream goes away, chat, likes and the online count.
 */
import { replayShelf, roomDirectory, userStore } from '../../stores/index';
import { liveSession, upcomingDeps } from '../stores/index';
import { UpcomingRoom, isUpcoming, type UpcomingView } from '../stores/upcoming';
import type { RoomSummaryView } from '../stores/room-summary';
import { ApiError, type ApiRoom } from '../../stores/rooms';
import type { CohostTileView } from '../stores/live-session';
import type { ChatLine, PlayerView, PusherView, QualityView, SessionPhase } from '../../stores/session-types';
import { parseAudienceEntry, type EntryQuery } from '../../utils/entry';
import {
  fireAndForget,
  liveFields,
  liveRoomBehavior,
  liveRoomOf,
  liveShareTitle,
  lookupFailed,
  type Blocked,
} from '../shared/live-room';
import { inSinglePageMode } from '../shared/moments';
import { chatComposer } from '../shared/chat-composer';
import { giftPanel } from '../shared/gift-panel';
import { openModerationSheet } from '../shared/moderation-sheet';
import { problemReportBehavior } from '../shared/problem-report';

/** Session fields this page renders (and the newest chat lines). */
const FIELDS = liveFields([
  'phase',
  'roomID',
  'roomTitle',
  'mainPlayers',
  'pusher',
  'cohostTiles',
  'cohostState',
  'cohostBusy',
  'onStage',
  'canRequestCohost',
  'error',
  'notice',
  'statusText',
  'anchorOffline',
  'errorActionText',
  'playQuality',
  'onlineCount',
  'likes',
  'summary',
  'chatBlockedText',
]);

const fire = fireAndForget('[audience]');

/** Each page's upcoming-room part while it shows one (cover, countdown, 提醒我, the watch for the start). */
const upcomingParts = new WeakMap<object, UpcomingRoom>();

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
  return lookupFailed(error, '加载失败', '直播间信息加载失败，请稍后重试', TO_ROOMS);
}

function ended(): Blocked {
  return { title: '直播已结束', message: '这场直播已经结束了，去看看其他正在直播的房间吧', ...TO_ROOMS };
}

Component({
  data: {
    // Bound from the live session (see FIELDS).
    phase: 'idle' as SessionPhase,
    mainPlayers: [] as PlayerView[],
    pusher: null as PusherView | null,
    cohostTiles: [] as CohostTileView[],
    cohostState: 'none' as 'none' | 'pending' | 'cohost',
    cohostBusy: false,
    onStage: false,
    canRequestCohost: false,
    notice: '',
    statusText: '',
    anchorOffline: false,
    errorActionText: '',
    playQuality: null as QualityView | null,
    onlineCount: 0,
    likes: 0,
    /** The end screen's figures (the service's, else this phone's). */
    summary: null as RoomSummaryView | null,
    chat: [] as ChatLine[],
    /** "评论已关闭" / "你已被禁言" instead of the input ('' while the viewer may chat). */
    chatBlockedText: '',
    // Page-only view state.
    /** Seconds until the own co-host request lapses. */
    cohostCountdown: 0,
    /** The room is upcoming (not live yet, planned): what its screen shows; null otherwise. */
    upcoming: null as UpcomingView | null,
    /** The ended room whose replay 「看回放」 opens ('' while it has none). */
    replayRoomID: '',
  },

  observers: {
    /** The live ended while watching: 「看回放」 once its replay is uploaded (a few minutes after the end). */
    phase(phase: SessionPhase) {
      if (phase === 'ended') this.lookForReplay(0);
    },
  },

  lifetimes: {
    detached() {
      upcomingParts.get(this)?.stop();
    },
  },

  pageLifetimes: {
    show() {
      upcomingParts.get(this)?.show();
    },
    hide() {
      upcomingParts.get(this)?.hide();
    },
  },

  behaviors: [
    problemReportBehavior,
    chatComposer,
    giftPanel,
    liveRoomBehavior({
      fields: FIELDS,
      fire,
      doing: '观看',
      share: { title: liveShareTitle('快来看直播'), page: 'pages/audience/index' },
    }),
  ],

  methods: {
    /** Page entry: `roomID` (shared card / path) or `q` (a scanned watch link). */
    onLoad(query: EntryQuery) {
      const state = liveRoomOf(this);
      if (!state) return;
      const parsed = parseAudienceEntry(query ?? {});
      // From Moments (single-page mode): the room's card only; no sign-in, no redirect, no engine.
      if (inSinglePageMode()) {
        fire(state.preview(parsed.ok ? parsed.entry : null, parsed.ok ? '' : parsed.error.message));
        return;
      }
      if (!parsed.ok) {
        state.block({ title: '房间号不正确', message: parsed.error.message, ...TO_ROOMS });
        return;
      }
      state.open(parsed.entry);
      fire(this.enter());
    },

    /** Signs in if needed, looks the room up (unknown or ended -> a clear screen), then joins as audience. */
    async enter() {
      const state = liveRoomOf(this);
      if (!state?.entry) return;
      const { roomID } = state.entry;
      if (!userStore.user && !userStore.restore()) {
        this.goSignIn();
        return;
      }
      state.setScreen('loading');
      // the engine and the token load while the room is looked up
      liveSession.prepare({ roomID, role: 'audience', withToken: true });
      let room: ApiRoom;
      try {
        room = await roomDirectory.getRoom(roomID);
      } catch (error) {
        if (state.unloaded) return;
        state.block(blockedFor(error));
        return;
      }
      if (state.unloaded) return;
      if (room.status === 'ended') {
        state.block(ended());
        // A shared card opened after the end: 「看回放」 when the room has one.
        if (await replayShelf.has(roomID)) state.view.set({ replayRoomID: roomID });
        return;
      }
      state.setScreen('room');
      state.view.set({ anchorUserID: room.anchor?.id ?? '' });
      if (isUpcoming(room)) {
        this.waitForStart(room);
        return;
      }
      await liveSession.start({ roomID: room.id, role: 'audience', title: room.title });
    },

    /** An upcoming room: its cover and countdown until the anchor goes live, then it plays by itself. */
    waitForStart(room: ApiRoom) {
      const state = liveRoomOf(this);
      if (!state) return;
      upcomingParts.get(this)?.stop();
      const part = new UpcomingRoom(
        upcomingDeps,
        (upcoming) => state.view.set({ upcoming }),
        (started) => {
          upcomingParts.delete(this);
          state.view.set({ upcoming: null });
          if (started.status === 'ended') state.block(ended());
          else fire(liveSession.start({ roomID: started.id, role: 'audience', title: started.title }));
        },
      );
      upcomingParts.set(this, part);
      part.start(room);
    },

    /** Asks whether the ended room's replay is there yet; again every 30 s, at most 10 times. */
    lookForReplay(attempt: number) {
      const state = liveRoomOf(this);
      const roomID = state?.entry?.roomID;
      if (!state || !roomID || state.unloaded || this.data.replayRoomID) return;
      fire(
        replayShelf.has(roomID).then((has) => {
          if (has) state.view.set({ replayRoomID: roomID });
          else if (attempt < 9) state.later(30_000, () => this.lookForReplay(attempt + 1));
        }),
      );
    },

    /** 「看回放」. */
    onWatchReplay() {
      const roomID = this.data.replayRoomID;
      if (roomID) wx.redirectTo({ url: `/pages/replay/index?roomID=${encodeURIComponent(roomID)}` });
    },

    /** 「提醒我」. */
    onRemindMe() {
      fire(upcomingParts.get(this)?.remindMe());
    },

    /** Watching needs a session with the live service: sign in, then come back to this room. */
    goSignIn() {
      const state = liveRoomOf(this);
      const entry = state?.entry;
      const back = entry
        ? `?role=audience&roomID=${entry.roomID}&redirect=${encodeURIComponent(`/pages/audience/index?roomID=${entry.roomID}`)}`
        : '';
      state?.sendToSignIn(back, '登录后就能观看直播、聊天和点赞');
    },

    // Chat and likes.
    /** An admin (房管) long-presses a viewer's line: mute, remove, comments off or on (the service decides). */
    onChatLongPress(e: WechatMiniprogram.TouchEvent) {
      if (!liveSession.social.notices.admins[liveSession.userID]) return;
      const { userId, nickname } = e.currentTarget.dataset as { userId?: string; nickname?: string };
      const userID = String(userId ?? '');
      if (userID === this.data.anchorUserID) return;
      openModerationSheet({ userID, nickname: String(nickname ?? ''), by: 'admin' }, fire);
    },
    onLike() {
      liveSession.like();
    },

    // Co-hosting (连麦): the store asks the service; the countdown is this page's own.
    onRequestCohost() {
      fire(liveSession.requestCohost().then(() => this.tickCohostCountdown()));
    },
    onCancelCohost() {
      fire(liveSession.cancelCohostRequest());
    },
    onEndCohost() {
      wx.showModal({
        title: '结束连麦',
        content: '结束后你会回到观看，确定结束吗？',
        confirmText: '结束',
        success: (res) => {
          if (res.confirm) fire(liveSession.endCohost());
        },
      });
    },
    /** Seconds left on the own request, once a second while it is pending. */
    tickCohostCountdown() {
      const state = liveRoomOf(this);
      const expiresAt = liveSession.cohostRequestExpiresAt;
      if (!state || state.unloaded || !expiresAt) return;
      state.view.set({ cohostCountdown: Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000)) });
      state.later(1000, () => this.tickCohostCountdown());
    },
  },
});
