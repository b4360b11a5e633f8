/** Room messages as the live service delivers them (ZEGO broadcasts from its own sender identity), for tests. */
import type { RtcRoomMessage } from '../../miniprogram/services/rtc-types';

/** The service's sender identity (SERVICE_USER_ID of packages/contract/room-signals.ts). */
export const SERVICE_SENDER = { userID: 'live-service', userName: '直播间' };

/** A chat line the service delivered for `userID` (nickname shown as the writer). */
export function chatFromService(
  messageID: string,
  userID: string,
  nickname: string,
  text: string,
  sendTime = 0,
): RtcRoomMessage {
  return {
    messageID,
    fromUser: SERVICE_SENDER,
    message: JSON.stringify({ t: 'chat', u: userID, n: nickname, text }),
    sendTime,
  };
}

/** The service's "comments off/on" system message. */
export function chatStateFromService(messageID: string, commentsOff: boolean): RtcRoomMessage {
  return {
    messageID,
    fromUser: SERVICE_SENDER,
    message: JSON.stringify({ t: 'chat-state', commentsOff }),
    sendTime: 0,
  };
}
