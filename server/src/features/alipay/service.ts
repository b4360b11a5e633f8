import type { AlipayIdentity } from '../../alipay/oauth';
import { ApiError } from '../../lib/errors';
import type { RtcRoomView } from '@zego-live/contract/schemas';
import type { LiveContext } from '../../plugins/app/live';
import { loadRoom } from '../rooms/service';

/**
 * The users.openid under which an Alipay identity is stored: `alipay:<user_id>` (`alipay:open_id:<open_id>` for
 * apps that Alipay switched to OpenID). WeChat openids never contain a colon, so the two never collide.
 */
export function alipayOpenid(identity: AlipayIdentity): string {
  return identity.kind === 'user_id' ? `alipay:${identity.value}` : `alipay:open_id:${identity.value}`;
}

/** What a new Alipay user without a nickname is called (Alipay's own word for an unnamed member). */
export const ALIPAY_DEFAULT_NICKNAME = '支付宝用户';

/** The <rtc-room> parameters of a call for one of its members: 400 a live room, 403 not a member, 409 ended, 503 unset. */
export async function rtcRoomFor(live: LiveContext, roomId: string, userId: string): Promise<RtcRoomView> {
  const room = await loadRoom(live, roomId);
  if (room.kind !== 'call') {
    throw new ApiError(400, 'WRONG_KIND', `Room ${room.id} is a live room: <rtc-room> is for 1v1 calls only`);
  }
  const members = await live.store.rooms.members(room.id);
  if (!members.some((member) => member.user.id === userId)) {
    throw new ApiError(
      403,
      'NOT_A_MEMBER',
      'Only a member of this call gets its <rtc-room> parameters: join it first (POST /token {role: "call"})',
    );
  }
  if (room.status === 'ended') throw new ApiError(409, 'ROOM_ENDED', `Room ${room.id} has ended`);
  const rtc = live.config.alipayRtc;
  if (!rtc.configured) {
    throw new ApiError(
      503,
      'RTC_ROOM_NOT_CONFIGURED',
      `Alipay <rtc-room> is not configured: set ${rtc.missing.join(', ')} (issued by Alipay's business contact)`,
    );
  }
  return { bizName: rtc.bizName, subBiz: rtc.subBiz, serverUrl: rtc.serverUrl, signature: rtc.signature };
}
