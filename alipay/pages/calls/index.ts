/**
 * Calls on Alipay: the invitation ringing here (接听 / 拒绝, a buzz), the call this phone places (「正在呼叫…」,
 * 取消), how each ended in words, and my call records (tap to call back). The shared call store decides; the event
 * channel runs over my.connectSocket while this page shows. An answered call opens the call page with its room.
 */
import { callRowsFrom } from '../../../miniprogram/utils/call-rows';
import { callStore, eventSocket, userStore } from '../../session';
import { bindToPage, type DataHost } from '../shared/bind';

/** What `<rtc-room>` cannot do, said on screen (and in the README). */
export const RTC_ROOM_LIMITS = '支付宝端只支持视频通话：语音通话会以视频接通，也不能切换扬声器和听筒';

const unbinds = new WeakMap<object, () => void>();

/** The store fields this page renders. */
function selectFields(): Record<string, unknown> {
  const s = callStore;
  return {
    signedIn: userStore.user !== null,
    phase: s.phase,
    ringing: s.incoming !== null,
    calling: s.outgoing !== null,
    peerName: s.peer?.nickname ?? '',
    audioAsked: s.media === 'audio',
    outcome: s.outcome,
    error: s.error,
    missedNote: s.unseenMissed > 0 ? `（${s.unseenMissed} 个未接）` : '',
    rows: callRowsFrom(s.records, Date.now()),
  };
}

const callsPage = {
  data: {
    limits: RTC_ROOM_LIMITS,
    signedIn: false,
    phase: 'idle',
    ringing: false,
    calling: false,
    peerName: '',
    audioAsked: false,
    outcome: '',
    error: '',
    missedNote: '',
    rows: [] as unknown[],
  },

  onShow(this: DataHost) {
    userStore.restore();
    unbinds.get(this)?.();
    unbinds.set(
      this,
      bindToPage(this, () => {
        const fields = selectFields();
        // Accepted: into the call page with its room (the store then goes back to idle).
        const answered = callStore.answered;
        if (answered !== null) {
          my.navigateTo({ url: `/pages/call/index?roomID=${encodeURIComponent(answered.roomId)}` });
          setTimeout(() => callStore.tookAnswered(), 0);
        }
        return fields;
      }),
    );
    if (userStore.user === null) return;
    eventSocket.start();
    eventSocket.show();
    void callStore.loadRecords().then(() => callStore.markSeen());
  },

  onHide() {
    eventSocket.hide();
    callStore.hide();
  },

  onUnload(this: DataHost) {
    unbinds.get(this)?.();
    unbinds.delete(this);
  },

  /** 接听. */
  onAccept() {
    return callStore.accept();
  },

  /** 拒绝. */
  onDecline() {
    return callStore.decline();
  },

  /** 取消 (this phone is calling). */
  onCancel() {
    return callStore.cancel();
  },

  /** A record tapped: call that person back (always video: rtc-room has no audio-only call). */
  onCallBack(e: { currentTarget?: { dataset?: { otherId?: string } } }) {
    const otherId = e.currentTarget?.dataset?.otherId;
    if (otherId) return callStore.call(otherId, 'video');
    return undefined;
  },
};

Page(callsPage);
