/**
 * The sheet a long-press on a viewer's line (or a tap in the anchor's viewer list) opens: mute or remove them, for
 * the anchor and for the room's admins (房管); the anchor also appoints and dismisses admins, an admin switches
 * comments. The service decides each of them; the sheet only offers what this phone's role may ask for.
 */
import { liveSession } from '../stores/index';
import type { Fire } from './live-room';

/** Who is acting on whom. */
export interface SheetTarget {
  userID: string;
  nickname: string;
  /** The anchor's sheet (appoints admins) or an admin's (switches comments). */
  by: 'anchor' | 'admin';
}

/** Opens the sheet for a viewer (nothing for our own line, the anchor's, or an admin acting on an admin). */
export function openModerationSheet(target: SheetTarget, fire: Fire): void {
  const { userID, nickname, by } = target;
  const admins = liveSession.social.notices.admins;
  if (!userID || userID === liveSession.userID) return;
  if (by === 'admin' && admins[userID]) return;
  const actions: [string, () => unknown][] = [
    ['禁言 10 分钟', () => liveSession.muteViewer(userID)],
    ['移出直播间', () => liveSession.removeViewer(userID)],
  ];
  if (by === 'anchor') {
    actions.push(
      admins[userID]
        ? ['撤销房管', () => liveSession.social.notices.dismiss(userID)]
        : ['设为房管', () => liveSession.social.notices.appoint(userID)],
    );
  } else {
    const off = liveSession.commentsOff;
    actions.push([off ? '开启评论' : '关闭评论', () => liveSession.switchComments(!off)]);
  }
  wx.showActionSheet({
    alertText: nickname,
    itemList: actions.map(([label]) => label),
    success: (res) => {
      const chosen = actions[res.tapIndex];
      if (chosen) fire(chosen[1]());
    },
  });
}
