/**
 * Native live-pusher / live-player context calls (start, stop, play...) as promises, for our zego-pusher and
 * zego-player components: success resolves, fail rejects with a NativeCallError {code, msg}.
 */

/** A failed native context call; the same shape as the engine's RtcError, so the store reads both alike. */
export interface NativeCallError {
  code: number;
  msg: string;
}

type NativeFail = WechatMiniprogram.GeneralCallbackResult & { errCode?: number };

/** Runs one context call; `what` names the component in the rejection when the native side gives no message. */
export function callNative(
  what: 'live-pusher' | 'live-player',
  run: (callbacks: { success: () => void; fail: (res: NativeFail) => void }) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    run({
      success: () => resolve(),
      fail: (res) => {
        const error: NativeCallError = {
          code: res?.errCode ?? -1,
          msg: res?.errMsg ?? `${what} call failed`,
        };
        reject(error);
      },
    }),
  );
}
