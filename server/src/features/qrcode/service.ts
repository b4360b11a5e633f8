import QRCode from 'qrcode';
import { ApiError, notFound } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { Invite, Room } from '../../store/types';
import { createInvite, getRoomWithInvite, wrongKind } from '../rooms/service';

/** The page the anchor QR opens. */
export const ANCHOR_PAGE = 'pages/anchor/index';

/** The room the anchor QR is for and the invite it carries (null once the room has an anchor). */
export async function resolveAnchorLaunch(
  live: LiveContext,
  roomId: string,
): Promise<{ room: Room; invite: Invite | null }> {
  const found = await getRoomWithInvite(live, roomId);
  if (!found) throw notFound(`Room ${roomId} does not exist`);
  const { room } = found;
  if (room.kind !== 'live') throw wrongKind(room);
  if (room.status === 'ended') {
    throw new ApiError(409, 'ROOM_ENDED', 'This room has ended; create a new room');
  }
  // Unclaimed room whose invite expired: mint a fresh one so the QR code always works.
  const invite = room.ownerId === null ? (found.invite ?? (await createInvite(live, room.id))) : null;
  return { room, invite };
}

/** A plain QR code of `text` as PNG. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 });
}

/** 503 naming the missing variable. */
export function linkBaseMissing(what: string): ApiError {
  return new ApiError(
    503,
    'LINK_BASE_URL_NOT_CONFIGURED',
    `${what} needs LINK_BASE_URL (the https address configured in WeChat's "scan a normal link" rules)`,
  );
}
