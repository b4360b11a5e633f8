/**
 * The replay of a finished live: the room's title, anchor and figures over a <video> (play/pause and progress are
 * the video's own controls; the speed is ours), starting where this viewer left off. A clear screen when there is
 * no replay (not recorded, still uploading, hidden or deleted) or the file fails to play. Nothing goes to setData
 * while it plays: the position is kept in storage every few seconds, not on the screen.
 */
import { replayShelf } from '../../stores/index';
import { isReplayMissing, type ReplayPosition } from '../../stores/replays';
import type { ApiRoom } from '../../stores/rooms';
import { describeServiceError } from '../../utils/error-catalog';

/** What the page shows. */
type ReplayScreen = 'loading' | 'ready' | 'missing' | 'failed' | 'error';

/** The speeds 倍速 cycles through (what <video> plays on both platforms). */
export const REPLAY_SPEEDS = [1, 1.25, 1.5, 2, 0.75] as const;

/** How often the position is written to storage while playing (seconds of video). */
const SAVE_EVERY_S = 5;

/** One part of the replay as the page keeps it. */
interface Part {
  url: string;
  durationMs: number;
}

/** What a page keeps besides its data (never rendered). */
interface ReplayState {
  roomID: string;
  parts: Part[];
  part: number;
  savedAt: number;
}

const states = new WeakMap<object, ReplayState>();

/** The figures the page shows under the video. */
interface Figures {
  title: string;
  anchorName: string;
  anchorAvatar: string;
  peakViewers: number;
  likes: number;
  messages: number;
}

const figuresOf = (room: ApiRoom): Figures => ({
  title: room.title || room.id,
  anchorName: room.anchor?.nickname ?? '主播',
  anchorAvatar: room.anchor?.avatarUrl ?? '',
  peakViewers: room.stats.peakViewers,
  likes: room.stats.likes,
  messages: room.stats.messages,
});

Component({
  data: {
    screen: 'loading' as ReplayScreen,
    figures: null as Figures | null,
    /** The replay's own figures: how often it was opened, how long it is. */
    views: 0,
    durationMs: 0,
    src: '',
    /** Seconds to start at (where this viewer left off). */
    initialTime: 0,
    /** 「从上次的位置继续播放」 shows while resuming. */
    resumed: false,
    partText: '',
    speed: 1 as number,
    message: '',
  },

  methods: {
    /** Page entry: `roomID` (the room list, the end screen, a shared card). */
    onLoad(query: { roomID?: string }) {
      states.set(this, { roomID: String(query?.roomID ?? ''), parts: [], part: 0, savedAt: 0 });
      void this.load();
    },

    /** Reads the replay; then plays from where this viewer left off. */
    async load(): Promise<void> {
      const state = states.get(this);
      if (!state) return;
      this.setData({ screen: 'loading' });
      try {
        const { room, replay } = await replayShelf.get(state.roomID);
        state.parts = replay.parts;
        const saved = replayShelf.position(state.roomID);
        const resume = saved !== null && saved.part < replay.parts.length ? saved : null;
        state.part = resume?.part ?? 0;
        state.savedAt = resume?.seconds ?? 0;
        this.setData({
          screen: 'ready',
          figures: figuresOf(room),
          views: replay.views,
          durationMs: replay.durationMs,
          resumed: resume !== null && resume.seconds > 0,
          ...this.partData(state, resume?.seconds ?? 0),
        });
        const views = await replayShelf.countView(state.roomID);
        if (views !== null) this.setData({ views });
      } catch (error) {
        if (isReplayMissing(error)) {
          this.setData({ screen: 'missing' });
          return;
        }
        const shown = describeServiceError(error, {
          fallback: { code: 'REPLAY', message: '回放加载失败，请稍后重试', action: 'retry' },
        });
        this.setData({ screen: 'error', message: shown.message });
      }
    },

    /** The data of one part: its file, where to start, 「第 1/2 段」 when there are several. */
    partData(state: ReplayState, seconds: number) {
      const many = state.parts.length > 1;
      return {
        src: state.parts[state.part]?.url ?? '',
        initialTime: Math.max(0, Math.floor(seconds)),
        partText: many ? `第 ${state.part + 1}/${state.parts.length} 段` : '',
      };
    },

    /** The video's time: kept in storage every few seconds (no setData while playing). */
    onTimeUpdate(e: WechatMiniprogram.CustomEvent<{ currentTime: number }>) {
      const state = states.get(this);
      const seconds = Number(e.detail?.currentTime ?? 0);
      if (!state || !Number.isFinite(seconds) || Math.abs(seconds - state.savedAt) < SAVE_EVERY_S) return;
      state.savedAt = seconds;
      const position: ReplayPosition = { part: state.part, seconds };
      replayShelf.remember(state.roomID, position);
    },

    /** A part ended: the next one, or the start next time after the last. */
    onEnded() {
      const state = states.get(this);
      if (!state) return;
      if (state.part + 1 < state.parts.length) {
        state.part += 1;
        state.savedAt = 0;
        replayShelf.remember(state.roomID, { part: state.part, seconds: 0 });
        this.setData({ resumed: false, ...this.partData(state, 0) });
        return;
      }
      replayShelf.remember(state.roomID, null);
    },

    /** The file could not be played (missing in the bucket, a format the phone cannot decode, no network). */
    onVideoError() {
      this.setData({ screen: 'failed' });
    },

    /** 倍速: the next speed. */
    onSpeed() {
      const at = REPLAY_SPEEDS.indexOf(this.data.speed as (typeof REPLAY_SPEEDS)[number]);
      const speed = REPLAY_SPEEDS[(at + 1) % REPLAY_SPEEDS.length];
      wx.createVideoContext('replay-video', this).playbackRate(speed);
      this.setData({ speed });
    },

    /** 重试 on a failed load or a failed file. */
    onRetry() {
      void this.load();
    },

    /** Back to the room list. */
    onLeave() {
      wx.reLaunch({ url: '/home/rooms/index' });
    },
  },
});
