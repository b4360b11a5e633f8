/**
 * A 1v1 video call: the caller opens it right after creating the call (login page, 发起视频通话), the callee from
 * the shared card (`roomID`). Both publish their own stream and play the other's: the remote video large, the own
 * preview small (tap to swap), camera / microphone / switch camera, hang up. A third person sees 通话已满 and
 * nothing else happens (no camera, no login to the room).
 */
import { callRefusal, formatDuration } from '../stores/call';
import { reaction, type IReactionDisposer } from 'mobx-miniprogram';
import { callStore, roomDirectory, userStore } from '../../stores/index';
import { liveSession } from '../stores/index';
import { ApiError, type ApiRoom } from '../../stores/rooms';
import type { PlayerView, PusherView, QualityView, SessionPhase } from '../../stores/session-types';
import { parseAudienceEntry, type EntryQuery } from '../../utils/entry';
import {
  fireAndForget,
  liveFields,
  liveRoomBehavior,
  liveRoomOf,
  lookupFailed,
  type Blocked,
} from '../shared/live-room';
import { problemReportBehavior } from '../shared/problem-report';

/** Session fields this page renders. */
const FIELDS = liveFields([
  'phase',
  'roomID',
  'roomTitle',
  'pusher',
  'players',
  'error',
  'notice',
  'statusText',
  'errorActionText',
  'publishQuality',
  'playQuality',
  'callPeer',
  'callConnectedAt',
  'callSummary',
]);

const fire = fireAndForget('[call]');

const TO_HOME = { actionText: '返回首页', action: 'rooms' as const };

/** The card a member shares to invite the other one. */
export const CALL_SHARE_TITLE = '邀请你视频通话';

/** The screen for a call that cannot be joined. */
function blockedFor(error: unknown): Blocked {
  if (error instanceof ApiError) {
    if (error.status === 404)
      return { title: '通话不存在', message: '找不到这个通话，可能链接有误', ...TO_HOME };
    if (error.status === 0)
      return { title: '网络不可用', message: error.message, actionText: '重试', action: 'retry' };
  }
  return lookupFailed(error, '加载失败', '通话信息加载失败，请稍后重试', TO_HOME);
}

/** Per-page listeners of the other side's media switch. */
const switches = new WeakMap<object, IReactionDisposer>();

/** Per-page timers (outside `data`: nothing here is rendered). */
const clocks = new WeakMap<object, ReturnType<typeof setInterval>>();

