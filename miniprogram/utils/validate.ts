/**
 * Validation of the IDs the SDK accepts, run before every SDK call so the user hears which field is wrong and why.
 * ZEGO: roomID at most 128 bytes of [A-Za-z0-9_]; streamID at most 256 bytes of [A-Za-z0-9_-]; userID 1..64 chars.
 */

/** A rejected field: which one, a machine code, and a message for the screen. */
export interface ValidationError {
  field: 'roomID' | 'streamID' | 'userID';
  code: 'EMPTY' | 'BAD_CHARACTERS' | 'TOO_LONG';
  message: string;
}

const ROOM_ID = /^[A-Za-z0-9_]+$/;
const STREAM_ID = /^[A-Za-z0-9_-]+$/;

/** Checks a room ID; null when valid. */
export function validateRoomID(roomID: string): ValidationError | null {
  if (!roomID) return { field: 'roomID', code: 'EMPTY', message: '请输入房间号' };
  if (!ROOM_ID.test(roomID))
    return { field: 'roomID', code: 'BAD_CHARACTERS', message: '房间号只能包含字母、数字和下划线' };
  if (roomID.length > 128) return { field: 'roomID', code: 'TOO_LONG', message: '房间号不能超过 128 个字符' };
  return null;
}

/** Checks a stream ID; null when valid. */
export function validateStreamID(streamID: string): ValidationError | null {
  if (!streamID) return { field: 'streamID', code: 'EMPTY', message: '流 ID 不能为空' };
  if (!STREAM_ID.test(streamID))
    return { field: 'streamID', code: 'BAD_CHARACTERS', message: '流 ID 只能包含字母、数字、下划线和短横线' };
  if (streamID.length > 256)
    return { field: 'streamID', code: 'TOO_LONG', message: '流 ID 不能超过 256 个字符' };
  return null;
}

/** Checks a user ID; null when valid. */
export function validateUserID(userID: string): ValidationError | null {
  if (!userID) return { field: 'userID', code: 'EMPTY', message: '用户 ID 不能为空' };
  if (userID.length > 64) return { field: 'userID', code: 'TOO_LONG', message: '用户 ID 不能超过 64 个字符' };
  return null;
}
