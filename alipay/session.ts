/**
 * The Alipay app's stores: the same shared session, user and room directory as WeChat's, wired to my.* and to ZEGO's
 * Alipay SDK. Pages import these singletons; tests build their own with fakes.
 */
import { LiveSession } from '../miniprogram/pages/stores/live-session';
import { EventSocketClient } from '../miniprogram/services/event-socket';
import { getSessionToken } from '../miniprogram/services/api-client';
import { CallStore } from '../miniprogram/stores/calls';
import { RoomDirectory } from '../miniprogram/stores/rooms';
import { BackoffPolicy } from '../miniprogram/utils/backoff';
import { UserStore } from '../miniprogram/stores/user';
import { API_BASE_URL } from './config';
import { alipayApi } from './services/api';
import { loadAlipayEngine } from './services/engine-loader';
import { platform } from './services/platform';
import { createMyRinger, openMySocket } from './services/socket';

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

/** Calling a person on Alipay: the same invitations, outcomes and records as WeChat's call part. */
export const callStore = new CallStore({
  api: alipayApi,
  platform,
  currentUserID: () => userStore.user?.id ?? null,
  ringer: createMyRinger(),
});

/** The service's event channel over my.connectSocket: open while signed in and the calls page shows. */
export const eventSocket = new EventSocketClient({
  baseUrl: API_BASE_URL,
  sessionToken: () => getSessionToken(),
  open: openMySocket,
  policy: new BackoffPolicy(),
  onEvent: (event) => callStore.receive(event),
});
