/**
 * What travels through a ZEGO room besides media, in the one format the service and both apps read: co-hosting
 * commands (hints to go and ask the service), chat lines and the comments-off notice (broadcast messages), and
 * moderation commands to one viewer. Everything the service says comes from SERVICE_USER_ID, an ID no real user has:
 * the apps show chat and obey moderation only from it. Pure: no Node, no wx, no my.
 */

/** The sender of the service's messages and commands and the owner of its mix tasks (no real user has this ID). */
export const SERVICE_USER_ID = 'live-service';

/** Longest chat line in UTF-16 units: the app stops typing there, the service refuses longer (MESSAGE_TOO_LONG). */
export const CHAT_MAX_LENGTH = 100;

/** What a co-hosting command announces (the `e` of its JSON content). */
export const COHOST_SIGNALS = ['requested', 'cancelled', 'accepted', 'declined', 'ended'] as const;
/** One of COHOST_SIGNALS. */
export type CohostSignal = (typeof COHOST_SIGNALS)[number];

/** The JSON content of a co-hosting command: `{"t":"cohost","e":<signal>,"u":<user concerned>}`. */
export interface CohostCommand {
  t: 'cohost';
  e: CohostSignal;
  u: string;
}

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

/** The JSON content of a custom command to one viewer: muted (until, epoch ms) or unmuted. */
export interface ModerationCommand {
  t: 'moderation';
  e: 'muted' | 'unmuted';
  until: number | null;
}

/** The JSON content of an operator's warning to the anchor (a custom command): shown as 「运营提醒：<text>」. */
export interface WarningCommand {
  t: 'warning';
  text: string;
}

/** Longest warning text an operator may send (UTF-16 units). */
export const WARNING_MAX_LENGTH = 100;

/** A broadcast message from the service, decoded. */
export type ServiceBroadcast = ChatContent | ChatStateContent;

/** The content of a co-hosting command about `userID`. */
export function cohostCommand(signal: CohostSignal, userID: string): string {
  return JSON.stringify({ t: 'cohost', e: signal, u: userID } satisfies CohostCommand);
}

/** The JSON object a message carries, or null for anything else. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The signal a command carries, or null when it is not a co-hosting command. */
export function parseCohostCommand(command: string): CohostSignal | null {
  const body = parseObject(command);
  if (body === null || body.t !== 'cohost') return null;
  return (COHOST_SIGNALS as readonly unknown[]).includes(body.e) ? (body.e as CohostSignal) : null;
}

/** The content of a chat line the service delivers for `sender`. */
export function chatLine(sender: { id: string; nickname: string }, text: string): string {
  return JSON.stringify({ t: 'chat', u: sender.id, n: sender.nickname, text } satisfies ChatContent);
}

/** The content of the notice that comments went off or on. */
export function chatState(commentsOff: boolean): string {
  return JSON.stringify({ t: 'chat-state', commentsOff } satisfies ChatStateContent);
}

/** The content of a moderation command to one viewer. */
export function moderationCommand(command: Omit<ModerationCommand, 't'>): string {
  return JSON.stringify({ t: 'moderation', e: command.e, until: command.until } satisfies ModerationCommand);
}

/** The service's broadcast, or null for anything not from the service or not in its format. */
export function decodeServiceBroadcast(fromUserID: string, message: string): ServiceBroadcast | null {
  if (fromUserID !== SERVICE_USER_ID) return null;
  const body = parseObject(message);
  if (body === null) return null;
  if (
    body.t === 'chat' &&
    typeof body.u === 'string' &&
    typeof body.n === 'string' &&
    typeof body.text === 'string' &&
    body.text !== ''
  ) {
    return { t: 'chat', u: body.u, n: body.n, text: body.text };
  }
  if (body.t === 'chat-state' && typeof body.commentsOff === 'boolean') {
    return { t: 'chat-state', commentsOff: body.commentsOff };
  }
  return null;
}

/** A moderation command from the service, or null for anything else. */
export function decodeModerationCommand(fromUserID: string, command: string): ModerationCommand | null {
  if (fromUserID !== SERVICE_USER_ID) return null;
  const body = parseObject(command);
  if (body === null || body.t !== 'moderation') return null;
  if (body.e === 'muted' && typeof body.until === 'number')
    return { t: 'moderation', e: 'muted', until: body.until };
  if (body.e === 'unmuted') return { t: 'moderation', e: 'unmuted', until: null };
  return null;
}

/** The content of an operator's warning to the anchor. */
export function warningCommand(text: string): string {
  return JSON.stringify({ t: 'warning', text } satisfies WarningCommand);
}

/** An operator's warning relayed by the service, or null for anything else (from anyone else, or malformed). */
export function decodeWarningCommand(fromUserID: string, command: string): WarningCommand | null {
  if (fromUserID !== SERVICE_USER_ID) return null;
  const body = parseObject(command);
  if (body === null || body.t !== 'warning' || typeof body.text !== 'string' || body.text.trim() === '')
    return null;
  return { t: 'warning', text: body.text.slice(0, WARNING_MAX_LENGTH) };
}
