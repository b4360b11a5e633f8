/**
 * The 1v1 video call on Alipay, ZEGO's call guide on the shared session: opened with `roomID` (the WeChat caller's
 * invite link, or an Alipay one). Waits for Android's rtc-room package, signs in, checks the call (a call, not
 * ended, a seat for us), fetches the rtc-room parameters, then joins as a call member: the own stream's push URL
 * and the peer's pull URL go into `<rtc-room>`'s extraInfo (rtc-room.ts re-creates it on every change), and every
 * onRtmpEvent reaches the SDK under the right stream ID.
 */
import { ApiError } from '../../../miniprogram/services/api-client';
import { callRefusal, formatDuration } from '../../../miniprogram/pages/stores/call';
import { parseAudienceEntry, type EntryQuery } from '../../../miniprogram/utils/entry';
import { describeServiceError } from '../../../miniprogram/utils/error-catalog';
import { alipayApi, type RtcRoomParams } from '../../services/api';
import { prepareRtcResource } from '../../services/rtc-resource';
import { liveSession, roomDirectory, userStore } from '../../session';
import { bindToPage, type DataHost } from '../shared/bind';
import { RtcRoomPort } from './rtc-room';

/** A full-screen notice and its button. */
interface Blocked {
  title: string;
  message: string;
  actionText: string;
  action: 'retry' | 'back';
}

/** What the page keeps outside `data`. */
interface PageState {
  roomID: string;
  port: RtcRoomPort | null;
  params: Promise<RtcRoomParams> | null;
  unbind: (() => void) | null;
  clock: ReturnType<typeof setInterval> | null;
  unloaded: boolean;
}

/** `this` in the page's handlers. */
interface CallPage extends DataHost {
  data: Record<string, unknown> & { blocked: Blocked | null; nickname: string; elapsed: string };
  onEnter(): Promise<void>;
  onBack(): void;
  tick(): void;
}

const states = new WeakMap<object, PageState>();
const stateOf = (page: object): PageState | undefined => states.get(page);

const BACK = { actionText: '返回', action: 'back' as const };
const RETRY = { actionText: '重试', action: 'retry' as const };

/** rtc-room's push success/failure and play success/failure (ZEGO's Alipay guide). */
const PUSH_EVENTS = [3800, 3801];
const PULL_EVENTS = [3802, 3803];

/** The session fields this page renders. */
function selectFields(): Record<string, unknown> {
  const s = liveSession;
  return {
    phase: s.phase,
    statusText: s.statusText,
    error: s.error,
    errorActionText: s.errorActionText,
    notice: s.notice,
    peerName: s.callPeer?.userName ?? '',
    callSummary: s.callSummary,
    callConnectedAt: s.callConnectedAt,
    enableCamera: s.pusher?.enableCamera ?? true,
    muted: s.pusher?.muted ?? false,
    publishState: s.pusher?.state ?? 'NO_PUBLISH',
    playState: s.players[0]?.state ?? 'NO_PLAY',
  };
}

function isIOS(): boolean {
  return String(my.getSystemInfoSync().platform).toLowerCase() === 'ios';
}

function blockedFor(error: unknown): Blocked {
  if (error instanceof ApiError) {
    if (error.status === 404)
      return { title: '通话不存在', message: '找不到这个通话，可能链接有误', ...BACK };
    if (error.code === 'RTC_ROOM_NOT_CONFIGURED')
      return { title: '暂不能通话', message: '支付宝音视频通话还没有开通，请联系客服', ...BACK };
    if (error.status === 0) return { title: '网络不可用', message: error.message, ...RETRY };
  }
  // Anything else in the error catalog's Chinese (the service's English message is for the log only).
  const shown = describeServiceError(error, {
    fallback: { code: 'LOOKUP', message: '通话信息加载失败，请稍后重试', action: 'retry' },
  });
  return { title: '加载失败', message: shown.message, ...(shown.action === 'leave' ? BACK : RETRY) };
}

