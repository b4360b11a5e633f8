/**
 * Every error code a user can meet (ZEGO SDK, native live-pusher / live-player, the SDK's pre-flight check), mapped
 * to a Chinese message for the screen and what the user can do about it. Codes from ZEGO Express mini-program
 * SDK 3.6 and WeChat's live-pusher / live-player documentation.
 */

/** What the user can do about an error. */
export type ErrorAction = 'retry' | 'openSetting' | 'upgradeWechat' | 'leave' | 'none';

/** An error the user can read and act on. */
export interface SessionError {
  /** The SDK / native / service code, or a validation code like 'roomID.BAD_CHARACTERS'. */
  code: number | string;
  /** Chinese, for the screen. */
  message: string;
  action: ErrorAction;
}

/** One catalog row. */
export interface CatalogEntry {
  message: string;
  action: ErrorAction;
}

const entry = (message: string, action: ErrorAction): CatalogEntry => ({ message, action });

/** checkSystemRequirements (ZEGO pre-flight). */
export const SYSTEM_CHECK_CODES = { wechatTooOld: 10001, noPermission: 10002 } as const;

/** roomStateUpdate / roomStateChanged codes that mean "logged in elsewhere or removed": never rejoin by ourselves. */
export const KICKOUT_CODES: readonly number[] = [1002050, 1002055, 63000001, 63000002];

/** Codes that mean the login token is wrong or expired (renew or fetch a new one). */
export const TOKEN_CODES: readonly number[] = [1002033, 1102016, 1102018, 63000005];

