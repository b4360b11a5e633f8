/**
 * The Alipay app's stores: the same shared session, user and room directory as WeChat's, wired to my.* and to ZEGO's
 * Alipay SDK. Pages import these singletons; tests build their own with fakes.
 */
import { LiveSession } from '../miniprogram/pages/stores/live-session';
import { RoomDirectory } from '../miniprogram/stores/rooms';
import { UserStore } from '../miniprogram/stores/user';
import { alipayApi } from './services/api';
import { loadAlipayEngine } from './services/engine-loader';
import { platform } from './services/platform';

/** The signed-in user (Alipay sign-in; the service's development sign-in without Alipay credentials). */
export const userStore = new UserStore({
  api: alipayApi,
  platform,
  signInWithCode: (code, nickname, avatarUrl) => alipayApi.signInWithAlipay(code, nickname, avatarUrl),
});

/** The one call session of the app. */
export const liveSession = new LiveSession({
  loadEngine: () => loadAlipayEngine(),
  api: alipayApi,
  platform,
  currentUser: () => {
    const user = userStore.user;
    return user ? { id: user.id, nickname: user.nickname } : null;
  },
});

/** Calls and rooms on the service. */
export const roomDirectory = new RoomDirectory({
  api: alipayApi,
  currentUserID: () => userStore.user?.id ?? null,
  signOut: () => userStore.signOut(),
});
