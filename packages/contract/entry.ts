/**
 * How a scanned QR code or a shared link carries a room (and the anchor's one-time invite) into an app: the
 * service's encoders and the one parser both apps use, so a code the service makes always opens and a bad one is
 * refused with the same answer everywhere.
 *
 * Forms:
 * - mini-program code (wxacode.getUnlimited): `scene` = `<roomID>.<invite>`, or `<roomID>` when there is no
 *   invite (a room ID is [A-Za-z0-9_] only, so the first '.' splits; at most 32 characters in all), or the compact
 *   query `r=<roomID>&i=<invite>` (also `roomID=` / `invite=`). WeChat hands `scene` URL-encoded: decoded once.
 * - plain QR of a link: `${LINK_BASE_URL}/anchor?roomID=<roomID>&invite=<invite>`; WeChat's "scan a normal link"
 *   rule opens the page with `q` = encodeURIComponent(link). Viewers: `${LINK_BASE_URL}/watch?roomID=<roomID>`.
 * - shared paths and DevTools: `pages/anchor/index?roomID=<roomID>&invite=<invite>`.
 * Pure: no Node, wx or my (the mini-program runtime has no URLSearchParams either).
 */

/** wxacode.getUnlimited accepts at most this many visible characters in `scene`. */
export const SCENE_MAX_LENGTH = 32;

/** ZEGO room IDs: digits, letters and underscore. */
const ROOM_ID_CHARS = /^[A-Za-z0-9_]+$/;
/** ZEGO's longest room ID. */
export const ROOM_ID_MAX_LENGTH = 128;
/** Invites are short tokens (all of them characters a wxacode `scene` may carry); anything else is not ours. */
const INVITE = /^[A-Za-z0-9_\-~.]{1,64}$/;

/** What is wrong with a room ID, or null when ZEGO accepts it. */
export function roomIDProblem(roomID: string): 'EMPTY' | 'BAD_CHARACTERS' | 'TOO_LONG' | null {
  if (!roomID) return 'EMPTY';
  if (!ROOM_ID_CHARS.test(roomID)) return 'BAD_CHARACTERS';
  return roomID.length > ROOM_ID_MAX_LENGTH ? 'TOO_LONG' : null;
}

/** Thrown when a room/invite pair cannot be packed into a `scene`. */
export class SceneError extends Error {}

/** Packs a room and its invite into a wxacode `scene` (`<roomID>.<invite>`), at most 32 characters. */
export function encodeAnchorScene(roomID: string, invite?: string | null): string {
  if (roomIDProblem(roomID)) throw new SceneError(`room ID "${roomID}" cannot go into a scene`);
  if (invite && !INVITE.test(invite)) throw new SceneError('invite has characters a scene cannot carry');
  const scene = invite ? `${roomID}.${invite}` : roomID;
  if (scene.length > SCENE_MAX_LENGTH) {
    throw new SceneError(`scene "${scene}" is ${scene.length} characters; WeChat allows ${SCENE_MAX_LENGTH}`);
  }
  return scene;
}

/** Removes the trailing slashes of a configured base URL. */
function trimBase(base: string): string {
  return base.replace(/\/+$/, '');
}

/** The link the plain anchor QR encodes: `${base}/anchor?roomID=...&invite=...`. */
export function anchorLink(base: string, roomID: string, invite?: string | null): string {
  const query =
    `roomID=${encodeURIComponent(roomID)}` + (invite ? `&invite=${encodeURIComponent(invite)}` : '');
  return `${trimBase(base)}/anchor?${query}`;
}

/** The link viewers open or scan: `${base}/watch?roomID=...`. */
export function audienceLink(base: string, roomID: string): string {
  return `${trimBase(base)}/watch?roomID=${encodeURIComponent(roomID)}`;
}

/** The mini-program path a shared card opens for viewers. */
export function audiencePath(roomID: string): string {
  return `pages/audience/index?roomID=${encodeURIComponent(roomID)}`;
}

/** Where the room came from. */
export type EntrySource = 'scene' | 'link' | 'query';