Component({
  data: {
    // Bound from the live session (see FIELDS).
    phase: 'idle' as SessionPhase,
    pusher: null as PusherView | null,
    players: [] as PlayerView[],
    notice: '',
    statusText: '',
    errorActionText: '',
    publishQuality: null as QualityView | null,
    playQuality: null as QualityView | null,
    callPeer: null as { userID: string; userName: string } | null,
    callConnectedAt: 0,
    callSummary: '',
    // Page-only view state.
    /** The own preview large and the remote small (tap the small one to swap). */
    swapped: false,
    /** How long the call has been connected, mm:ss. */
    elapsed: '',
    /** A voice call: the camera off, the avatars shown (opened with media=audio, or switched mid-call). */
    audioOnly: false,
    /** Where the other's voice plays: speaker (免提) or ear (听筒). */
    soundMode: 'speaker' as 'speaker' | 'ear',
    /** The invitation this call came from ('' for a share-card call: no switching then). */
    invitationId: '',
  },

  observers: {
    // A voice call publishes no camera: turned off as soon as the pusher exists (and after a switch).
    'pusher, audioOnly'(pusher: PusherView | null, audioOnly: boolean) {
      if (audioOnly && pusher?.enableCamera) liveSession.toggleCamera();
    },
  },

  behaviors: [
    problemReportBehavior,
    liveRoomBehavior({
      fields: FIELDS,
      fire,
      doing: '视频通话',
      share: { title: () => CALL_SHARE_TITLE, page: 'pages/call/index', timeline: false },
    }),
  ],

  lifetimes: {
    attached() {
      // The other side switched to a voice call: this side follows.
      switches.set(
        this,
        reaction(
          () => callStore.switchedTo,
          (switched) => {
            const roomID = liveRoomOf(this)?.entry?.roomID;
            if (switched?.media === 'audio' && switched.roomId === roomID) this.goAudio();
          },
        ),
      );
    },
    detached() {
      stopClock(this);
      switches.get(this)?.();
      switches.delete(this);
    },
  },

  pageLifetimes: {
    show() {
      startClock(this);
    },
    hide() {
      stopClock(this);
    },
  },

  methods: {
    /** Page entry: `roomID` (shared card, the caller right after creating the call, or an accepted invitation). */
    onLoad(query: EntryQuery & { media?: string; invitation?: string }) {
      const state = liveRoomOf(this);
      if (!state) return;
      state.view.set({
        audioOnly: query?.media === 'audio',
        // A voice call plays at the ear, like a phone call; video on the speaker.
        soundMode: query?.media === 'audio' ? 'ear' : 'speaker',
        invitationId: query?.invitation ?? '',
      });
      const parsed = parseAudienceEntry(query ?? {});
      if (!parsed.ok) {
        state.block({ title: '通话号不正确', message: parsed.error.message, ...TO_HOME });
        return;
      }
      state.open(parsed.entry);
      startClock(this);
      fire(this.enter());
    },

    /** Signs in if needed, checks the call (a call, not ended, a seat for us), then joins as a call member. */
    async enter() {
      const state = liveRoomOf(this);
      if (!state?.entry) return;
      const { roomID } = state.entry;
      const user = userStore.user ?? (userStore.restore() ? userStore.user : null);
      if (!user) {
        this.goSignIn();
        return;
      }
      state.setScreen('loading');
      let room: ApiRoom;
      try {
        room = await roomDirectory.getRoom(roomID);
      } catch (error) {
        if (!state.unloaded) state.block(blockedFor(error));
        return;
      }
      if (state.unloaded) return;
      const refused = callRefusal(room, user.id);
      if (refused) {
        state.block({ ...refused, ...TO_HOME });
        return;
      }
      state.setScreen('room');
      await liveSession.start({ roomID: room.id, role: 'call', title: room.title });
    },

    /** A call needs a session with the live service: sign in, then come back to this call. */
    goSignIn() {
      const state = liveRoomOf(this);
      const entry = state?.entry;
      const back = entry
        ? `?role=audience&roomID=${entry.roomID}&redirect=${encodeURIComponent(`/pages/call/index?roomID=${entry.roomID}`)}`
        : '';
      state?.sendToSignIn(back, '登录后就能接听视频通话');
    },

    // Controls.
    onSwap() {
      liveRoomOf(this)?.view.set({ swapped: !this.data.swapped });
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
    onHangUp() {
      fire(liveSession.hangUp());
    },
    /** 切换语音: the camera goes off here and the other side follows (through the service). */
    onSwitchToAudio() {
      this.goAudio();
      if (this.data.invitationId) fire(callStore.switchToAudio(this.data.invitationId));
    },
    /** 免提 / 听筒. */
    onToggleSoundMode() {
      liveRoomOf(this)?.view.set({ soundMode: this.data.soundMode === 'ear' ? 'speaker' : 'ear' });
    },
    goAudio() {
      if (!this.data.audioOnly) liveRoomOf(this)?.view.set({ audioOnly: true });
    },
  },
});

/** What the clock reads and writes of the page. */
interface ClockHost {
  data: { callConnectedAt: number; elapsed: string };
}

/** The call's running time, once a second while the page is visible and the call connected. */
function startClock(page: ClockHost & object): void {
  if (clocks.has(page)) return;
  clocks.set(
    page,
    setInterval(() => {
      const since = page.data.callConnectedAt;
      const elapsed = since ? formatDuration(Date.now() - since) : '';
      if (elapsed !== page.data.elapsed) liveRoomOf(page)?.view.set({ elapsed });
    }, 1000),
  );
}

function stopClock(page: object): void {
  const clock = clocks.get(page);
  if (clock) clearInterval(clock);
  clocks.delete(page);
}
