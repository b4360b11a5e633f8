/** What co-hosting (连麦) says to the user: the service's answers and this phone's own outcomes, as a flash. */
import { ApiError } from '../../services/api-client';

/** The service's answers as the user reads them (a flash on the screen). */
export const COHOST_TEXT = {
  COHOST_FULL: '连麦人数已满，请稍后再试',
  ROOM_NOT_LIVE: '主播还没开播，暂时不能连麦',
  REQUEST_NOT_FOUND: '这个连麦申请已经失效了',
  COHOST_NOT_FOUND: '对方已经不在连麦中了',
  NOT_COHOST: '主播还没有同意连麦',
  FORBIDDEN: '只有主播可以处理连麦',
  UNAUTHORIZED: '请先登录再申请连麦',
  network: '网络不可用，连麦操作没有完成，请稍后再试',
  failed: '连麦操作没有完成，请稍后再试',
  lapsed: '连麦申请已超时，主播没有回应',
  declined: '主播暂时不方便连麦',
  removed: '主播结束了与你的连麦',
  publishFailed: '连麦没有成功，请重试',
  requested: '已申请连麦，等待主播同意',
} as const;

/** A failed co-hosting call as the flash says it. */
export function cohostFailureText(error: unknown): string {
  if (error instanceof ApiError) {
    const known = (COHOST_TEXT as Record<string, string>)[error.code];
    if (known) return known;
    if (error.status === 0) return COHOST_TEXT.network;
  }
  return COHOST_TEXT.failed;
}
