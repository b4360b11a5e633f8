// ZEGO's Alipay SDK is a downloaded file (alipay/libs/ZegoExpressAlipayMiniProgram.js, never committed); its class is
// used through the shared adapter's structural interface, so only the export's existence is declared here.
declare module '*/libs/ZegoExpressAlipayMiniProgram.js' {
  export const ZegoExpressEngine: new (appID: number, server: string | string[]) => object;
}
