/**
 * 通话记录: my calls, newest first: who, how it ended (missed calls in red), video or voice, how long, when. Tap a row
 * to call back. The missed-call badge goes when the page is seen; 「未接来电提醒」 asks for the one-time subscribe
 * message the service sends when a call to me goes unanswered (like 提醒我 on a planned room).
 */
import { callStore, userStore } from '../../stores/index';
import { rowFrom, type CallRow } from '../../utils/call-rows';
import { bindFields, PageView, forwardPageLifetimes } from '../../home/shared/view-port';

export { callTime, rowFrom, type CallRow } from '../../utils/call-rows';

/** The share card's title. */
export const CALL_CARD_TITLE = '和我视频通话';

/** What a 「和我视频通话」 card opens: the sharer's id and name, and the card's code. */
interface CardQuery {
  card?: string;
  from?: string;
  name?: string;
}

const FIELDS = bindFields(callStore, ['unseenMissed', 'missedNotice', 'error', 'myCard'], {
  rows: (s) => s.records.map((r) => rowFrom(r, Date.now())),
});

const views = new WeakMap<object, PageView<typeof callStore>>();

Component({
  data: {
    rows: [] as CallRow[],
    unseenMissed: 0,
    missedNotice: 'unavailable' as 'available' | 'subscribed' | 'unavailable',
    error: '',
    loaded: false,
    myCard: null as string | null,
    /** The card this page was opened from: call its sharer. */
    cardFrom: null as { card: string; userId: string; name: string } | null,
  },

  lifetimes: {
    attached() {
      const view = new PageView(this, callStore, FIELDS);
      views.set(this, view);
      view.attach();
    },
    detached() {
      views.get(this)?.destroy();
    },
  },

  pageLifetimes: forwardPageLifetimes(),

  methods: {
    onLoad(query: CardQuery = {}) {
      const { card, from, name } = query;
      if (card && from) {
        views.get(this)?.set({ cardFrom: { card, userId: from, name: decodeURIComponent(name ?? '') } });
      }
      void this.refresh();
      void callStore.loadMissedNotice();
      void callStore.loadMyCard();
    },

    /** 「呼叫」 on a card I opened: call its sharer (the card is what allows it). */
    onCallCard() {
      const from = this.data.cardFrom;
      if (!from) return;
      void callStore.call(from.userId, 'video', from.card);
      wx.navigateTo({ url: '/home/ring/index' });
    },

    /** The share card: whoever opens it may call me. */
    onShareAppMessage() {
      const me = userStore.user;
      const card = this.data.myCard;
      const query = me && card ? `?card=${card}&from=${me.id}&name=${encodeURIComponent(me.nickname)}` : '';
      return { title: CALL_CARD_TITLE, path: `/pages/calls/index${query}` };
    },
    onShow() {
      views.get(this)?.show();
    },
    onHide() {
      views.get(this)?.hide();
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },

    /** Reads the records; the badge shows what was unseen until this visit, then goes. */
    async refresh(): Promise<void> {
      await callStore.loadRecords();
      views.get(this)?.set({ loaded: true });
      await callStore.markSeen();
    },

    /** Tap a row: call that person back (the same media), on the ring screen. */
    onCallBack(
      e: WechatMiniprogram.BaseEvent<Record<string, never>, { userId: string; media: 'video' | 'audio' }>,
    ) {
      const { userId, media } = e.currentTarget.dataset;
      if (!userId) return;
      void callStore.call(userId, media);
      wx.navigateTo({ url: '/home/ring/index' });
    },

    /** 「未接来电提醒」: asks WeChat for one missed-call message (must run in the tap). */
    onAskNotice() {
      void callStore.askMissedNotice();
    },
  },
});
