/**
 * Every error code a user can meet (ZEGO SDK, native live-pusher / live-player, the SDK's pre-flight check, and the
 * live service's `{error: {code}}`), mapped to a Chinese message for the screen and what the user can do about it.
 * Codes from ZEGO Express mini-program SDK 3.6, WeChat's live-pusher / live-player documentation and the service's
 * ErrorCode list (packages/contract/errors.ts).
 */
import type { ErrorCode } from '@zego-live/contract';

export type { ErrorCode };

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

/**
 * The live service's codes (`{error: {code, message}}`). The service's English `message` is for logs and
 * developers; the screen shows these. A code the service adds and this table lacks fails the type check here.
 * Where one code means different things per route (FORBIDDEN, NOT_FOUND, CONFLICT ...), the call site may refine
 * the text (describeServiceError's `refine`); these rows are the fallback.
 */
export const SERVICE_ERROR_CATALOG: Readonly<Record<ErrorCode, CatalogEntry>> = {
  // Generic, one per HTTP status (also what a status answers when its code is unknown here).
  BAD_REQUEST: entry('填写的内容不符合要求，请检查后重试', 'none'),
  UNAUTHORIZED: entry('登录已失效，请重新登录', 'leave'),
  FORBIDDEN: entry('没有权限进行这个操作', 'none'),
  NOT_FOUND: entry('找不到要打开的内容，可能已被删除', 'leave'),
  METHOD_NOT_ALLOWED: entry('当前版本不支持这个操作，请更新小程序后再试', 'none'),
  REQUEST_TIMEOUT: entry('请求超时了，请检查网络后重试', 'retry'),
  CONFLICT: entry('操作没有成功，内容可能刚被别人改过，请刷新后重试', 'retry'),
  GONE: entry('内容已失效', 'leave'),
  PAYLOAD_TOO_LARGE: entry('内容太大了，请换一个小一点的文件', 'none'),
  URI_TOO_LONG: entry('链接太长，无法打开，请从分享卡片重新进入', 'leave'),
  HEADERS_TOO_LARGE: entry('请求出错了，请重新登录后再试', 'retry'),
  UNSUPPORTED_MEDIA_TYPE: entry('文件格式不支持，请换一张 PNG、JPEG 或 WebP 图片', 'none'),
  RATE_LIMITED: entry('操作太频繁了，请稍后再试', 'retry'),

  // Set-up of the service and the platforms it calls.
  ZEGO_NOT_CONFIGURED: entry('直播服务还没有配置好，暂时不能直播或观看，请联系管理员', 'leave'),
  WECHAT_UNAVAILABLE: entry('微信服务暂时不可用，请稍后重试', 'retry'),
  WECHAT_CODE_INVALID: entry('微信登录凭证已失效，请重试', 'retry'),
  ALIPAY_NOT_CONFIGURED: entry('支付宝登录还没有开通，请联系管理员', 'leave'),
  ALIPAY_UNAVAILABLE: entry('支付宝服务暂时不可用，请稍后重试', 'retry'),
  ALIPAY_CODE_INVALID: entry('支付宝登录凭证已失效，请重试', 'retry'),
  RTC_ROOM_NOT_CONFIGURED: entry('支付宝音视频通话还没有开通，请联系客服', 'leave'),
  NOT_A_MEMBER: entry('你不是这个通话的成员，无法加入', 'leave'),
  LINK_BASE_URL_NOT_CONFIGURED: entry('开播二维码暂时无法生成，请联系管理员', 'none'),

  // Rooms, invites and calls.
  ROOM_ENDED: entry('直播已经结束了', 'leave'),
  ROOM_ALREADY_CLAIMED: entry('这个房间已经有主播了', 'leave'),
  INVITE_INVALID: entry('开播二维码无效，请重新扫描运营人员给你的二维码', 'leave'),
  INVITE_EXPIRED: entry('开播二维码已过期，请联系运营人员获取新的二维码', 'leave'),
  INVITE_USED: entry('开播二维码已被其他人使用，请联系运营人员获取新的二维码', 'leave'),
  WRONG_ROLE: entry('这个房间不能这样进入，请从分享卡片重新打开', 'leave'),
  WRONG_KIND: entry('链接打开的房间类型不对：直播间和视频通话不能混用', 'leave'),
  CALL_FULL: entry('通话已满，无法加入', 'leave'),
  ROOM_NOT_LIVE: entry('直播还没开始或已经结束', 'none'),

  // Co-hosting (连麦).
  COHOST_FULL: entry('连麦人数已满，请稍后再试', 'none'),
  ALREADY_COHOST: entry('你已经在连麦中了', 'none'),
  REQUEST_NOT_FOUND: entry('这个连麦申请已经失效了', 'none'),
  COHOST_NOT_FOUND: entry('对方已经不在连麦中了', 'none'),
  NOT_COHOST: entry('主播还没有同意连麦', 'none'),

  // Chat and moderation.
  MESSAGE_EMPTY: entry('说点什么吧', 'none'),
  MESSAGE_TOO_LONG: entry('消息太长了', 'none'),
  MESSAGE_REJECTED: entry('消息含有不适合发布的内容，换个说法吧', 'none'),
  MESSAGE_HELD: entry('消息需要审核，暂时没有发出', 'none'),
  COMMENTS_OFF: entry('评论已关闭', 'none'),
  CHAT_MUTED: entry('你已被禁言，暂时不能发言', 'none'),
  REMOVED_FROM_ROOM: entry('你已被移出这个直播间，不能再进入', 'leave'),
  CHAT_UNAVAILABLE: entry('聊天暂不可用', 'none'),
  CHAT_NEEDS_WECHAT: entry('请用微信登录后再聊天', 'none'),
  CONTENT_CHECK_UNAVAILABLE: entry('消息检查暂时不可用，请稍后再发', 'none'),
  CANNOT_MODERATE_ANCHOR: entry('不能禁言或移出主播', 'none'),

  // The service itself (and ZEGO's callbacks to it, which no user sees: here so every code has its row).
  DATABASE_UNAVAILABLE: entry('服务暂时不可用，请稍后重试', 'retry'),
  NOT_READY: entry('服务正在启动，请稍后重试', 'retry'),
  SHUTTING_DOWN: entry('服务正在更新，请稍后重试', 'retry'),
  CALLBACK_EXPIRED: entry('服务出错了，请稍后重试', 'retry'),
  CALLBACK_REPLAYED: entry('服务出错了，请稍后重试', 'retry'),
  INTERNAL: entry('服务出错了，请稍后重试', 'retry'),
  // Planned rooms and start reminders (开播提醒).
  ROOM_NOT_UPCOMING: entry('直播已经开始或已结束，不能再修改预告或设置提醒', 'leave'),
  REMINDERS_UNAVAILABLE: entry('开播提醒暂未开通', 'none'),
  REMINDER_NEEDS_WECHAT: entry('开播提醒需要微信登录', 'none'),
  // Replays and OBS.
  REPLAY_NOT_FOUND: entry('这场直播没有回放，可能还在生成或已被删除', 'leave'),
  RECORDING_NOT_FOUND: entry('这段录像已被删除', 'none'),
  RTMP_UNAVAILABLE: entry('暂时拿不到推流地址，请稍后重试', 'retry'),
};

