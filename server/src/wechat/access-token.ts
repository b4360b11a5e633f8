/** WeChat server API access: the stable access token, cached until shortly before it expires. */

/** Where and as whom the service calls WeChat's server API. */
export interface WeChatCredentials {
  appID: string;
  secret: string;
  /** https://api.weixin.qq.com in production; a loopback fake in tests. */
  apiBase: string;
  /** Per request; WeChat normally answers within a second. */
  timeoutMs?: number;
}

/** A WeChat failure the route turns into 502 (WeChat said no) or 503 (WeChat unreachable or busy). */
export class WeChatError extends Error {
  constructor(
    message: string,
    readonly statusCode: 502 | 503,
    readonly errcode?: number,
  ) {
    super(message);
    this.name = 'WeChatError';
  }
}

/** The fetch the WeChat client uses; tests and the CLI pass the global one. */
export type FetchLike = typeof fetch;

/** errcodes that mean "try again later" rather than "misconfigured". */
const BUSY_ERRCODES = new Set([-1, 45009, 45011, 45033, 45063]);
/** Renew this long before WeChat's expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 8000;

/** Turns a WeChat `{errcode, errmsg}` body into a WeChatError with the right status. */
export function wechatErrorFrom(api: string, body: { errcode?: number; errmsg?: string }): WeChatError {
  const errcode = body.errcode ?? 0;
  const status = BUSY_ERRCODES.has(errcode) ? 503 : 502;
  return new WeChatError(
    `WeChat ${api} failed: errcode ${errcode} ${body.errmsg ?? ''}`.trim(),
    status,
    errcode,
  );
}

/** POSTs JSON to a WeChat API and returns the raw response; network failures become 503. */
export async function postToWeChat(
  fetchImpl: FetchLike,
  url: string,
  body: unknown,
  api: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Response> {
  try {
    return await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WeChatError(`WeChat ${api} is unreachable (${reason})`, 503);
  }
}

/** errcodes that mean our cached access token is no longer good. */
const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

/** Calls a WeChat API with the cached access token; renews the token once if WeChat says it went stale. */
export async function withAccessToken<T>(
  tokens: AccessTokenCache,
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(await tokens.get());
  } catch (error) {
    if (!(error instanceof WeChatError) || !TOKEN_ERRCODES.has(error.errcode ?? 0)) throw error;
    tokens.invalidate();
    return call(await tokens.get());
  }
}

interface CachedToken {
  value: string;
  renewAt: number;
}

/** Fetches `cgi-bin/stable_token` once and shares it until shortly before expiry (one request in flight). */
export class AccessTokenCache {
  private cached: CachedToken | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly credentials: WeChatCredentials,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token, from the cache when it is still fresh. */
  async get(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.value;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Forgets the cached token (WeChat said it is invalid or expired). */
  invalidate(): void {
    this.cached = null;
  }

  private async fetchToken(): Promise<string> {
    const { appID, secret, apiBase, timeoutMs } = this.credentials;
    const response = await postToWeChat(
      this.fetchImpl,
      `${apiBase.replace(/\/+$/, '')}/cgi-bin/stable_token`,
      { grant_type: 'client_credential', appid: appID, secret, force_refresh: false },
      'stable_token',
      timeoutMs,
    );
    let body: { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new WeChatError(`WeChat stable_token answered HTTP ${response.status} without JSON`, 502);
    }
    if (!body.access_token) throw wechatErrorFrom('stable_token', body);
    const lifetimeMs = (body.expires_in ?? 7200) * 1000;
    const renewIn = lifetimeMs > 2 * EXPIRY_MARGIN_MS ? lifetimeMs - EXPIRY_MARGIN_MS : lifetimeMs / 2;
    this.cached = { value: body.access_token, renewAt: this.now() + renewIn };
    return body.access_token;
  }
}