/** A room a page can open. */
export interface RoomEntry {
  roomID: string;
  /** The anchor's one-time invite; null when the link carries none. */
  invite: string | null;
  source: EntrySource;
}

/** Why a page cannot open a room: MISSING no room at all; MALFORMED the code or link cannot be read. */
export type EntryRefusalCode = 'MISSING' | 'MALFORMED' | 'BAD_ROOM_ID' | 'BAD_INVITE';

/** A refused entry: the code, where it came from, and for BAD_ROOM_ID the room ID and what is wrong with it. */
export interface EntryRefusal {
  code: EntryRefusalCode;
  source: EntrySource | null;
  roomID?: string;
  problem?: 'EMPTY' | 'BAD_CHARACTERS' | 'TOO_LONG';
}

/** The parser's answer. */
export type EntryParse = { ok: true; entry: RoomEntry } | { ok: false; refusal: EntryRefusal };

/** A page's onLoad query as the platform hands it. */
export type EntryQuery = Record<string, string | undefined>;

/** decodeURIComponent without throwing; null on malformed input. */
function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Parses `a=1&b=2` (or a link's query part): the first of a repeated key wins; null if any part is malformed. */
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

const refuse = (code: EntryRefusalCode, source: EntrySource | null): EntryParse => ({
  ok: false,
  refusal: { code, source },
});

/** Checks the room ID (and invite) and builds the entry. */
function entryFrom(roomID: string | undefined, invite: string | undefined, source: EntrySource): EntryParse {
  if (!roomID) return refuse('MISSING', source);
  const problem = roomIDProblem(roomID);
  if (problem) return { ok: false, refusal: { code: 'BAD_ROOM_ID', source, roomID, problem } };
  if (invite && !INVITE.test(invite)) return refuse('BAD_INVITE', source);
  return { ok: true, entry: { roomID, invite: invite || null, source } };
}

/** Reads a `scene`: `<roomID>.<invite>`, `<roomID>`, or `r=<roomID>&i=<invite>` / `roomID=...&invite=...`. */
function fromScene(raw: string): EntryParse {
  const scene = safeDecode(raw);
  if (scene === null || !scene.trim()) return refuse('MALFORMED', 'scene');
  if (scene.includes('=')) {
    const query = parseQueryString('?' + scene);
    if (!query) return refuse('MALFORMED', 'scene');
    return entryFrom(query.r ?? query.roomID, query.i ?? query.invite, 'scene');
  }
  const dot = scene.indexOf('.');
  return dot < 0
    ? entryFrom(scene, undefined, 'scene')
    : entryFrom(scene.slice(0, dot), scene.slice(dot + 1), 'scene');
}

/** Reads `q`, the encoded https link of a plain QR code. */
function fromLink(raw: string): EntryParse {
  const link = safeDecode(raw);
  if (link === null || !/^https?:\/\/[^?#]+/i.test(link) || !link.includes('?'))
    return refuse('MALFORMED', 'link');
  const query = parseQueryString(link);
  if (!query) return refuse('MALFORMED', 'link');
  return entryFrom(query.roomID, query.invite, 'link');
}

/** Plain query values may arrive URL-encoded; decode once, keep the raw text if it is not encoded. */
const plain = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : (safeDecode(value) ?? value);

/** The anchor page's entry: `scene`, then `q`, then plain `roomID` / `invite`. */
export function parseAnchorLaunch(query: EntryQuery): EntryParse {
  if (query.scene !== undefined && query.scene !== '') return fromScene(query.scene);
  if (query.q !== undefined && query.q !== '') return fromLink(query.q);
  return entryFrom(plain(query.roomID), plain(query.invite), 'query');
}

/** A viewer's entry (audience page, a call): `q` (a watch link) or plain `roomID`; an invite is never used here. */
export function parseAudienceLaunch(query: EntryQuery): EntryParse {
  const result = query.q ? fromLink(query.q) : entryFrom(plain(query.roomID), undefined, 'query');
  return result.ok ? { ok: true, entry: { ...result.entry, invite: null } } : result;
}
