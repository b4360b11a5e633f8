/**
 * What the room pins for everyone besides chat: the announcement (公告) on top of the room and who its admins (房管)
 * are, for their badge. Both are the service's: read on entry (a late joiner sees them at once), then changed by
 * the service's room notices; the anchor sets the announcement and appoints admins through the service.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import { ANNOUNCEMENT_MAX_LENGTH } from '@zego-live/contract';
import { describeServiceError, type ServiceErrorOptions } from '../../utils/error-catalog';
import type { SessionContext } from './session-context';
import type { SessionStatus } from './session-status';

/** The pinned announcement as the phone knows it. */
export interface AnnouncementState {
  text: string;
  at: number;
}

/** How a failed announcement or admin call reads. */
const NOTICE_FAILURE: ServiceErrorOptions = {
  lead: '操作没有成功：',
  refine: {
    FORBIDDEN: { message: '操作没有成功：只有主播可以这样做' },
    NOT_FOUND: { message: '操作没有成功：找不到这位观众' },
    NETWORK: { message: '操作没有成功：网络不可用' },
  },
  fallback: { code: 'NOTICE', message: '操作没有成功：网络不可用', action: 'none' },
};

/** The announcement and the admins of the room being watched. */
export class RoomNotices {
  announcement: AnnouncementState | null = null;
  /** The admins' user IDs, as a set for the badges (WXML reads `admins[userID]`). */
  admins: Record<string, true> = {};

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly roomID: () => string,
  ) {
    makeAutoObservable<RoomNotices, 'ctx' | 'status' | 'roomID'>(
      this,
      { ctx: false, status: false, roomID: false },
      { autoBind: true },
    );
  }

  /**
   * The announcement as the service last set it (read or heard): the newer of what the phone has and this wins, so
   * an entry read that answers after a live notice does not bring an old text back.
   */
  setAnnouncement(text: string | null, at: number): void {
    if (this.announcement !== null && this.announcement.at > at) return;
    if (text === null) {
      // A take-down remembers when, so an older text read later is not put back up.
      this.announcement = at > 0 ? { text: '', at } : null;
      return;
    }
    if (this.announcement?.text === text && this.announcement.at === at) return;
    this.announcement = { text, at };
  }

  /** The room's admins now. */
  setAdmins(ids: readonly string[]): void {
    const next: Record<string, true> = {};
    for (const id of ids) next[id] = true;
    const same =
      Object.keys(next).length === Object.keys(this.admins).length && ids.every((id) => this.admins[id]);
    if (!same) this.admins = next;
  }

  /** The anchor pins (or, with '', takes down) the announcement; false when the service refused it. */
  async announce(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (trimmed.length > ANNOUNCEMENT_MAX_LENGTH) {
      this.status.flash(`公告最多 ${ANNOUNCEMENT_MAX_LENGTH} 个字`);
      return false;
    }
    return this.act(
      async (roomID) => {
        const { announcement } = await this.ctx.deps.api.setAnnouncement(roomID, trimmed);
        if (announcement) this.setAnnouncement(announcement.text, announcement.at);
        else this.setAnnouncement(null, Date.now());
      },
      trimmed ? '公告已更新' : '公告已撤下',
    );
  }

  /** The anchor makes a viewer an admin. */
  appoint(userID: string): Promise<boolean> {
    return this.act(async (roomID) => {
      const { admins } = await this.ctx.deps.api.appointAdmin(roomID, userID);
      this.setAdmins(admins.map((a) => a.userId));
    }, '已设为房管');
  }

  /** The anchor takes a viewer's admin role away. */
  dismiss(userID: string): Promise<boolean> {
    return this.act(async (roomID) => {
      const { admins } = await this.ctx.deps.api.dismissAdmin(roomID, userID);
      this.setAdmins(admins.map((a) => a.userId));
    }, '已撤销房管');
  }

  private async act(call: (roomID: string) => Promise<void>, done: string): Promise<boolean> {
    const epoch = this.ctx.epoch;
    try {
      await call(this.roomID());
      if (!this.ctx.isStale(epoch)) this.status.flash(done);
      return true;
    } catch (error) {
      if (!this.ctx.isStale(epoch)) this.status.flash(describeServiceError(error, NOTICE_FAILURE).message);
      return false;
    }
  }

  /** A new visit: nothing pinned, no admins known. */
  reset(): void {
    this.announcement = null;
    this.admins = {};
  }
}
