/**
 * The anchor's room: opened by scanning the room's QR code (scene / q) or from the login page (roomID).
 * Claims the room with the invite, previews the camera, goes live, and shows state, quality, viewers and chat.
 * Everything live comes from the store; this page only renders it and forwards taps and native events.
 */
import { roomDirectory, userStore } from '../../stores/index';
import { liveSession, newObsPush } from '../stores/index';
import type { RoomSummaryView } from '../stores/room-summary';
import type { ViewerListView } from '../stores/viewer-list';
import { CLOSED_OBS_SHEET, type ObsPush, type ObsSheetView } from '../stores/obs-push';
import { ApiError, isUnauthorized, type ApiRoom } from '../../stores/rooms';
import type { ApiCohostRequest } from '../../stores/rooms';
import type { CohostTileView } from '../stores/live-session';
import type { ChatLine, PusherView, QualityView, SessionPhase } from '../../stores/session-types';
import { parseAnchorEntry, type EntryQuery, type RoomEntry } from '../../utils/entry';
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
import { ANNOUNCEMENT_MAX_LENGTH } from '@zego-live/contract';
import { WAITING_IMAGE } from '../../config';
import { problemReportBehavior } from '../shared/problem-report';

/** Session fields this page renders (and the newest chat lines). */
const FIELDS = liveFields([
  'phase',
  'roomID',
  'roomTitle',
  'pusher',
  'error',
  'notice',
  'statusText',
  'isLive',
  'onAir',
  'canGoLive',
  'errorActionText',
  'publishQuality',
  'onlineCount',
  'likes',
  'summary',
  'viewerList',
  'cohostTiles',
  'cohostRequests',
  'cohostBusy',
  'commentsOff',
  'chatBlockedText',
]);

const fire = fireAndForget('[anchor]');

/** The screen for a failed claim or room lookup. */
function blockedFor(error: unknown): Blocked {
  const rooms = { actionText: '去房间列表', action: 'rooms' as const };
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'NOT_FOUND':
        return {
          title: '房间不存在',
          message: '二维码里的房间不存在，请联系运营人员重新生成开播二维码',
          ...rooms,
        };
      case 'ROOM_ENDED':
        return {
          title: '直播已结束',
          message: '这个房间的直播已经结束，请联系运营人员创建新的直播间',
          ...rooms,
        };
      case 'INVITE_USED':
      case 'ROOM_ALREADY_CLAIMED':
        return {
          title: '房间已有主播',
          message: '这个开播二维码已被其他人使用，请联系运营人员获取新的二维码',
          ...rooms,
        };
      case 'INVITE_EXPIRED':
        return { title: '二维码已过期', message: '开播二维码已过期，请联系运营人员获取新的二维码', ...rooms };
      case 'INVITE_INVALID':
        return {
          title: '二维码无效',
          message: '开播二维码与房间不匹配，请重新扫描运营人员给你的二维码',
          ...rooms,
        };
      case 'FORBIDDEN':
        return {
          title: '没有开播权限',
          message: '你不是这个房间的主播，请用运营人员给你的开播二维码进入',
          ...rooms,
        };
    }
    if (error.status === 404) {
      return { title: '房间不存在', message: '找不到这个房间，请检查房间号或重新扫码', ...rooms };
    }
    if (error.status === 0)
      return { title: '网络不可用', message: error.message, actionText: '重试', action: 'retry' };
  }
  return lookupFailed(error, '进不了房间', '房间信息加载失败，请稍后重试', {
    actionText: '去房间列表',
    action: 'rooms',
  });
}

/** The path that opens this page again with the same entry (after signing in). */
function anchorPath(entry: RoomEntry): string {
  const invite = entry.invite ? `&invite=${encodeURIComponent(entry.invite)}` : '';
  return `/pages/anchor/index?roomID=${encodeURIComponent(entry.roomID)}${invite}`;
}

/** Each page's OBS sheet, drawn into its own data. */
const obsSheets = new WeakMap<object, ObsPush>();
function obsOf(page: WechatMiniprogram.Component.TrivialInstance): ObsPush {
  let obs = obsSheets.get(page);
  if (!obs) {
    obs = newObsPush((sheet) => page.setData({ obs: sheet }));
    obsSheets.set(page, obs);
  }
  return obs;
}

