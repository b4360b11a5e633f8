/**
 * Stream IDs the service hands out and the apps recognise. Room and user IDs are [A-Za-z0-9], so each is a valid
 * ZEGO stream ID (at most 256 bytes of [A-Za-z0-9_-]).
 */

/** A co-host's own stream in a live room (连麦): `<roomID>_co_<userID>`. */
export const cohostStreamId = (roomId: string, userId: string): string => `${roomId}_co_${userId}`;

/** Whether `streamId` is a co-host's stream of room `roomId` (anything else there is the anchor's or the mix). */
export const isCohostStream = (roomId: string, streamId: string): boolean =>
  streamId.startsWith(`${roomId}_co_`);