const callPage = {
  data: {
    screen: 'loading',
    blocked: null as Blocked | null,
    nickname: '',
    signInError: '',
    rtcRoom: null,
    roomID: '',
    userID: '',
    elapsed: '',
    phase: 'idle',
    statusText: '',
    error: null,
    errorActionText: '',
    notice: '',
    peerName: '',
    callSummary: '',
    callConnectedAt: 0,
    enableCamera: true,
    muted: false,
    publishState: 'NO_PUBLISH',
    playState: 'NO_PLAY',
  },

  onLoad(query: EntryQuery) {
    const parsed = parseAudienceEntry(query ?? {});
    const state: PageState = {
      roomID: '',
      port: null,
      params: null,
      unbind: null,
      clock: null,
      unloaded: false,
    };
    states.set(this, state);
    if (!parsed.ok) {
      this.setData({
        screen: 'blocked',
        blocked: { title: '通话号不正确', message: parsed.error.message, ...BACK },
      });
      return;
    }
    state.roomID = parsed.entry.roomID;
    this.setData({ roomID: state.roomID });
    void this.onEnter();
  },

  onShow() {
    const state = stateOf(this);
    if (!state || state.unloaded) return;
    if (!state.unbind) state.unbind = bindToPage(this, selectFields);
    if (state.clock === null) state.clock = setInterval(() => this.tick(), 1000);
    liveSession.pageShown();
  },

  onHide() {
    const state = stateOf(this);
    if (!state) return;
    liveSession.pageHidden();
    state.unbind?.();
    state.unbind = null;
    if (state.clock !== null) clearInterval(state.clock);
    state.clock = null;
  },

  onUnload() {
    const state = stateOf(this);
    if (!state || state.unloaded) return;
    state.unloaded = true;
    state.unbind?.();
    state.unbind = null;
    if (state.clock !== null) clearInterval(state.clock);
    state.clock = null;
    if (state.port) {
      liveSession.leave();
      liveSession.detachView();
      state.port.dispose();
    }
  },

  /** Resource package, sign-in, the call's checks, rtc-room parameters, then the session joins. */
  async onEnter() {
    const state = stateOf(this);
    if (!state || state.unloaded) return;
    this.setData({ screen: 'loading' });
    if ((await prepareRtcResource()) === 'failed') {
      this.setData({
        screen: 'blocked',
        blocked: {
          title: '通话组件准备失败',
          message: '支付宝需要先下载音视频组件，请检查网络后重试',
          ...RETRY,
        },
      });
      return;
    }
    const user = userStore.user ?? (userStore.restore() ? userStore.user : null);
    if (!user) {
      this.setData({ screen: 'signin' });
      return;
    }
    try {
      const room = await roomDirectory.getRoom(state.roomID);
      const refused = callRefusal(room, user.id);
      if (refused) {
        this.setData({ screen: 'blocked', blocked: { ...refused, ...BACK } });
        return;
      }
    } catch (error) {
      if (!state.unloaded) this.setData({ screen: 'blocked', blocked: blockedFor(error) });
      return;
    }
    if (state.unloaded) return;
    const port = new RtcRoomPort(this, {
      pushUrl: () => liveSession.pusher?.url ?? '',
      pullUrl: (streamID) => liveSession.players.find((p) => p.streamID === streamID)?.url ?? '',
      media: () => ({
        enableCamera: liveSession.pusher?.enableCamera ?? true,
        muted: liveSession.pusher?.muted ?? false,
      }),
      params: () => {
        // asked once, after the call token made us a member (the service gives them to members only)
        if (!state.params) {
          state.params = alipayApi.getRtcRoomParams(state.roomID);
          state.params.catch((error: unknown) => {
            if (state.unloaded) return;
            liveSession.leave();
            this.setData({ screen: 'blocked', blocked: blockedFor(error) });
          });
        }
        return state.params;
      },
    });
    state.port = port;
    liveSession.attachView(port);
    this.setData({ screen: 'room', userID: user.id });
    await liveSession.start({ roomID: state.roomID, role: 'call' });
  },

  onNicknameInput(e: { detail: { value: string } }) {
    this.setData({ nickname: e.detail.value, signInError: '' });
  },

  /** Alipay sign-in (my.getAuthCode); the service's development sign-in with the nickname without Alipay. */
  async onSignIn() {
    const nickname = String(this.data.nickname).trim();
    if (!nickname) {
      this.setData({ signInError: '请输入昵称' });
      return;
    }
    if (await userStore.signIn(nickname, '')) await this.onEnter();
    else this.setData({ signInError: userStore.error?.message ?? '登录失败，请稍后重试' });
  },

  /** rtc-room's onRtmpEvent: 3800/3801 are the own stream's, 3802/3803 the peer's (into the SDK through the session). */
  onRtmpEvent(e: { detail: { code?: number; message?: string } }) {
    const code = e.detail.code ?? -1;
    if (PUSH_EVENTS.includes(code)) liveSession.onPusherStateChange({ detail: e.detail });
    else if (PULL_EVENTS.includes(code)) {
      const streamID = stateOf(this)?.port?.playing;
      if (streamID) liveSession.onPlayerStateChange(streamID, { detail: e.detail });
    }
  },

  /** rtc-room's onError: shown with its code (the session's error catalog). */
  onRtcError(e: { detail: { errorCode?: number; code?: number; errorMessage?: string } }) {
    liveSession.onPusherError({
      errCode: e.detail.errorCode ?? e.detail.code ?? -1,
      errMsg: e.detail.errorMessage ?? '',
    });
  },

  onToggleCamera() {
    liveSession.toggleCamera();
    stateOf(this)?.port?.applyMedia(isIOS());
  },

  onToggleMicrophone() {
    liveSession.toggleMicrophone();
    stateOf(this)?.port?.applyMedia(isIOS());
  },

  onHangUp() {
    void liveSession.hangUp();
  },

  /** 遇到问题？: the user's words, the device and the app's last log lines (free of secrets) to the service. */
  onReportProblem() {
    my.prompt({
      title: '遇到问题？',
      message: '说说遇到了什么问题，我们会连同设备信息和最近的运行记录一起查看',
      placeholder: '例如：看不到对方画面',
      okButtonText: '发送',
      cancelButtonText: '取消',
      success: (result: { ok: boolean; inputValue?: string }) => {
        const text = (result.inputValue ?? '').trim();
        if (!result.ok || text === '') return;
        liveSession.reportProblem(text).then(
          () => my.showToast({ content: '已发送，谢谢反馈', type: 'success' }),
          (error: unknown) => my.showToast({ content: describeServiceError(error).message, type: 'fail' }),
        );
      },
    });
  },

  /** The error panel's button: retry, or the settings page (camera/microphone refused; 10002). */
  onErrorAction() {
    const action = liveSession.error?.action;
    if (action === 'retry') void liveSession.retry();
    else if (action === 'openSetting') void liveSession.openSetting();
    else if (action === 'leave') this.onBack();
  },

  onBlockedAction() {
    if (this.data.blocked?.action === 'retry') void this.onEnter();
    else this.onBack();
  },

  onBack() {
    my.navigateBack({ fail: () => my.reLaunch({ url: '/pages/call/index' }) });
  },

  /** The running time, once a second while connected. */
  tick() {
    const since = Number(this.data.callConnectedAt);
    const elapsed = since ? formatDuration(Date.now() - since) : '';
    if (elapsed !== this.data.elapsed) this.setData({ elapsed });
  },

  onShareAppMessage() {
    return {
      title: '邀请你视频通话',
      path: `pages/call/index?roomID=${encodeURIComponent(String(this.data.roomID))}`,
    };
  },
} satisfies Record<string, unknown> & ThisType<CallPage>;

Page(callPage as unknown as Parameters<typeof Page>[0]);
