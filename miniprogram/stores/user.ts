/**
 * The signed-in user: signs in through the live service (WeChat code, or the development sign-in when the service
 * runs AUTH_MODE=dev), keeps the session token in storage, restores it on the next launch.
 */
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import {
  api as realApi,
  ApiError,
  setSessionToken,
  type Api,
  type ApiSession,
  type ApiUser,
} from '../services/api';
import { platform as realPlatform, type Platform } from '../services/platform';
import type { SessionError } from './session-types';

/** Storage key of the saved session. */
export const SESSION_STORAGE_KEY = 'live.session';

/** What the user store needs from the outside (tests pass fakes). */
export interface UserStoreDeps {
  api: Pick<Api, 'signInWithWechat' | 'signInForDevelopment'>;
  platform: () => Platform;
}

/** Only https/http avatar URLs go to the service (its schema rejects anything else). */
const avatarForService = (avatarUrl: string): string | undefined =>
  /^https?:\/\/\S+$/.test(avatarUrl) && avatarUrl.length <= 512 ? avatarUrl : undefined;

/** The service answers the WeChat route like this when it runs without WeChat credentials (AUTH_MODE=dev). */
const wechatUnavailable = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 'WECHAT_UNAVAILABLE' || error.status === 503);

/** Turns a sign-in failure into a message and an action. */
function signInError(error: unknown): SessionError {
  if (error instanceof ApiError) {
    if (error.status === 0) return { code: error.code, message: error.message, action: 'retry' };
    if (error.status === 429) return { code: error.code, message: '登录太频繁，请稍后再试', action: 'retry' };
    if (error.status === 400)
      return { code: error.code, message: '昵称或头像不符合要求，请修改后再试', action: 'none' };
    return { code: error.code, message: `登录失败：${error.message}`, action: 'retry' };
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

  private readonly deps: UserStoreDeps;

  constructor(deps: Partial<UserStoreDeps> = {}) {
    this.deps = { api: deps.api ?? realApi, platform: deps.platform ?? realPlatform };
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

  /** Signs in with wx.login (falls back to the development sign-in); resolves true when signed in. */
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
    try {
      const session = await this.exchange(name, avatarForService(avatarUrl));
      runInAction(() => this.accept(session));
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

  /** Forgets the session here (the service's session simply expires). */
  signOut(): void {
    setSessionToken(null);
    this.deps.platform().removeStorage(SESSION_STORAGE_KEY);
    this.user = null;
    this.error = null;
  }

  /** WeChat sign-in first; the development route when the service has no WeChat credentials. */
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
      return await api.signInWithWechat(code, nickname, avatarUrl);
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
