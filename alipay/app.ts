/**
 * The Alipay app shell: a 1v1 video call on the shared core. Android's rtc-room resource package is asked for at
 * launch (the call page waits for it and says so when it fails).
 */
import { prepareRtcResource } from './services/rtc-resource';

App({
  onLaunch() {
    void prepareRtcResource();
  },
});
