import { ApiError } from '../lib/errors';

/** What code2Session tells us about the person behind a wx.login code. session_key is never kept. */
export interface WechatSession {
  openid: string;
  unionid?: string;
}

interface Code2SessionBody {
  openid?: string;
  unionid?: string;
  session_key?: string;
  errcode?: number;
  errmsg?: string;
}

/** Options of one code2Session call. */
export interface Code2SessionOptions {
  apiBase: string;
  appID: string;
  secret: string;
  code: string;
  timeoutMs?: number;
}

/** Exchanges a wx.login code for the openid (auth.code2Session); maps WeChat's failures to API errors. */
export async function code2Session(options: Code2SessionOptions): Promise<WechatSession> {
  const url = new URL('/sns/jscode2session', options.apiBase);
  url.search = new URLSearchParams({
    appid: options.appID,
    secret: options.secret,
    js_code: options.code,
    grant_type: 'authorization_code',
  }).toString();

  let body: Code2SessionBody;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    // WeChat answers JSON with a text/plain content type: parse the text.
    body = JSON.parse(await response.text()) as Code2SessionBody;
  } catch {
    // The URL carries the AppSecret: never put it (or the raw error, which may quote it) in a message.
    throw new ApiError(503, 'WECHAT_UNAVAILABLE', 'WeChat login service is unavailable, please try again');
  }

  const errcode = body.errcode ?? 0;
  if (errcode === 0 && typeof body.openid === 'string' && body.openid !== '') {
    return body.unionid ? { openid: body.openid, unionid: body.unionid } : { openid: body.openid };
  }
  switch (errcode) {
    case 40029: // invalid code
    case 40163: // code already used
      throw new ApiError(
        401,
        'WECHAT_CODE_INVALID',
        'The WeChat login code is invalid or already used; call wx.login again',
      );
    case 40226: // user blocked by risk control
      throw new ApiError(403, 'FORBIDDEN', 'WeChat refused to sign in this user');
    case 45011: // too many requests
      throw new ApiError(429, 'RATE_LIMITED', 'Too many WeChat logins; wait a minute and try again');
    case 40013: // invalid appid
    case 40125: // invalid appsecret
      throw new ApiError(
        503,
        'WECHAT_UNAVAILABLE',
        'WeChat rejected the service credentials (check WECHAT_APPID / WECHAT_SECRET)',
      );
    default: // -1 system busy, and anything unknown
      throw new ApiError(503, 'WECHAT_UNAVAILABLE', 'WeChat login service is unavailable, please try again');
  }
}