Component({
  data: {
    // Bound from the live session (see FIELDS).
    phase: 'idle' as SessionPhase,
    pusher: null as PusherView | null,
    notice: '',
    statusText: '',
    isLive: false,
    onAir: false,
    canGoLive: false,
    errorActionText: '',
    publishQuality: null as QualityView | null,
    onlineCount: 0,
    likes: 0,
    /** The end screen's figures (the service's, else this phone's). */
    summary: null as RoomSummaryView | null,
    /** The viewer list panel (opened from the viewers badge). */
    viewerList: { open: false, loading: false, viewers: [], limit: 0, error: '' } as ViewerListView,
    /** 用 OBS 推流: the room's push address and key (this page's own). */
    obs: CLOSED_OBS_SHEET as ObsSheetView,
    chat: [] as ChatLine[],
    cohostTiles: [] as CohostTileView[],
    cohostRequests: [] as ApiCohostRequest[],
    cohostBusy: false,
    /** The viewers' comments are off (the anchor's switch). */
    commentsOff: false,
    /** What the input says instead of accepting text ('' while the anchor may chat). */
    chatBlockedText: '',
    // Page-only view state.
    waitingImage: WAITING_IMAGE,
  },

  behaviors: [
    problemReportBehavior,
    chatComposer,
    giftPanel,
    liveRoomBehavior({
      fields: FIELDS,
      fire,
      doing: '开播',
      share: { title: liveShareTitle('来看我的直播'), page: 'pages/audience/index' },
    }),
  ],

  methods: {
    /** Page entry: scene (mini-program code), q (plain QR link) or roomID + invite. */
    onLoad(query: EntryQuery) {
      const state = liveRoomOf(this);
      if (!state) return;
      const parsed = parseAnchorEntry(query ?? {});
      // From Moments (the anchor shared this page there): the room's card only, as on the audience page.
      if (inSinglePageMode()) {
        fire(state.preview(parsed.ok ? parsed.entry : null, parsed.ok ? '' : parsed.error.message));
        return;
      }
      if (!parsed.ok) {
        state.block({
          title: '无法识别开播二维码',
          message: parsed.error.message,
          actionText: '去房间列表',
          action: 'rooms',
        });
        return;
      }
      state.open(parsed.entry);
      fire(this.enter());
    },

    /** Signs in if needed, claims the room with the invite (or looks it up), then opens the camera preview. */
    async enter() {
      const state = liveRoomOf(this);
      if (!state?.entry) return;
      const { entry } = state;
      if (!userStore.user && !userStore.restore()) {
        this.goSignIn();
        return;
      }
      state.setScreen('loading');
      // the engine loads while the room is claimed or looked up (the token waits: the service decides who is anchor)
      liveSession.prepare({ roomID: entry.roomID, role: 'anchor', withToken: false });
      let room: ApiRoom;
      try {
        room = entry.invite
          ? await roomDirectory.claimRoom(entry.roomID, entry.invite)
          : await roomDirectory.getRoom(entry.roomID);
      } catch (error) {
        if (state.unloaded) return;
        // The directory has signed out already.
        if (isUnauthorized(error)) {
          this.goSignIn();
          return;
        }
        state.block(blockedFor(error));
        return;
      }
      if (state.unloaded) return;
      if (room.status === 'ended') {
        state.block(blockedFor(new ApiError('ROOM_ENDED', 'ended', 409)));
        return;
      }
      if (!entry.invite && room.anchor?.id !== userStore.user?.id) {
        if (!room.anchor) {
          state.block({
            title: '还不能开播',
            message: '这个房间还没有主播，请扫描运营人员给你的开播二维码',
            actionText: '去房间列表',
            action: 'rooms',
          });
          return;
        }
        // Someone else's room (a shared Moments link lands here too): watch it instead.
        wx.redirectTo({ url: `/pages/audience/index?roomID=${encodeURIComponent(room.id)}` });
        return;
      }
      state.setScreen('room');
      state.view.set({ anchorUserID: userStore.user?.id ?? '' });
      await liveSession.start({ roomID: room.id, role: 'anchor', title: room.title });
    },

    /** To the login page, and back here (same room and invite) once signed in. */
    goSignIn() {
      const state = liveRoomOf(this);
      const entry = state?.entry;
      const back = entry ? `?role=anchor&redirect=${encodeURIComponent(anchorPath(entry))}` : '';
      state?.sendToSignIn(back, '登录后才能开播，登录完成会回到这个直播间');
    },

    // Controls -> store actions.
    onGoLive() {
      fire(liveSession.startPublishing());
    },
    onEndLive() {
      wx.showModal({
        title: '结束直播',
        content: '结束后观众将无法继续观看，确定结束吗？',
        confirmText: '结束',
        confirmColor: '#ff4d4f',
        success: (res) => {
          if (res.confirm) fire(liveSession.endLive());
        },
      });
    },
    onToggleCamera() {
      liveSession.toggleCamera();
    },
    onToggleMicrophone() {
      liveSession.toggleMicrophone();
    },
    onSwitchCamera() {
      liveSession.switchCamera();
    },
    onBeautyChange(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
      liveSession.setBeauty(e.detail.value);
    },
    onWhitenessChange(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
      liveSession.setWhiteness(e.detail.value);
    },

    // Co-hosting (连麦): the service decides; the store tells the viewer.
    onAcceptCohost(e: WechatMiniprogram.TouchEvent) {
      fire(liveSession.acceptCohost(String(e.currentTarget.dataset.userId ?? '')));
    },
    onDeclineCohost(e: WechatMiniprogram.TouchEvent) {
      fire(liveSession.declineCohost(String(e.currentTarget.dataset.userId ?? '')));
    },
    // Chat moderation: the service decides, tells the room and records it.
    onToggleComments() {
      fire(liveSession.switchComments(!this.data.commentsOff));
    },
    /** Long-press on a viewer's line (or a tap in the viewer list): mute, remove, make or unmake an admin. */
    onChatLongPress(e: WechatMiniprogram.TouchEvent) {
      const { userId, nickname } = e.currentTarget.dataset as { userId?: string; nickname?: string };
      openModerationSheet(
        { userID: String(userId ?? ''), nickname: String(nickname ?? ''), by: 'anchor' },
        fire,
      );
    },
    /** The anchor writes (or clears) the pinned announcement every viewer sees. */
    onEditAnnouncement() {
      wx.showModal({
        title: '直播间公告',
        editable: true,
        placeholderText: `所有观众可见，最多 ${ANNOUNCEMENT_MAX_LENGTH} 个字；清空即撤下`,
        content: liveSession.social.notices.announcement?.text ?? '',
        confirmText: '发布',
        success: (res) => {
          if (res.confirm) fire(liveSession.social.notices.announce(res.content ?? ''));
        },
      });
    },
    // The viewer list: who came, the newest first (the service keeps it).
    onOpenViewers() {
      fire(liveSession.openViewerList());
    },
    onCloseViewers() {
      liveSession.closeViewerList();
    },
    // OBS: the room's push address and key, for a pro anchor's camera and mixer (the phone stays as it is).
    onOpenObs() {
      const roomID = liveRoomOf(this)?.entry?.roomID;
      if (roomID) fire(obsOf(this).open(roomID));
    },
    onRenewObs() {
      const roomID = liveRoomOf(this)?.entry?.roomID;
      if (!roomID) return;
      wx.showModal({
        title: '换新密钥',
        content: '换新后旧密钥立刻失效，OBS 里也要换成新的，确定吗？',
        confirmText: '换新',
        success: (res) => {
          if (res.confirm) fire(obsOf(this).open(roomID, true));
        },
      });
    },
    onCloseObs() {
      obsOf(this).close();
    },
    onCopyObs(e: WechatMiniprogram.TouchEvent) {
      const text = String(e.currentTarget.dataset.text ?? '');
      if (text) wx.setClipboardData({ data: text });
    },
    onRemoveCohost(e: WechatMiniprogram.TouchEvent) {
      const userID = String(e.currentTarget.dataset.userId ?? '');
      wx.showModal({
        title: '移除连麦',
        content: '确定结束与这位观众的连麦吗？',
        confirmText: '移除',
        confirmColor: '#ff4d4f',
        success: (res) => {
          if (res.confirm) fire(liveSession.removeCohost(userID));
        },
      });
    },
  },
});
