/** wxacode.getUnlimited: a mini-program code that opens a page with a `scene` of at most 32 characters. */
import {
  AccessTokenCache,
  FetchLike,
  WeChatError,
  postToWeChat,
  wechatErrorFrom,
  withAccessToken,
} from './access-token';

/** Which build of the mini-program a code opens. */
export type EnvVersion = 'release' | 'trial' | 'develop';

/** What goes into one mini-program code. */
export interface WxaCodeRequest {
  scene: string;
  /** A page path without a leading slash or query, e.g. pages/anchor/index. */
  page: string;
  envVersion: EnvVersion;
  /** false lets unpublished builds (trial, develop) scan the code. */
  checkPath: boolean;
  width?: number;
}

/** The image WeChat returned. */
export interface WxaCodeImage {
  image: Buffer;
  contentType: string;
}

/** Calls getwxacodeunlimit; the answer is either image bytes or a JSON error (detected, never forwarded). */
export class WxaCodeClient {
  constructor(
    private readonly tokens: AccessTokenCache,
    private readonly apiBase: string,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs?: number,
  ) {}

  /** Gets the code image; renews the access token once if WeChat says it went stale. */
  getUnlimited(request: WxaCodeRequest): Promise<WxaCodeImage> {
    return withAccessToken(this.tokens, (token) => this.requestOnce(request, token));
  }

  private async requestOnce(request: WxaCodeRequest, token: string): Promise<WxaCodeImage> {
    const url = `${this.apiBase.replace(/\/+$/, '')}/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(token)}`;
    const response = await postToWeChat(
      this.fetchImpl,
      url,
      {
        scene: request.scene,
        page: request.page,
        check_path: request.checkPath,
        env_version: request.envVersion,
        width: request.width ?? 430,
      },
      'getwxacodeunlimit',
      this.timeoutMs,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get('content-type') ?? '';
    const imageType = contentType.startsWith('image/') ? contentType : sniffImageType(bytes);
    if (response.ok && imageType) return { image: bytes, contentType: imageType };
    throw errorFromBody(bytes, response.status);
  }
}

/** Recognises PNG and JPEG by their magic bytes (WeChat does not always label the image). */
function sniffImageType(bytes: Buffer): string | null {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** A JSON `{errcode, errmsg}` body, or anything else that is not an image, as a WeChatError. */
function errorFromBody(bytes: Buffer, status: number): WeChatError {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { errcode?: number; errmsg?: string };
    if (typeof body.errcode === 'number' && body.errcode !== 0)
      return wechatErrorFrom('getwxacodeunlimit', body);
  } catch {
    // not JSON: fall through
  }
  return new WeChatError(`WeChat getwxacodeunlimit answered HTTP ${status} without an image`, 502);
}
