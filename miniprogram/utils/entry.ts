/**
 * Parses how a page was opened into a room (and, for the anchor, the one-time invite).
 * Anchor QR forms (keep in step with server/src/qr/launch.ts):
 * - mini-program code: `scene` (URL-encoded once by WeChat) = `<roomID>.<invite>` | `<roomID>`, or the compact
 *   query form `r=<roomID>&i=<invite>` (also `roomID=` / `invite=` keys);
 * - plain QR of a link: `q` = encodeURIComponent(`https://.../anchor?roomID=...&invite=...`);
 * - shared path / DevTools: plain `roomID` and `invite` query.
 * Pure: no wx, so every form is unit-tested.
 */
import { validateRoomID } from './validate';

/** Where the room came from. */
export type EntrySource = 'scene' | 'link' | 'query';

/** A room the page can open. */
export interface RoomEntry {
  roomID: string;
  /** The anchor's one-time invite; null when the link carries none. */
  invite: string | null;
  source: EntrySource;
}

/** Why the page cannot open a room, in words for the screen. */
export interface EntryError {
  /** MISSING: no room at all; MALFORMED: the code/link cannot be read; BAD_ROOM_ID: the room ID is invalid. */
  code: 'MISSING' | 'MALFORMED' | 'BAD_ROOM_ID' | 'BAD_INVITE';
  message: string;
  source: EntrySource | null;
}

/** The result of parsing a page's onLoad query. */
export type EntryResult = { ok: true; entry: RoomEntry } | { ok: false; error: EntryError };

/** A page's onLoad query as WeChat hands it. */
export type EntryQuery = Record<string, string | undefined>;

/** Invites are short tokens; anything else is not ours. */
const INVITE = /^[A-Za-z0-9_\-~.]{1,64}$/;

/** decodeURIComponent without throwing; null on malformed input. */
function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Parses `a=1&b=2` (or a link's query part) by hand: the mini-program runtime has no URLSearchParams. */
export function parseQueryString(text: string): Record<string, string> | null {
  const start = text.indexOf('?');
  const hash = text.indexOf('#');
  const query = text.slice(start + 1, hash > start ? hash : undefined);
  const result: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = safeDecode((eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
    if (key === null || value === null) return null;
    if (!(key in result)) result[key] = value;
  }
  return result;
}

const fail = (code: EntryError['code'], message: string, source: EntrySource | null): EntryResult => ({
  ok: false,
  error: { code, message, source },
});

/** Checks the room ID (and invite) and builds the entry. */
function entryFrom(roomID: string | undefined, invite: string | undefined, source: EntrySource): EntryResult {
  if (!roomID) {
    const what = source === 'query' ? '链接' : '二维码';
    return fail('MISSING', `${what}里没有房间号，请重新扫码或从房间列表进入`, source);
  }
  const invalid = validateRoomID(roomID);
  if (invalid) return fail('BAD_ROOM_ID', `房间号“${roomID.slice(0, 40)}”不正确：${invalid.message}`, source);
  if (invite && !INVITE.test(invite))
    return fail('BAD_INVITE', '邀请码无法识别，请重新扫描主播二维码', source);
  return { ok: true, entry: { roomID, invite: invite || null, source } };
}

/** Reads a `scene`: `<roomID>.<invite>`, `<roomID>`, or `r=<roomID>&i=<invite>` / `roomID=...&invite=...`. */
function fromScene(raw: string): EntryResult {
  const scene = safeDecode(raw);
  if (scene === null || !scene.trim()) return fail('MALFORMED', '二维码内容无法识别，请重新扫码', 'scene');
  if (scene.includes('=')) {
    const query = parseQueryString('?' + scene);
    if (!query) return fail('MALFORMED', '二维码内容无法识别，请重新扫码', 'scene');
    return entryFrom(query.r ?? query.roomID, query.i ?? query.invite, 'scene');
  }
  const dot = scene.indexOf('.');
  return dot < 0
    ? entryFrom(scene, undefined, 'scene')
    : entryFrom(scene.slice(0, dot), scene.slice(dot + 1), 'scene');
}

/** Reads `q`, the encoded https link of a plain QR code. */
function fromLink(raw: string): EntryResult {
  const link = safeDecode(raw);
  if (link === null || !/^https?:\/\/[^?#]+/i.test(link) || !link.includes('?')) {
    return fail('MALFORMED', '二维码链接无法识别，请重新扫码', 'link');
  }
  const query = parseQueryString(link);
  if (!query) return fail('MALFORMED', '二维码链接无法识别，请重新扫码', 'link');
  return entryFrom(query.roomID, query.invite, 'link');
}

/** Plain query values may arrive URL-encoded; decode once, keep the raw text if it is not encoded. */
const plain = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : (safeDecode(value) ?? value);

/** The anchor page's entry: `scene`, then `q`, then plain `roomID` / `invite`. */
export function parseAnchorEntry(query: EntryQuery): EntryResult {
  if (query.scene !== undefined && query.scene !== '') return fromScene(query.scene);
  if (query.q !== undefined && query.q !== '') return fromLink(query.q);
  return entryFrom(plain(query.roomID), plain(query.invite), 'query');
}

/** The audience page's entry: `q` (a watch link) or plain `roomID`; an invite is never used here. */
export function parseAudienceEntry(query: EntryQuery): EntryResult {
  const result = query.q ? fromLink(query.q) : entryFrom(plain(query.roomID), undefined, 'query');
  return result.ok ? { ok: true, entry: { ...result.entry, invite: null } } : result;
}