/** The table. Numeric keys are SDK / native codes; negative ones are native component errors. */
export const ERROR_CATALOG: Readonly<Record<number, CatalogEntry>> = {
  // Pre-flight (checkSystemRequirements).
  10001: entry('当前微信版本过低，无法直播或观看，请升级微信后再试', 'upgradeWechat'),
  10002: entry('需要摄像头和麦克风权限才能直播，请在设置中允许', 'openSetting'),

  // SDK: parameters (1000xxx).
  1000002: entry('还没有进入房间，请重新进入', 'retry'),
  1000014: entry('流 ID 太长（不能超过 256 个字符）', 'leave'),
  1000015: entry('流 ID 不能为空', 'leave'),
  1000016: entry('流 ID 只能包含字母、数字、下划线和短横线', 'leave'),
  1000017: entry('网络已断开，请检查网络后重试', 'retry'),

  // SDK: room and login (1002xxx).
  1001004: entry('直播服务的 AppID 配置有误，请联系管理员', 'leave'),
  1002001: entry('已在另一个房间中，请先退出再进入', 'leave'),
  1002005: entry('用户 ID 不能为空，请重新登录', 'leave'),
  1002006: entry('用户 ID 含有不支持的字符，请重新登录', 'leave'),
  1002007: entry('用户 ID 太长，请重新登录', 'leave'),
  1002008: entry('昵称不能为空', 'leave'),
  1002010: entry('昵称太长', 'leave'),
  1002011: entry('房间号不能为空', 'leave'),
  1002012: entry('房间号只能包含字母、数字和下划线', 'leave'),
  1002013: entry('房间号太长（不能超过 128 个字符）', 'leave'),
  1002014: entry('房间不存在', 'leave'),
  1002031: entry('进入房间超时，请检查网络后重试', 'retry'),
  1002033: entry('登录凭证无效或已过期，请重新进入', 'retry'),
  1002034: entry('房间人数已满，请稍后再来', 'retry'),
  1002050: entry('你的账号已在其他设备进入了这个房间', 'leave'),
  1002053: entry('网络中断，重新进入房间失败', 'retry'),
  1002055: entry('你已被移出房间', 'leave'),
  1002056: entry('正在进入房间，请勿重复操作', 'none'),
  1002057: entry('已在房间中，请勿重复进入', 'none'),
  1002058: entry('已在房间中，请勿重复进入', 'none'),
  1002066: entry('你已被禁止进入这个房间', 'leave'),
  1002082: entry('没有在这个房间直播的权限', 'leave'),
  1002099: entry('直播服务出错了，请稍后重试', 'retry'),

  // SDK: network and token (110xxxx).
  1100002: entry('网络超时，请检查网络后重试', 'retry'),
  1100003: entry('与直播服务的连接断开了，请重试', 'retry'),
  1102001: entry('与直播服务的连接断开了，请重试', 'retry'),
  1102016: entry('登录凭证无效，请重新进入', 'retry'),
  1102018: entry('登录凭证已过期，请重新进入', 'retry'),
  1102020: entry('直播服务鉴权失败，请联系管理员', 'leave'),
  63000001: entry('你的账号已在其他设备登录', 'leave'),
  63000002: entry('你已被移出房间', 'leave'),
  63000005: entry('登录凭证已过期，请重新进入', 'retry'),

  // SDK: publish and play (1003xxx / 1103xxx / 1104xxx).
  1003028: entry('这个房间里已经有同一路直播流（可能你在另一台手机上开着直播）', 'leave'),
  1003050: entry('推流的附加信息为空，请重试', 'retry'),
  1103001: entry('还没有进入房间，不能推流或拉流，请重新进入', 'retry'),
  1103051: entry('推流重试超时，请检查网络后重试', 'retry'),
  1103052: entry('推流到 CDN 失败，请重试', 'retry'),
  1103055: entry('推流失败：找不到这条流', 'retry'),
  1103056: entry('已在推流中', 'none'),
  1103063: entry('推流目标没有响应，请重试', 'retry'),
  1104031: entry('拉流重试超时，请检查网络后重试', 'retry'),
  1104039: entry('主播的画面不存在，可能已下播', 'leave'),

  // SDK: chat (1009xxx).
  1009001: entry('消息不能为空', 'none'),
  1009002: entry('消息太长了', 'none'),
  1009010: entry('消息发送失败，请重试', 'none'),

  // Native live-pusher.
  [-1301]: entry('打开摄像头失败，请在设置中允许使用摄像头', 'openSetting'),
  [-1302]: entry('打开麦克风失败，请在设置中允许使用麦克风', 'openSetting'),
  [-1305]: entry('手机不支持当前的视频分辨率', 'leave'),
  [-1306]: entry('手机不支持当前的音频采样率', 'leave'),
  [-1307]: entry('网络断开，推流多次重连都失败了', 'retry'),
  [-1308]: entry('开始录屏失败', 'retry'),
  [-1309]: entry('当前安卓系统版本不支持录屏', 'leave'),
  1021: entry('网络类型变了，正在重新连接', 'none'),
  3001: entry('直播服务器地址解析失败，请检查网络', 'retry'),
  3002: entry('连接直播服务器失败，请检查网络', 'retry'),
  3003: entry('与直播服务器握手失败，请重试', 'retry'),
  3004: entry('直播服务器断开了连接，请重试', 'retry'),
  3005: entry('网络读写失败，正在重新连接', 'retry'),
  5000: entry('小程序被切到后台，直播暂停了', 'none'),
  5001: entry('直播被电话打断了，通话结束后会自动恢复', 'none'),

  // Native live-player.
  [-2301]: entry('网络断开，播放多次重连都失败了', 'retry'),
  [-2302]: entry('获取播放地址失败，请重试', 'retry'),
  2101: entry('视频解码失败，正在恢复', 'none'),
  2102: entry('音频解码失败，正在恢复', 'none'),
  2103: entry('网络断开，正在重新连接', 'none'),
  2104: entry('网络不稳定，画面可能卡顿', 'none'),
  2105: entry('视频播放卡顿了', 'none'),
};

/** Turns a code into what the screen shows; unknown codes get a generic line that still names the code. */
export function describeError(code: number): SessionError {
  const known = ERROR_CATALOG[code];
  if (known) return { code, message: known.message, action: known.action };
  return { code, message: `出错了（错误码 ${code}），请重试`, action: 'retry' };
}

/** True for codes that mean this user was removed from the room (no automatic rejoin). */
export function isKickout(code: number): boolean {
  return KICKOUT_CODES.includes(code);
}

/** Chinese label of an action's button ('' when there is nothing to press). */
export const ACTION_TEXT: Readonly<Record<ErrorAction, string>> = {
  retry: '重试',
  openSetting: '去设置',
  upgradeWechat: '升级微信',
  leave: '离开',
  none: '',
};
