/**
 * The main package's store singletons, wired to the real services: the signed-in user and the room directory,
 * what the login and room-list pages need. The live session lives with the live pages in the live subpackage
 * (pages/stores/index.ts), so the main package carries none of it. Tests build their own instances with fakes.
 */
import { api } from '../services/api';
import { platform } from '../services/platform';
import { RoomDirectory } from './rooms';
import { ReplayShelf } from './replays';
import { UserStore } from './user';

/** The signed-in user. */
export const userStore = new UserStore({
  api,
  platform,
  signInWithCode: (code, nickname, avatarUrl) => api.signInWithWechat(code, nickname, avatarUrl),
});

/** The live service's rooms (list, read, create, claim) for the pages. */
export const roomDirectory = new RoomDirectory({
  api,
  currentUserID: () => userStore.user?.id ?? null,
  signOut: () => userStore.signOut(),
  pickImage: () => {
    const choose = platform().chooseImage;
    return choose ? choose.call(platform()) : Promise.reject(new Error('no chooseImage here'));
  },
});

/** Replays of finished lives (the room list's 「看回放」, the end screens, the replay page). */
export const replayShelf = new ReplayShelf({ api, storage: platform });
