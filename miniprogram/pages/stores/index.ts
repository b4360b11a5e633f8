/**
 * The live subpackage's store singleton: the one live session of the app (one room at a time), wired to the real
 * services and to the main package's signed-in user. Live pages import `liveSession` from here and `userStore` /
 * `roomDirectory` from the main package's stores/index.ts; tests build their own sessions with fakes.
 */
import { api } from '../../services/api';
import { platform } from '../../services/platform';
import { loadRtcEngine } from '../../services/rtc-engine';
import { userStore } from '../../stores/index';
import { LiveSession } from './live-session';
import type { UpcomingDeps } from './upcoming';
import { ObsPush, type ObsSheetView } from './obs-push';

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

/** What an upcoming room's page part uses (the service and the platform; tests may shorten pollMs). */
export const upcomingDeps: UpcomingDeps = { api, platform };

/** The anchor page's OBS sheet over the real service (each page draws its own). */
export const newObsPush = (show: (sheet: ObsSheetView) => void): ObsPush => new ObsPush(api, show);
