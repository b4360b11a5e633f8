/**
 * subscribeMessage.send: one subscribe message (here the start reminder, 开播提醒) to one openid, with the shared
 * access token. A user who accepted a one-time template may be sent one message per acceptance; 43101 means the
 * user refused (or has no acceptance left).
 */
import { AccessTokenCache, FetchLike, WeChatError, postToWeChat, withAccessToken } from './access-token';

/** Which build the message opens (WECHAT_ENV_VERSION release/trial/develop in WeChat's words). */
export type MiniprogramState = 'formal' | 'trial' | 'developer';

/** The miniprogram_state of a WECHAT_ENV_VERSION. */
export const miniprogramStateOf = (envVersion: 'release' | 'trial' | 'develop'): MiniprogramState =>
  envVersion === 'release' ? 'formal' : envVersion === 'trial' ? 'trial' : 'developer';

/** One message: whom, which template, the page it opens and the template's keyword values. */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, string>;
  miniprogramState: MiniprogramState;
}

/** What WeChat answered: sent, or its errcode (43101 refused; -1 busy; 0 never here). */
export type SendOutcome = { ok: true } | { ok: false; errcode: number; errmsg: string };

/** errcode of a user who refused (or has no acceptance left): recorded as refused, never retried. */
export const REFUSED_ERRCODE = 43101;

/** Calls cgi-bin/message/subscribe/send with the shared access token (renewed once if WeChat says it went stale). */
export class SubscribeMessageClient {
  constructor(
    private readonly tokens: AccessTokenCache,
    private readonly apiBase: string,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs?: number,
  ) {}

  /** WeChat's answer to one send; a WeChatError (503) only when WeChat could not be reached. */
  async send(message: SubscribeMessage): Promise<SendOutcome> {
    try {
      return await withAccessToken(this.tokens, (token) => this.sendOnce(message, token));
    } catch (error) {
      // A stale token twice over, or the token itself refused: an outcome like any other errcode.
      if (error instanceof WeChatError && error.errcode !== undefined) {
        return { ok: false, errcode: error.errcode, errmsg: error.message };
      }
      throw error;
    }
  }

  private async sendOnce(message: SubscribeMessage, token: string): Promise<SendOutcome> {
    const base = this.apiBase.replace(/\/+$/, '');
    const response = await postToWeChat(
      this.fetchImpl,
      `${base}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
      {
        touser: message.touser,
        template_id: message.templateId,
        page: message.page,
        data: Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value }])),
        miniprogram_state: message.miniprogramState,
        lang: 'zh_CN',
      },
      'subscribe_send',
      this.timeoutMs,
    );
    let body: { errcode?: number; errmsg?: string };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new WeChatError(`WeChat subscribe_send answered HTTP ${response.status} without JSON`, 503);
    }
    const errcode = body.errcode ?? 0;
    if (errcode === 0) return { ok: true };
    // A stale token is renewed by withAccessToken (it retries once on these).
    if ([40001, 40014, 42001].includes(errcode)) {
      throw new WeChatError(`WeChat subscribe_send: errcode ${errcode}`, 502, errcode);
    }
    return { ok: false, errcode, errmsg: body.errmsg ?? '' };
  }
}

/** Cuts a value to WeChat's limit for its keyword type (thing 20, name 10, others 32 characters). */
export function fitKeyword(key: string, value: string): string {
  const limit = key.startsWith('thing') ? 20 : key.startsWith('name') ? 10 : 32;
  const chars = [...value];
  return chars.length <= limit ? value : chars.slice(0, limit - 1).join('') + '…';
}

/** A time as WeChat's `time` keyword shows it, in China time: "2026-12-03 20:00". */
export function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}
