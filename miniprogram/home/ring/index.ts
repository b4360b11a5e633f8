/**
 * The ring screen: an incoming call (the caller's avatar and name, 接听 / 拒绝, the ring playing), the call this
 * device places (「正在呼叫…」, 取消), and how it ended (「对方忙线中」「对方无应答」「未接来电」「已在其他设备接听」,
 * declined, cancelled), which closes itself after a moment. An accepted call opens the call page.
 */
import { reaction, type IReactionDisposer } from 'mobx-miniprogram';
import { callStore } from '../../stores/index';
import { OUTCOME_CLOSE_MS } from '../../utils/call-outcome';
import { bindFields, PageView, forwardPageLifetimes } from '../shared/view-port';

/** What the screen shows: ringing here, calling out, or an outcome. */
export type RingScreen = 'incoming' | 'outgoing' | 'outcome';

const FIELDS = bindFields(callStore, ['peer', 'media', 'outcome', 'error'], {
  screen: (s): RingScreen => (s.incoming ? 'incoming' : s.outgoing ? 'outgoing' : 'outcome'),
});

interface PageState {
  view: PageView<typeof callStore>;
  disposers: IReactionDisposer[];
  closeTimer: ReturnType<typeof setTimeout> | null;
}

const pages = new WeakMap<object, PageState>();

Component({
  data: {
    peer: null as { nickname: string; avatarUrl: string } | null,
    media: 'video' as 'video' | 'audio',
    outcome: '',
    error: '',
    screen: 'outcome' as RingScreen,
  },

  lifetimes: {
    attached() {
      const state: PageState = {
        view: new PageView(this, callStore, FIELDS),
        disposers: [],
        closeTimer: null,
      };
      pages.set(this, state);
      state.view.attach();
      state.disposers.push(
        // Accepted: into the call room (the call page joins it as a member; audio-only when the call is).
        reaction(
          () => callStore.answered,
          (answered) => {
            if (!answered) return;
            callStore.tookAnswered();
            const query = `roomID=${encodeURIComponent(answered.roomId)}&invitation=${answered.invitationId}&media=${answered.media}`;
            wx.redirectTo({ url: `/pages/call/index?${query}` });
          },
          { fireImmediately: true },
        ),
        // Ended: the outcome stays a moment, then the screen closes.
        reaction(
          () => (callStore.incoming || callStore.outgoing ? '' : callStore.outcome || callStore.error),
          (ended) => {
            if (state.closeTimer !== null) clearTimeout(state.closeTimer);
            state.closeTimer = ended
              ? setTimeout(() => wx.navigateBack({ delta: 1 }), OUTCOME_CLOSE_MS)
              : null;
          },
        ),
      );
    },
    detached() {
      const state = pages.get(this);
      if (!state) return;
      state.disposers.forEach((dispose) => dispose());
      if (state.closeTimer !== null) clearTimeout(state.closeTimer);
      state.view.destroy();
      // Leaving the screen while ringing stops the ring (the invitation rings on until it times out).
      callStore.hide();
      callStore.closed();
    },
  },

  pageLifetimes: forwardPageLifetimes(),

  methods: {
    /** Opened over any page when a call rings here, or by the caller after placing one: the store has it all. */
    onLoad() {},
    onShow() {
      pages.get(this)?.view.show();
    },
    onHide() {
      pages.get(this)?.view.hide();
      callStore.hide();
    },
    onAccept() {
      void callStore.accept();
    },
    onDecline() {
      void callStore.decline();
    },
    onCancel() {
      void callStore.cancel();
    },
    onClose() {
      wx.navigateBack({ delta: 1 });
    },
  },
});
