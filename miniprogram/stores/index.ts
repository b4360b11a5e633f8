/**
 * The app's store singletons, wired to the real services. Pages import `liveSession`, `userStore` and
 * `roomDirectory` from here; tests build their own instances with fakes.
 */
import { api } from '../services/api';
import { platform } from '../services/platform';
import { loadRtcEngine } from '../services/rtc-engine';
import { LiveSession } from './live-session';
import { RoomDirectory } from './rooms';
import { UserStore } from './user';

/** The signed-in user. */
export const userStore = new UserStore({
  api,
  platform,
  signInWithCode: (code, nickname, avatarUrl) => api.signInWithWechat(code, nickname, avatarUrl),
});

/** The one live session of the app (one room at a time). */
export const liveSession = new LiveSession({
  loadEngine: () => loadRtcEngine(),
  api,
  platform,
  currentUser: () => {
    const user = userStore.user;
    return user ? { id: user.id, nickname: user.nickname } : null;
  },
});

/** The live service's rooms (list, read, create, claim) for the pages. */
export const roomDirectory = new RoomDirectory({
  api,
  currentUserID: () => userStore.user?.id ?? null,
  signOut: () => userStore.signOut(),
});
