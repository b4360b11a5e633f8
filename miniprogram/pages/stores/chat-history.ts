/** The history a late joiner reads, merged with what is on screen already (pure: tested without a session). */
import type { HistoryLine } from '@zego-live/contract/schemas';
import type { ChatLine } from '../../stores/session-types';
import { keptLineID } from './chat-protocol';

/**
 * The room's last lines go before what is on screen, in the history's order; a line that already arrived live (it
 * carries the same number) is shown once, where the history has it. Join notices are never in the history. The
 * newest `window` lines stay.
 */
export function withHistory(
  chat: readonly ChatLine[],
  lines: readonly HistoryLine[],
  window: number,
): ChatLine[] {
  const older = lines.map((l): ChatLine => ({
    id: keptLineID(l.id),
    nickname: l.nickname,
    text: l.text,
    kind: 'chat',
    userID: l.userId,
  }));
  const kept = new Set(older.map((line) => line.id));
  return [...older, ...chat.filter((line) => !kept.has(line.id))].slice(-window);
}
