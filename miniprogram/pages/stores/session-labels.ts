/** How the visit reads on screen, worked out from the parts: the live session's getters for the pages are these. */
import type { SessionCore } from './session-core';
import { callSummaryText, statusText } from './session-text';

/** The anchor is on air: live, or reconnecting / interrupted while pushing (the end button stays). */
export function onAir({ entry, status, publishing }: SessionCore): boolean {
  if (entry.role !== 'anchor') return false;
  if (status.phase === 'live') return true;
  return (status.phase === 'reconnecting' || status.phase === 'interrupted') && publishing.hasUrl;
}

/** The viewer is in the room but nothing is playing (the anchor has not started, or left). */
export function anchorOffline({ entry, status, watching }: SessionCore): boolean {
  return entry.role === 'audience' && status.phase === 'watching' && !watching.anyPlaying;
}

/** What the chat input says instead of accepting text ('' when the viewer may chat). */
export function chatBlockedText({ room, entry }: SessionCore): string {
  if (room.moderation.commentsOff && entry.role !== 'anchor') return '评论已关闭';
  return room.moderation.mutedUntil !== null ? '你已被禁言' : '';
}

/** The end screen's line for a call: who ended it and how long it lasted. */
export function callSummary({ entry, status, call }: SessionCore): string {
  return entry.role === 'call' && status.phase === 'ended' ? callSummaryText(call) : '';
}

/** The status line's Chinese label of the phase. */
export function statusLine(core: SessionCore): string {
  const { status, entry, call } = core;
  return statusText({
    phase: status.phase,
    role: entry.role,
    error: status.error,
    anchorOffline: anchorOffline(core),
    callConnected: call.connectedAt !== null,
    callSummary: callSummary(core),
  });
}
