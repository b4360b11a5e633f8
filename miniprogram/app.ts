// The app shell: MobX strict mode for every store, and the event channel kept open while signed in and in the
// foreground (an incoming call opens the ring screen). Sessions, rooms and the engine live in stores/ and services/.
import { configure, reaction } from 'mobx-miniprogram';
import { callStore, eventSocket, userStore } from './stores/index';

configure({ enforceActions: 'observed' });

/** The ring screen's route (main package: it opens fast from any page). */
const RING_PAGE = 'home/ring/index';

// Signed in: the channel opens; signed out: it closes for good.
reaction(
  () => userStore.user?.id ?? null,
  (userID) => {
    if (userID !== null) return eventSocket.start();
    eventSocket.stop();
    callStore.reset();
  },
);

// A call rings here: show the ring screen over whatever page is open.
reaction(
  () => callStore.incoming?.id ?? null,
  (ringing) => {
    const top = getCurrentPages().pop();
    if (ringing !== null && top?.route !== RING_PAGE) wx.navigateTo({ url: `/${RING_PAGE}` });
  },
);

App<IAppOption>({
  globalData: {},
  onShow() {
    if (userStore.user === null) userStore.restore();
    eventSocket.show();
  },
  onHide() {
    eventSocket.hide();
    callStore.hide();
  },
});
