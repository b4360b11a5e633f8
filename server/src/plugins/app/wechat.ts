import fp from 'fastify-plugin';
import type { Config } from '../../config';
import { Bound, type BoundLimits } from '../../lib/bound';
import { AccessTokenCache } from '../../wechat/access-token';
import { code2Session, type WechatSession } from '../../wechat/code2session';
import { MsgSecCheckClient } from '../../wechat/msg-sec-check';
import { SubscribeMessageClient } from '../../wechat/subscribe-message';
import { WxaCodeClient } from '../../wechat/wxacode';

/** WeChat's server APIs the service calls, sharing one access token cache. */
export interface WeChat {
  /** Exchanges a wx.login code for the openid (auth.code2Session). */
  signIn(code: string): Promise<WechatSession>;
  /** The content check of chat (msgSecCheck v2), bounded (WECHAT_CHECK_BOUND). */
  contentCheck: Pick<MsgSecCheckClient, 'check'>;
  /** Mini-program codes (getwxacodeunlimit). */
  wxacode: WxaCodeClient;
  /** Subscribe messages (the start reminders). */
  subscribeMessage: SubscribeMessageClient;
}

/** Where WeChat's API is (WECHAT_API_BASE, or a test's loopback fake) and how long a call may take. */
export interface WeChatOptions {
  config: Config;
  now: () => number;
  apiBase?: string;
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** How many content checks may run at once and wait (default WECHAT_CHECK_BOUND). */
  checkBound?: BoundLimits;
}

/**
 * Content checks at once, and waiting: at WeChat's usual 80 ms, 32 at once check 400 lines a second; about a
 * second's worth may wait, past that a line is refused at once (503) rather than queued without end.
 */
export const WECHAT_CHECK_BOUND: BoundLimits = { concurrency: 32, queueMax: 400 };

declare module 'fastify' {
  interface FastifyInstance {
    wechat: WeChat | null;
  }
}

/** The content check within its bound. */
function bounded(client: MsgSecCheckClient, limits: BoundLimits): Pick<MsgSecCheckClient, 'check'> {
  const bound = new Bound('WeChat msg_sec_check', limits);
  return { check: (text) => bound.run(() => client.check(text)) };
}

/** Decorates `wechat`: WeChat's server APIs with the app's credentials, or null when WeChat is not configured. */
export default fp<WeChatOptions>(
  async (
    app,
    { config, now, apiBase = config.wechatApiBase, timeoutMs = 5000, checkBound = WECHAT_CHECK_BOUND },
  ) => {
    const { wechat } = config;
    if (wechat === null) {
      app.decorate('wechat', null);
      return;
    }
    const tokens = new AccessTokenCache(
      { appID: wechat.appID, secret: wechat.secret, apiBase, timeoutMs },
      fetch,
      now,
    );
    const clients: WeChat = {
      signIn: (code) =>
        code2Session({ apiBase, appID: wechat.appID, secret: wechat.secret, code, timeoutMs }),
      contentCheck: bounded(new MsgSecCheckClient(tokens, apiBase, fetch, timeoutMs), checkBound),
      wxacode: new WxaCodeClient(tokens, apiBase, fetch, timeoutMs),
      subscribeMessage: new SubscribeMessageClient(tokens, apiBase, fetch, timeoutMs),
    };
    app.decorate('wechat', clients);
  },
  { name: 'wechat' },
);
