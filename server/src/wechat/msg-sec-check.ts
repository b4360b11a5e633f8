/**
 * security.msgSecCheck (version 2): WeChat's content check of a user's text, with the user's openid. A hit still
 * answers errcode 0; the verdict is result.suggest (pass, review or risky) and result.label (100 normal, 20001
 * politics, 20002 porn, 20003 abuse, ...).
 */
import {
  AccessTokenCache,
  FetchLike,
  WeChatError,
  postToWeChat,
  wechatErrorFrom,
  withAccessToken,
} from './access-token';

/** WeChat's verdict on one text. */
export type Suggest = 'pass' | 'review' | 'risky';

/** What the check says about one text. */
export interface ContentVerdict {
  suggest: Suggest;
  /** 100 normal; 10001 ad, 20001 politics, 20002 porn, 20003 abuse, 20006 illegal, 20008 fraud, 20012 vulgar ... */
  label: number;
  traceId: string | null;
}

/** What is checked: the text, where it is shown (2 = comment), and who wrote it. */
export interface ContentToCheck {
  content: string;
  openid: string;
  /** 1 profile, 2 comment, 3 forum, 4 social log; chat in a live room is a comment. */
  scene: 1 | 2 | 3 | 4;
  nickname?: string;
}

const SUGGESTS = new Set<string>(['pass', 'review', 'risky']);

/** Calls wxa/msg_sec_check with the shared access token (renewed once if WeChat says it went stale). */
export class MsgSecCheckClient {
  constructor(
    private readonly tokens: AccessTokenCache,
    private readonly apiBase: string,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs?: number,
  ) {}

  /** WeChat's verdict; a WeChatError (502/503) when WeChat cannot give one. */
  check(text: ContentToCheck): Promise<ContentVerdict> {
    return withAccessToken(this.tokens, (token) => this.checkOnce(text, token));
  }

  private async checkOnce(text: ContentToCheck, token: string): Promise<ContentVerdict> {
    const url = `${this.apiBase.replace(/\/+$/, '')}/wxa/msg_sec_check?access_token=${encodeURIComponent(token)}`;
    const response = await postToWeChat(
      this.fetchImpl,
      url,
      {
        content: text.content,
        version: 2,
        scene: text.scene,
        openid: text.openid,
        ...(text.nickname ? { nickname: text.nickname } : {}),
      },
      'msg_sec_check',
      this.timeoutMs,
    );
    let body: {
      errcode?: number;
      errmsg?: string;
      trace_id?: string;
      result?: { suggest?: string; label?: number };
    };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new WeChatError(`WeChat msg_sec_check answered HTTP ${response.status} without JSON`, 502);
    }
    if ((body.errcode ?? 0) !== 0) throw wechatErrorFrom('msg_sec_check', body);
    const suggest = body.result?.suggest;
    if (typeof suggest !== 'string' || !SUGGESTS.has(suggest)) {
      throw new WeChatError('WeChat msg_sec_check answered without a result.suggest', 502);
    }
    return {
      suggest: suggest as Suggest,
      label: typeof body.result?.label === 'number' ? body.result.label : 0,
      traceId: typeof body.trace_id === 'string' ? body.trace_id : null,
    };
  }
}
