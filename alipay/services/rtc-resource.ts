/**
 * Android's rtc-room needs a resource package downloaded first: my.call('prepareRTCResource') at launch (ZEGO's
 * Alipay sample does it in App.onLaunch); iOS has it built in. The call page waits for it and says so when it fails.
 */

/** Where the package stands. */
export type RtcResourceState = 'pending' | 'ready' | 'failed';

let state: RtcResourceState = 'pending';
let preparing: Promise<RtcResourceState> | null = null;

/** Asks Alipay for the package once (again after a failure); resolves how it went. */
export function prepareRtcResource(): Promise<RtcResourceState> {
  if (state === 'ready') return Promise.resolve(state);
  if (preparing) return preparing;
  preparing = new Promise<RtcResourceState>((resolve) => {
    const platform = String(my.getSystemInfoSync().platform).toLowerCase();
    if (platform === 'ios') {
      resolve('ready');
      return;
    }
    my.call('prepareRTCResource', {}, (result: { success?: boolean } | null) => {
      resolve(result && result.success === true ? 'ready' : 'failed');
    });
  }).then((next) => {
    state = next;
    preparing = null;
    return next;
  });
  return preparing;
}

/** The last known state (for tests and the page). */
export function rtcResourceState(): RtcResourceState {
  return state;
}

/** Forgets the state (tests). */
export function resetRtcResource(): void {
  state = 'pending';
  preparing = null;
}
