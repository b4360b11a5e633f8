/**
 * Token renewal: on tokenWillExpire (30 s before expiry) fetch a new token from our service and hand it to the SDK;
 * retried a few times, then shown with a retry button. Owns its retry timer.
 */
import { runInAction } from 'mobx-miniprogram';
import type { TokenRole } from '../../services/api-client';
import { describeServiceError, type SessionError } from '../../utils/error-catalog';
import { OwnedTimer, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';

/** First try plus this many retries, this far apart. */
export const TOKEN_RENEW_RETRIES = 2;
export const TOKEN_RETRY_MS = 2000;
export const TOKEN_RENEW_FAILED = 'TOKEN_RENEW_FAILED';

/** The reason when the request for a new token failed without the service's answer. */
const RENEW_REQUEST_FAILED: SessionError = {
  code: TOKEN_RENEW_FAILED,
  message: '请求新的凭证失败',
  action: 'retry',
};

/** Who is renewing. */
export interface RenewalSubject {
  roomID(): string;
  /** The role the token is for (a co-host's is 'cohost'). */
  role(): TokenRole | null;
  inRoom(): boolean;
}

/** Keeps the room's token fresh. */
export class TokenRenewal {
  private renewing = false;
  private readonly timer = new OwnedTimer();

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly subject: RenewalSubject,
  ) {}

  /** Fetches a token and renews; retried, and shown when it keeps failing. */
  async renew(): Promise<void> {
    const { ctx } = this;
    const engine = ctx.engine;
    const role = this.subject.role();
    const roomID = this.subject.roomID();
    if (this.renewing || !engine || !role || !this.subject.inRoom()) return;
    this.renewing = true;
    const epoch = ctx.epoch;
    let reason = '';
    for (let i = 0; i <= TOKEN_RENEW_RETRIES; i++) {
      if (i > 0) await new Promise<void>((resolve) => this.timer.set(TOKEN_RETRY_MS, resolve));
      if (ctx.isStale(epoch)) return;
      try {
        const token = await ctx.deps.api.getRoomToken(roomID, role);
        if (ctx.isStale(epoch)) return;
        if (engine.renewToken(roomID, token.token)) {
          this.renewing = false;
          this.status.clearErrorIf(TOKEN_RENEW_FAILED);
          return;
        }
        reason = '直播服务拒绝了新的凭证';
      } catch (error) {
        reason = describeServiceError(error, { fallback: RENEW_REQUEST_FAILED }).message;
      }
    }
    if (ctx.isStale(epoch)) return;
    this.renewing = false;
    runInAction(() =>
      this.status.setError({
        code: TOKEN_RENEW_FAILED,
        message: `登录凭证续期失败（${reason}），直播可能很快中断，请重试`,
        action: 'retry',
      }),
    );
  }

  /** The visit is over. */
  dispose(): void {
    this.timer.clear();
    this.renewing = false;
  }
}
