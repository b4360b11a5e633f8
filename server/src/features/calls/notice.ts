/**
 * The missed-call message (未接来电): when an invitation times out the callee is sent one subscribe message
 * (WECHAT_CALL_TEMPLATE_ID, accepted on the records page like 提醒我) that opens the records page. Without the
 * template, or for a callee without a WeChat openid, nothing is sent.
 */
import type { LiveContext } from '../../plugins/app/live';
import type { Invitation } from '../../store/types';
import { WeChatError } from '../../wechat/access-token';
import { chinaTime, fitKeyword, miniprogramStateOf } from '../../wechat/subscribe-message';

/** The records page a missed-call message opens (the live subpackage: the main package's budget). */
export const CALL_RECORDS_PAGE = 'pages/calls/index';

/** The template the records page asks wx.requestSubscribeMessage for, or null: missed-call messages are off. */
export const callTemplateId = (live: LiveContext): string | null =>
  live.wechat === null ? null : (live.config.wechat?.callTemplate?.id ?? null);

/** errcode recorded when nothing could be sent: no template, or a callee without an openid. */
const NOT_SENT = -2;

/** Sends the callee the missed-call message and records WeChat's answer (0: sent); never throws. */
export async function sendMissedCall(
  live: LiveContext,
  invitation: Invitation,
  callerName: string,
): Promise<number> {
  const template = live.config.wechat?.callTemplate;
  if (live.wechat === null || !template) return NOT_SENT;
  const openid = await live.store.users.wechatOpenid(invitation.calleeId);
  let errcode = NOT_SENT;
  if (openid !== null) {
    try {
      const answer = await live.wechat.subscribeMessage.send({
        touser: openid,
        templateId: template.id,
        page: CALL_RECORDS_PAGE,
        data: {
          [template.keys.caller]: fitKeyword(template.keys.caller, callerName),
          [template.keys.time]: chinaTime(invitation.createdAt),
        },
        miniprogramState: miniprogramStateOf(live.config.wechat?.envVersion ?? 'release'),
      });
      errcode = answer.ok ? 0 : answer.errcode;
    } catch (error) {
      if (!(error instanceof WeChatError)) throw error;
      errcode = error.errcode ?? -1;
    }
  }
  await live.store.invitations.setNotice(invitation.id, errcode);
  return errcode;
}