/** What a failed call to the service carries (the api-client's ApiError); status 0: the network failed. */
export interface ServiceFailure {
  code: string;
  /** English, for logs and developers: never shown. */
  message: string;
  status: number;
}

/** Per-call-site texts for some codes (what FORBIDDEN means on this route ...); NETWORK is a failed network. */
export type ServiceRefinements = Partial<Record<ErrorCode | 'NETWORK', Partial<CatalogEntry>>>;

/**
 * The row an answer reads as when its code is not one this app knows (a newer service, a proxy's error page): the
 * generic row of its HTTP status.
 */
function rowForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  // The plain "unavailable, try again" row (a gateway's 502/504 reads the same).
  if (status >= 502 && status <= 504) return 'DATABASE_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL';
  return 'BAD_REQUEST';
}

/** True when `code` is one of the service's codes this app knows. */
export const isServiceCode = (code: string): code is ErrorCode =>
  Object.prototype.hasOwnProperty.call(SERVICE_ERROR_CATALOG, code);

/** True for a failed service call (an ApiError, or anything shaped like one). */
export function isServiceFailure(error: unknown): error is ServiceFailure {
  const e = error as Partial<ServiceFailure> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.status === 'number' &&
    typeof e.message === 'string'
  );
}

/** How describeServiceError words one call site's failure. */
export interface ServiceErrorOptions {
  /** Texts this call site means by some codes; they replace the catalog's row (and `lead`). */
  refine?: ServiceRefinements;
  /** Put before the catalog's message, e.g. '创建失败：'. */
  lead?: string;
  /** What a failure that is not a service call shows (a thrown bug, an engine error). */
  fallback?: SessionError;
}

const SERVICE_FALLBACK: SessionError = {
  code: 'SERVICE',
  message: '直播服务暂时不可用，请稍后重试',
  action: 'retry',
};

/**
 * A failed call to the live service as the screen shows it: the call site's refinement for its code, else the
 * catalog's row (for an unknown code, the row of its HTTP status), in Chinese. The service's English message is
 * never used; a network failure (status 0) keeps the Chinese text the api-client gave it.
 */
export function describeServiceError(error: unknown, options: ServiceErrorOptions = {}): SessionError {
  if (!isServiceFailure(error)) return options.fallback ?? SERVICE_FALLBACK;
  const { code, status } = error;
  const lead = options.lead ?? '';
  if (status === 0) {
    const refined = options.refine?.NETWORK;
    return { code, message: refined?.message ?? lead + error.message, action: refined?.action ?? 'retry' };
  }
  const known: ErrorCode = isServiceCode(code) ? code : rowForStatus(status);
  const row = SERVICE_ERROR_CATALOG[known];
  const refined = options.refine?.[known];
  return {
    code,
    message: refined?.message ?? lead + row.message,
    action: refined?.action ?? row.action,
  };
}
