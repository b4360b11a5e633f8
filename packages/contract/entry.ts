/**
 * How a scanned QR code carries a room (and the anchor's one-time invite) into the mini-program.
 *
 * Formats (the anchor page `pages/anchor/index` accepts all three; keep in step with its decoder):
 * - mini-program code (wxacode.getUnlimited): `scene` = `<roomID>.<invite>`, or `<roomID>` when there is no
 *   invite. A room ID is [A-Za-z0-9_] only, so the first '.' always splits; at most 32 characters in all.
 *   WeChat hands the page `scene` URL-encoded: decodeURIComponent it once.
 * - plain QR of a link: `${LINK_BASE_URL}/anchor?roomID=<roomID>&invite=<invite>`; WeChat's "scan a normal
 *   link" rule opens the page with `q` = encodeURIComponent(link): decode once, read roomID and invite.
 * - shared paths and DevTools: `pages/anchor/index?roomID=<roomID>&invite=<invite>`.
 * Audience: `${LINK_BASE_URL}/watch?roomID=<roomID>` (rule -> pages/audience/index with `q`).
 *
 * This file has no Node or DOM imports on purpose: the mini-program can reuse the decoder as it is.
 */

/** wxacode.getUnlimited accepts at most this many visible characters in `scene`. */
export const SCENE_MAX_LENGTH = 32;

/** ZEGO room IDs: digits, letters and underscore, at most 128 bytes. */
const ROOM_ID = /^[A-Za-z0-9_]{1,128}$/;
/** Characters wxacode.getUnlimited allows in `scene` (no '%'). */
const SCENE_CHARS = /^[A-Za-z0-9!#$&'()*+,/:;=?@\-._~]*$/;

/** What the anchor page needs to open a room: its ID and, before it is claimed, the invite. */
export interface AnchorLaunch {
  roomID: string;
  invite?: string;
}

/** Thrown when a room/invite pair cannot be packed into a `scene`. */
export class SceneError extends Error {}

/** Packs a room and its invite into a wxacode `scene` (`<roomID>.<invite>`), at most 32 characters. */
export function encodeAnchorScene(roomID: string, invite?: string | null): string {
  if (!ROOM_ID.test(roomID)) throw new SceneError(`room ID "${roomID}" cannot go into a scene`);
  if (invite && !SCENE_CHARS.test(invite)) throw new SceneError('invite has characters a scene cannot carry');
  const scene = invite ? `${roomID}.${invite}` : roomID;
  if (scene.length > SCENE_MAX_LENGTH) {
    throw new SceneError(`scene "${scene}" is ${scene.length} characters; WeChat allows ${SCENE_MAX_LENGTH}`);
  }
  return scene;
}

/** Unpacks a `scene` (already URL-decoded) into room and invite; null when it is not ours. */
export function decodeAnchorScene(scene: string): AnchorLaunch | null {
  const dot = scene.indexOf('.');
  const roomID = dot < 0 ? scene : scene.slice(0, dot);
  const invite = dot < 0 ? '' : scene.slice(dot + 1);
  if (!ROOM_ID.test(roomID)) return null;
  return invite ? { roomID, invite } : { roomID };
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

/** Decodes a URI component without throwing on malformed input. */
function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Parses the query part of a link by hand (the mini-program runtime has no URLSearchParams). */
export function parseQuery(link: string): Record<string, string> {
  const start = link.indexOf('?');
  const end = link.indexOf('#');
  const query = start < 0 ? '' : link.slice(start + 1, end > start ? end : undefined);
  const result: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = safeDecode((eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
    if (key !== null && value !== null && !(key in result)) result[key] = value;
  }
  return result;
}

/** Reads `{roomID, invite?}` from plain query values; null when roomID is missing or invalid. */
function fromPlain(query: Record<string, string | undefined>): AnchorLaunch | null {
  const roomID = query.roomID ?? '';
  if (!ROOM_ID.test(roomID)) return null;
  return query.invite ? { roomID, invite: query.invite } : { roomID };
}

/**
 * The anchor page's launch decoder: `scene` (mini-program code), then `q` (plain-link QR), then plain
 * `roomID`/`invite`. Pass the page's onLoad query as WeChat gives it (still URL-encoded).
 */
export function decodeAnchorLaunch(query: Record<string, string | undefined>): AnchorLaunch | null {
  if (query.scene) {
    const scene = safeDecode(query.scene);
    return scene === null ? null : decodeAnchorScene(scene);
  }
  if (query.q) {
    const link = safeDecode(query.q);
    return link === null ? null : fromPlain(parseQuery(link));
  }
  return fromPlain(query);
}
