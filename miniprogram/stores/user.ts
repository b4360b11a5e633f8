/**
 * The signed-in user: signs in through the live service (WeChat code, or the development sign-in when the service
 * runs AUTH_MODE=dev), uploads a chosen avatar, keeps the session token in storage, restores it on the next launch.
 */
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import { ApiError, setSessionToken, type Api, type ApiSession, type ApiUser } from '../services/api-client';
import type { Platform } from '../services/platform-types';
import { describeServiceError, type ServiceRefinements } from '../utils/error-catalog';
import type { SessionError } from './session-types';

export type { ApiUser };

/** Avatars are shown small: compress to this width before uploading. */
const AVATAR_WIDTH = 256;

/** Storage key of the saved session. */
export const SESSION_STORAGE_KEY = 'live.session';

/** What the user store needs from the outside (tests pass fakes). */
export interface UserStoreDeps {
  api: Pick<Api, 'signInForDevelopment' | 'uploadAvatar'>;
  platform: () => Platform;
  /** The platform's sign-in: the code from platform.login() exchanged by the service (WeChat's or Alipay's route). */
  signInWithCode: (code: string, nickname?: string, avatarUrl?: string) => Promise<ApiSession>;
}

/** chooseAvatar's local temp file: `wxfile://tmp_...` on a phone, `http://tmp/...` in DevTools; it must be uploaded. */
export const isLocalAvatar = (avatarUrl: string): boolean =>
  /^(wxfile|file):\/\//.test(avatarUrl) || /^https?:\/\/(tmp|usr)\//.test(avatarUrl);

/** Only real https/http avatar URLs go to the sign-in route (its schema rejects anything else). */
const avatarForService = (avatarUrl: string): string | undefined =>
  /^https?:\/\/\S+$/.test(avatarUrl) && !isLocalAvatar(avatarUrl) && avatarUrl.length <= 512
    ? avatarUrl
    : undefined;

/** Turns an avatar upload failure into a message; the user stays signed in, so nothing to do but read it. */
function avatarError(error: unknown): SessionError {
  const code = error instanceof ApiError ? error.code : 'AVATAR_UPLOAD_FAILED';
  const status = error instanceof ApiError ? error.status : -1;
  if (status === 413) return { code, message: '头像图片太大，暂未设置头像', action: 'none' };
  if (status === 400 || status === 415)
    return { code, message: '头像格式不支持，暂未设置头像', action: 'none' };
  return { code, message: '头像上传失败，可稍后重新选择', action: 'none' };
}

/** The service answers the WeChat route like this when it runs without WeChat credentials (AUTH_MODE=dev). */
const wechatUnavailable = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 'WECHAT_UNAVAILABLE' || error.status === 503);

/** What the service's codes mean on the sign-in routes (the rest reads "登录失败：" and the catalog's row). */
const SIGN_IN_TEXT: ServiceRefinements = {
  BAD_REQUEST: { message: '昵称或头像不符合要求，请修改后再试', action: 'none' },
  RATE_LIMITED: { message: '登录太频繁，请稍后再试', action: 'retry' },
  FORBIDDEN: { message: '登录失败：这个账号暂时不能登录，请稍后再试', action: 'retry' },
};

/** Turns a sign-in failure into a message and an action (the service's English message is for the log only). */
function signInError(error: unknown): SessionError {
  if (error instanceof ApiError) {
    if (error.status === 0) return { code: error.code, message: error.message, action: 'retry' };
    return describeServiceError(error, { refine: SIGN_IN_TEXT, lead: '登录失败：' });
  }
  return { code: 'SIGN_IN_FAILED', message: '微信登录失败，请稍后重试', action: 'retry' };
}

/** The signed-in user and the sign-in actions. */
export class UserStore {
  /** The signed-in user; null when signed out. */
  user: ApiUser | null = null;
  /** True while a sign-in is in flight. */
  signingIn = false;
  /** The last sign-in error. */
  error: SessionError | null = null;
  /** Why the last avatar upload failed (the sign-in itself still succeeded); null after a good one. */
  avatarError: SessionError | null = null;

