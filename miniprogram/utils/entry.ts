/**
 * How a page was opened into a room, in words for the screen: the contract's one parser (packages/contract/entry.ts,
 * the same one the service's tests and the Alipay app read) decides; this adds the Chinese message for a refusal.
 * Pure: no wx, so every form is unit-tested.
 */
import {
  parseAnchorLaunch,
  parseAudienceLaunch,
  type EntryParse,
  type EntryQuery,
  type EntryRefusal,
  type EntryRefusalCode,
  type EntrySource,
  type RoomEntry,
} from '@zego-live/contract';
import { ROOM_ID_PROBLEM_TEXT } from './validate';

export { parseQueryString } from '@zego-live/contract';
export type { EntryQuery, EntrySource, RoomEntry };

/** Why the page cannot open a room, in words for the screen. */
export interface EntryError {
  /** MISSING: no room at all; MALFORMED: the code/link cannot be read; BAD_ROOM_ID: the room ID is invalid. */
  code: EntryRefusalCode;
  message: string;
  source: EntrySource | null;
}

/** The result of parsing a page's onLoad query. */
export type EntryResult = { ok: true; entry: RoomEntry } | { ok: false; error: EntryError };

/** What the user reads for a refusal. */
function messageFor(refusal: EntryRefusal): string {
  switch (refusal.code) {
    case 'MISSING':
      return `${refusal.source === 'query' ? '链接' : '二维码'}里没有房间号，请重新扫码或从房间列表进入`;
    case 'MALFORMED':
      return refusal.source === 'link' ? '二维码链接无法识别，请重新扫码' : '二维码内容无法识别，请重新扫码';
    case 'BAD_ROOM_ID':
      return `房间号“${(refusal.roomID ?? '').slice(0, 40)}”不正确：${ROOM_ID_PROBLEM_TEXT[refusal.problem ?? 'BAD_CHARACTERS']}`;
    case 'BAD_INVITE':
      return '邀请码无法识别，请重新扫描主播二维码';
  }
}

/** The parser's answer with the words for a refusal. */
function inWords(parsed: EntryParse): EntryResult {
  if (parsed.ok) return parsed;
  const { code, source } = parsed.refusal;
  return { ok: false, error: { code, message: messageFor(parsed.refusal), source } };
}

/** The anchor page's entry: `scene`, then `q`, then plain `roomID` / `invite`. */
export function parseAnchorEntry(query: EntryQuery): EntryResult {
  return inWords(parseAnchorLaunch(query));
}

/** The audience page's entry: `q` (a watch link) or plain `roomID`; an invite is never used here. */
export function parseAudienceEntry(query: EntryQuery): EntryResult {
  return inWords(parseAudienceLaunch(query));
}
