/**
 * Build-time settings of the Alipay app. No secret ever lives here: the ZEGO app ID and server come from the live
 * service's /api/config, tokens and the rtc-room parameters from the service for each call.
 */

/** The live service (the same one the WeChat app uses). On a phone, an https domain in the request allow-list. */
export const API_BASE_URL = 'http://127.0.0.1:3000';

/** Where the build expects ZEGO's Alipay SDK (downloaded from ZEGO; never committed). */
export const SDK_FILE = 'libs/ZegoExpressAlipayMiniProgram.js';
