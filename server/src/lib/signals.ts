/**
 * What the service sends into ZEGO rooms: its own sender identity and the JSON content of each message and custom
 * command the apps read (they show only what comes from SERVICE_USER_ID).
 */

/** The sender of the service's custom commands and the owner of its mix tasks (no real user has this ID). */
export const SERVICE_USER_ID = 'live-service';

/** What a co-hosting custom command announces (the `e` of its JSON content). */
export type CohostEvent = 'requested' | 'cancelled' | 'accepted' | 'declined' | 'ended';

/** The JSON content of a chat line: `{"t":"chat","u":sender ID,"n":nickname,"text":...}`. */
export interface ChatContent {
  t: 'chat';
  u: string;
  n: string;
  text: string;
}

/** The JSON content of a system message about the room's chat (category 1): comments off or on. */
export interface ChatStateContent {
  t: 'chat-state';
  commentsOff: boolean;
}

/** The JSON content of a custom command to one viewer: muted (until) or unmuted. */
export interface ModerationCommand {
  t: 'moderation';
  e: 'muted' | 'unmuted';
  until: number | null;
}
