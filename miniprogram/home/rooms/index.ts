/**
 * Rooms that are live now, then upcoming ones with their start time (the lobby): pull to refresh, more on scroll
 * (cursor paging), tap to watch.
 * The list is pure view state, so it lives in the page (no setData while hidden, like the live pages).
 */
import { replayShelf, roomDirectory } from '../../stores/index';
import type { ApiRoom } from '../../stores/rooms';
import { describeServiceError } from '../../utils/error-catalog';
import { plannedStartText } from '../../utils/planned-time';
import { PageView, forwardPageLifetimes } from '../shared/view-port';

/** One row as the list renders it. */
interface RoomItem {
  id: string;
  title: string;
  anchorName: string;
  avatarUrl: string;
  likes: number;
  peakViewers: number;
  /** The room's cover ('' when it has none: the anchor's avatar shows). */
  coverUrl: string;
  /** 「12月3日 20:00 开播」 for an upcoming room, '' for a live one. */
  startText: string;
  /** The show is over (its figures stay on the card). */
  ended: boolean;
}

interface PageState {
  view: PageView;
  /** Cursor of the next page; null when the last page is loaded. */
  cursor: string | null;
  /** Bumped by each refresh so a slow older answer is dropped. */
  generation: number;
  loading: boolean;
}

const pages = new WeakMap<object, PageState>();

const itemFrom = (room: ApiRoom): RoomItem => ({
  id: room.id,
  title: room.title || room.id,
  anchorName: room.anchor?.nickname ?? '主播',
  avatarUrl: room.anchor?.avatarUrl ?? '',
  likes: room.stats.likes,
  peakViewers: room.stats.peakViewers,
  coverUrl: room.coverUrl ?? '',
  startText:
    room.status === 'live' || room.status === 'ended' || typeof room.plannedStartAt !== 'number'
      ? ''
      : plannedStartText(room.plannedStartAt),
  ended: room.status === 'ended',
});

/** Why the list did not load, in Chinese from the error catalog (never the service's English message). */
const messageOf = (error: unknown): string =>
  describeServiceError(error, {
    fallback: { code: 'ROOM_LIST', message: '加载失败，请稍后重试', action: 'retry' },
  }).message;

Component({
  data: {
    rooms: [] as RoomItem[],
    /** Finished rooms with a replay (「看回放」), newest first; none when the service records no replays. */
    replays: [] as RoomItem[],
    /** First load done (empty state may show). */
    loaded: false,
    loading: false,
    hasMore: false,
    error: '',
  },

  lifetimes: {
    created() {
      pages.set(this, { view: new PageView(this, null, []), cursor: null, generation: 0, loading: false });
    },
    detached() {
      pages.get(this)?.view.destroy();
    },
  },

  pageLifetimes: forwardPageLifetimes(),

  methods: {
    onShow() {
      pages.get(this)?.view.show();
    },
    onHide() {
      pages.get(this)?.view.hide();
    },

    onLoad() {
      void this.refresh();
    },

    /** Pull-to-refresh (enablePullDownRefresh in index.json). */
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },

    /** Scrolled to the bottom: the next page, if any. */
    onReachBottom() {
      void this.loadMore();
    },

    /** Reloads from the first page. */
    async refresh(): Promise<void> {
      const state = pages.get(this);
      if (!state) return;
      const generation = ++state.generation;
      state.loading = true;
      state.view.set({ loading: true, error: '' });
      // The replays are a shelf of their own: their failure leaves the live list alone.
      const replays = replayShelf.list().catch((): ApiRoom[] => []);
      try {
        const { rooms, nextCursor } = await roomDirectory.listLobby();
        const shelf = await replays;
        if (generation !== state.generation) return;
        state.cursor = nextCursor;
        state.view.set({
          rooms: rooms.map(itemFrom),
          replays: shelf.map(itemFrom),
          hasMore: nextCursor !== null,
          loaded: true,
          loading: false,
        });
      } catch (error) {
        if (generation !== state.generation) return;
        state.view.set({ loading: false, loaded: true, error: messageOf(error) });
      } finally {
        if (generation === state.generation) state.loading = false;
      }
    },

    /** Appends the next page (only the new rows go to setData). */
    async loadMore(): Promise<void> {
      const state = pages.get(this);
      if (!state || state.loading || !state.cursor) return;
      const generation = state.generation;
      state.loading = true;
      state.view.set({ loading: true, error: '' });
      try {
        const { rooms, nextCursor } = await roomDirectory.listLobby(state.cursor);
        if (generation !== state.generation) return;
        state.cursor = nextCursor;
        const known = new Set(this.data.rooms.map((room) => room.id));
        const fresh = rooms.filter((room) => !known.has(room.id)).map(itemFrom);
        const start = this.data.rooms.length;
        const rows: Record<string, unknown> = {};
        fresh.forEach((item, i) => (rows[`rooms[${start + i}]`] = item));
        state.view.set({ ...rows, hasMore: nextCursor !== null, loading: false });
      } catch (error) {
        if (generation !== state.generation) return;
        state.view.set({ loading: false, error: messageOf(error) });
      } finally {
        if (generation === state.generation) state.loading = false;
      }
    },

    onRetry() {
      if (this.data.rooms.length) void this.loadMore();
      else void this.refresh();
    },

    /** 「看回放」: the replay page (in the live subpackage). */
    onOpenReplay(e: WechatMiniprogram.BaseEvent<Record<string, never>, { roomId: string }>) {
      const roomID = e.currentTarget.dataset.roomId;
      if (roomID) wx.navigateTo({ url: `/pages/replay/index?roomID=${encodeURIComponent(roomID)}` });
    },

    onOpenRoom(e: WechatMiniprogram.BaseEvent<Record<string, never>, { roomId: string }>) {
      const roomID = e.currentTarget.dataset.roomId;
      if (roomID) wx.navigateTo({ url: `/pages/audience/index?roomID=${encodeURIComponent(roomID)}` });
    },
  },
});
