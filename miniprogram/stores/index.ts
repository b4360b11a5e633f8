/**
 * The app's store singletons, wired to the real services. Pages import `liveSession` and `userStore` from here;
 * tests build their own instances with fakes.
 */
import { api } from '../services/api';
import { platform } from '../services/platform';
import { loadRtcEngine } from '../services/rtc-engine';
import { LiveSession } from './live-session';
import { UserStore } from './user';

/** The signed-in user. */
export const userStore = new UserStore();

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
