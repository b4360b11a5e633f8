/** The pictures' states of the room's social side: the announcement (公告), the admins (房管), the history. */
import { adminsSignal, announcementSignal } from '@zego-live/contract';
import type { PageHarness } from '../helpers/page-harness';
import { SERVICE_SENDER } from '../helpers/service-chat';
import type { Rig } from './rig';
import { anchorLive, watching } from './states-live';
import type { PictureState } from './states';

/** What a viewer who comes in late reads first: two earlier lines, the announcement, an admin (阿杰, v2). */
function catchUp(rig: Rig): void {
  rig.api.getCatchUp.mockResolvedValue({
    lines: [
      { id: 7, userId: 'v7', nickname: '早到的小周', text: '占个前排', sentAt: 1 },
      { id: 8, userId: 'v2', nickname: '阿杰', text: '今晚有抽奖吗？', sentAt: 2 },
    ],
    announcement: { text: '今晚 9 点抽奖送签名专辑，点关注不迷路，文明发言哦', at: 1 },
    admins: ['v2'],
  });
}

/** The service tells the room something (a system broadcast under its identity). */
function serviceSays(rig: Rig, message: string): void {
  rig.engine.emit('IMRecvBroadcastMessage', {
    roomID: 'room_1',
    messages: [{ messageID: `n${message.length}`, fromUser: SERVICE_SENDER, message, sendTime: 0 }],
  });
}

/** The audience's and the anchor's pages with the room's announcement, admins and history. */
export const SOCIAL_STATES: PictureState[] = [
  {
    name: 'audience-announcement',
    page: 'audience',
    arrange: (rig) => {
      catchUp(rig);
      return watching(rig);
    },
  },
  {
    name: 'anchor-admins',
    page: 'anchor',
    arrange: async (rig): Promise<PageHarness> => {
      rig.api.getViewers.mockResolvedValue({
        viewers: [
          { userId: 'v3', nickname: '小红', avatarUrl: null, joinedAt: 3 },
          { userId: 'v2', nickname: '阿杰', avatarUrl: null, joinedAt: 2 },
          { userId: 'v1', nickname: '小李', avatarUrl: null, joinedAt: 1 },
        ],
        limit: 100,
      });
      const p = await anchorLive(rig);
      serviceSays(rig, adminsSignal(['v2', 'v3']));
      await p.tap('#viewers');
      await rig.wait(0);
      return p;
    },
  },
  {
    name: 'anchor-announcement',
    page: 'anchor',
    arrange: async (rig) => {
      const p = await anchorLive(rig);
      // Set while live: it replaces nothing and reaches every viewer.
      serviceSays(rig, announcementSignal('新歌首唱，欢迎点歌', Date.now()));
      serviceSays(rig, adminsSignal(['v2']));
      await rig.wait(300);
      return p;
    },
  },
];
