/**
 * Build-time settings of the mini-program. No secret ever lives here: the ZEGO app ID and server come from
 * the live service's /api/config, tokens from /api/rooms/:id/token.
 */

/** The live service. In DevTools point it at your machine (enable "不校验合法域名" for http); on a phone, an https domain. */
export const API_BASE_URL = 'http://127.0.0.1:3000';

/** Shown on zego-pusher while the anchor's app is in the background (viewers see it instead of a frozen frame). */
export const WAITING_IMAGE = 'https://storage.zego.im/downloads/pause_publish.png';

/** How many chat messages the room screen keeps. */
export const CHAT_WINDOW = 30;
