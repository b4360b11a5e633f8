/** The room's social records beyond chat: its pinned announcement (公告) and its admins (房管). */

/** A room's pinned announcement as last set. */
export interface Announcement {
  text: string;
  /** When it was set (epoch ms): the newest wins on a phone that hears of two. */
  at: number;
}

/** A viewer the anchor made an admin of its room. */
export interface RoomAdmin {
  userId: string;
  nickname: string;
  appointedAt: number;
}

/** What appointing an admin came to (decided under the room's lock: never more than the limit). */
export type AppointResult = 'appointed' | 'already' | 'full';

/** Announcements and admins of live rooms. */
export interface SocialRepository {
  /** The room's announcement, or null when none is set. */
  announcement(roomId: string): Promise<Announcement | null>;
  /** Sets the announcement (null text clears it); returns what now stands. */
  setAnnouncement(roomId: string, text: string | null, at: number): Promise<Announcement | null>;
  /** The room's admins in the order they were appointed. */
  admins(roomId: string): Promise<RoomAdmin[]>;
  /** Whether the user is an admin of the room. */
  isAdmin(roomId: string, userId: string): Promise<boolean>;
  /** Makes the user an admin unless the room already has `max` (one transaction, the room locked). */
  appoint(roomId: string, userId: string, max: number, now: number): Promise<AppointResult>;
  /** Takes the user's admin role away; false when it had none. */
  dismiss(roomId: string, userId: string): Promise<boolean>;
}
