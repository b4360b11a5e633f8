/** What the status line says, for each phase and role (Chinese, for the screen). */
import { PEER_LEFT_TEXT, formatDuration, type CallState } from './call';
import { RECONNECTING_NOTICE } from './recovery';
import type { Role, SessionError, SessionPhase } from '../../stores/session-types';

const STATUS_TEXT: Record<SessionPhase, string> = {
  idle: '未进入直播间',
  checking: '正在检查手机环境…',
  authorizing: '需要摄像头和麦克风权限',
  joining: '正在进入直播间…',
  preview: '准备开播',
  live: '直播中',
  watching: '观看中',
  calling: '通话中',
  cohosting: '连麦中',
  reconnecting: RECONNECTING_NOTICE,
  interrupted: '通话中，直播已暂停',
  ended: '直播已结束',
  kicked: '你已离开直播间',
  failed: '出错了',
};

/** A call says some phases its own way. */
const CALL_TEXT: Partial<Record<SessionPhase, string>> = {
  joining: '正在接通…',
  interrupted: '来电中，通话已暂停',
};

/** What the status line reads. */
export interface StatusInput {
  phase: SessionPhase;
  role: Role | null;
  error: SessionError | null;
  anchorOffline: boolean;
  callConnected: boolean;
  callSummary: string;
}

/** The status line. */
export function statusText(s: StatusInput): string {
  if ((s.phase === 'failed' || s.phase === 'kicked') && s.error) return s.error.message;
  if (s.phase === 'watching' && s.anchorOffline) return '主播暂时离开了，请稍候';
  if (s.role === 'call') {
    if (s.phase === 'calling') return s.callConnected ? '通话中' : '等待对方加入…';
    if (s.phase === 'ended') return s.callSummary;
    return CALL_TEXT[s.phase] ?? STATUS_TEXT[s.phase];
  }
  return STATUS_TEXT[s.phase];
}

/** The end screen of a call: who ended it and, once connected, how long it lasted. */
export function callSummaryText(call: Pick<CallState, 'endedBy' | 'connectedAt' | 'durationMs'>): string {
  const who = call.endedBy === 'peerLeft' ? PEER_LEFT_TEXT : '通话已结束';
  return call.connectedAt === null ? who : `${who}，通话时长 ${formatDuration(call.durationMs)}`;
}
