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

/**
 * The JSON content of a chat line: `{"t":"chat","u":sender ID,"n":nickname,"text":...,"i":line}`; `i` is the line's
 * number in the service's kept lines (the history a late joiner reads has the same), absent from older services.
 */
export interface ChatContent {
  t: 'chat';
  u: string;
  n: string;
  text: string;
  i?: number;
}

/** Longest announcement (公告) in UTF-16 units: the anchor's input stops there, the service refuses longer. */
export const ANNOUNCEMENT_MAX_LENGTH = 60;

/** The JSON content of the system message that the room's announcement changed (text null: taken down). */
export interface AnnouncementContent {
  t: 'announcement';
  text: string | null;
  /** When it was set (epoch ms): a phone keeps the newest of what it read and what it heard. */
  at: number;
}

/** The JSON content of the system message that the room's admins (房管) changed: their user IDs now. */
export interface AdminsContent {
  t: 'admins';
  ids: string[];
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
/**
 * The JSON content of a gift sent in the room: `{"t":"gift","u":sender,"n":nickname,"g":gift ID,"name","icon",
 * "effect":"banner"|"fullscreen","c":count,"i":the send's number}` (the number: a phone shows each send once).
 */
export interface GiftContent {
  t: 'gift';
  u: string;
  n: string;
  g: number;
  name: string;
  icon: string;
  effect: 'banner' | 'fullscreen';
  c: number;
  i: number;
}

export type ServiceBroadcast =
  ChatContent | ChatStateContent | AnnouncementContent | AdminsContent | GiftContent;

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
export function chatLine(sender: { id: string; nickname: string }, text: string, line?: number): string {
  return JSON.stringify({ t: 'chat', u: sender.id, n: sender.nickname, text, i: line } satisfies ChatContent);
}

/** The content of the notice that the room's announcement changed. */
export function announcementSignal(text: string | null, at: number): string {
  return JSON.stringify({ t: 'announcement', text, at } satisfies AnnouncementContent);
}

/** The content of a gift's announcement to the room. */
export function giftSignal(gift: Omit<GiftContent, 't'>): string {
  const { u, n, g, name, icon, effect, c, i } = gift;
  return JSON.stringify({ t: 'gift', u, n, g, name, icon, effect, c, i } satisfies GiftContent);
}

/** The content of the notice that the room's admins changed. */
export function adminsSignal(ids: readonly string[]): string {
  return JSON.stringify({ t: 'admins', ids: [...ids] } satisfies AdminsContent);
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
    const line: ChatContent = { t: 'chat', u: body.u, n: body.n, text: body.text };
    if (typeof body.i === 'number' && Number.isInteger(body.i)) line.i = body.i;
    return line;
  }
  if (body.t === 'chat-state' && typeof body.commentsOff === 'boolean') {
    return { t: 'chat-state', commentsOff: body.commentsOff };
  }
  return decodeRoomNotice(body);
}

/** The announcement, admins or gift notice in a decoded body, or null. */
function decodeRoomNotice(
  body: Record<string, unknown>,
): AnnouncementContent | AdminsContent | GiftContent | null {
  if (body.t === 'gift') return decodeGift(body);
  if (
    body.t === 'announcement' &&
    (typeof body.text === 'string' || body.text === null) &&
    typeof body.at === 'number'
  ) {
    return { t: 'announcement', text: body.text === '' ? null : body.text, at: body.at };
  }
  if (body.t === 'admins' && Array.isArray(body.ids) && body.ids.every((id) => typeof id === 'string')) {
    return { t: 'admins', ids: body.ids as string[] };
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

/** A gift notice's fields, or null when one is missing or of the wrong kind. */
function decodeGift(body: Record<string, unknown>): GiftContent | null {
  const { u, n, g, name, icon, effect, c, i } = body;
  if (typeof u !== 'string' || typeof n !== 'string' || typeof name !== 'string' || typeof icon !== 'string')
    return null;
  if (typeof g !== 'number' || typeof c !== 'number' || typeof i !== 'number' || c < 1) return null;
  if (effect !== 'banner' && effect !== 'fullscreen') return null;
  return { t: 'gift', u, n, g, name, icon, effect, c, i };
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
