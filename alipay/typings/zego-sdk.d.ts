// ZEGO's Alipay SDK is a downloaded file (alipay/libs/ZegoExpressAlipayMiniProgram.js, never committed); its class is
// used through the shared adapter's structural interface (ZegoSdkLike).
declare module '*/libs/ZegoExpressAlipayMiniProgram.js' {
  export const ZegoExpressEngine: import('../services/rtc-engine').ZegoSdkConstructor;
}
