/**
 * Validation of the IDs the SDK accepts, run before every SDK call so the user hears which field is wrong and why.
 * ZEGO: roomID at most 128 bytes of [A-Za-z0-9_]; streamID at most 256 bytes of [A-Za-z0-9_-]; userID 1..64 chars.
 */
import { roomIDProblem } from '@zego-live/contract';

/** A rejected field: which one, a machine code, and a message for the screen. */
export interface ValidationError {
  field: 'roomID' | 'streamID' | 'userID';
  code: 'EMPTY' | 'BAD_CHARACTERS' | 'TOO_LONG';
  message: string;
}

/** What the user reads for each way a room ID is wrong (the rule itself is the contract's roomIDProblem). */
export const ROOM_ID_PROBLEM_TEXT = {
  EMPTY: '请输入房间号',
  BAD_CHARACTERS: '房间号只能包含字母、数字和下划线',
  TOO_LONG: '房间号不能超过 128 个字符',
} as const;

const STREAM_ID = /^[A-Za-z0-9_-]+$/;

/** Checks a room ID; null when valid. */
export function validateRoomID(roomID: string): ValidationError | null {
  const problem = roomIDProblem(roomID);
  return problem && { field: 'roomID', code: problem, message: ROOM_ID_PROBLEM_TEXT[problem] };
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