  private readonly deps: UserStoreDeps;

  constructor(deps: UserStoreDeps) {
    this.deps = deps;
    makeAutoObservable<UserStore, 'deps'>(this, { deps: false });
  }

  /** True when a user is signed in. */
  get signedIn(): boolean {
    return this.user !== null;
  }

  /** Restores the saved session (no network); returns whether a user is signed in. */
  restore(): boolean {
    const saved = this.deps.platform().getStorage<ApiSession>(SESSION_STORAGE_KEY);
    if (saved && typeof saved.sessionToken === 'string' && saved.user && typeof saved.user.id === 'string') {
      setSessionToken(saved.sessionToken);
      this.user = saved.user;
    }
    return this.user !== null;
  }

  /**
   * Signs in with wx.login (falls back to the development sign-in); resolves true when signed in. A local avatar
   * (chooseAvatar's temp file) is uploaded after the sign-in; if that fails the user stays signed in (avatarError).
   */
  async signIn(nickname: string, avatarUrl = ''): Promise<boolean> {
    const name = nickname.trim();
    if (!name) {
      this.error = { code: 'nickname.EMPTY', message: '请输入昵称', action: 'none' };
      return false;
    }
    if (name.length > 32) {
      this.error = { code: 'nickname.TOO_LONG', message: '昵称不能超过 32 个字符', action: 'none' };
      return false;
    }
    this.signingIn = true;
    this.error = null;
    this.avatarError = null;
    try {
      const session = await this.exchange(name, avatarForService(avatarUrl));
      runInAction(() => this.accept(session));
      if (isLocalAvatar(avatarUrl)) await this.uploadAvatar(avatarUrl);
      return true;
    } catch (error) {
      runInAction(() => {
        this.error = signInError(error);
      });
      return false;
    } finally {
      runInAction(() => {
        this.signingIn = false;
      });
    }
  }

  /** Uploads a local avatar file for the signed-in user; resolves false (avatarError set) when it fails. */
  async uploadAvatar(filePath: string): Promise<boolean> {
    this.avatarError = null;
    try {
      // A phone photo can be megabytes; the service takes 512 KB. A failed compression still tries the original.
      const small = await this.deps
        .platform()
        .compressImage(filePath, AVATAR_WIDTH)
        .catch(() => filePath);
      const { user } = await this.deps.api.uploadAvatar(small);
      runInAction(() => {
        const saved = this.deps.platform().getStorage<ApiSession>(SESSION_STORAGE_KEY);
        if (saved) this.deps.platform().setStorage(SESSION_STORAGE_KEY, { ...saved, user });
        this.user = user;
      });
      return true;
    } catch (error) {
      runInAction(() => {
        this.avatarError = avatarError(error);
      });
      return false;
    }
  }

  /** Forgets the session here (the service's session simply expires). */
  signOut(): void {
    setSessionToken(null);
    this.deps.platform().removeStorage(SESSION_STORAGE_KEY);
    this.user = null;
    this.error = null;
    this.avatarError = null;
  }

  /** The platform's sign-in first (WeChat, Alipay); the development route when the service has no WeChat credentials. */
  private async exchange(nickname: string, avatarUrl: string | undefined): Promise<ApiSession> {
    const { api } = this.deps;
    let code: string;
    try {
      code = await this.deps.platform().login();
    } catch {
      // DevTools without an AppID has no wx.login code: only the development sign-in can work.
      return api.signInForDevelopment(nickname);
    }
    try {
      return await this.deps.signInWithCode(code, nickname, avatarUrl);
    } catch (error) {
      if (!wechatUnavailable(error)) throw error;
      // A service in AUTH_MODE=wechat refuses the development route: then WeChat really is down, say that.
      return api.signInForDevelopment(nickname).catch((devError: unknown) => {
        throw devError instanceof ApiError && devError.status === 403 ? error : devError;
      });
    }
  }

  private accept(session: ApiSession): void {
    setSessionToken(session.sessionToken);
    this.deps.platform().setStorage(SESSION_STORAGE_KEY, session);
    this.user = session.user;
  }
}
