/** The pictures' states of the room's social side: the announcement (公告), the admins (房管), the history. */
import { adminsSignal, announcementSignal, giftSignal } from '@zego-live/contract';
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
    messages: [{ messageID: `n${(sent += 1)}`, fromUser: SERVICE_SENDER, message, sendTime: 0 }],
  });
}

/** A gift's icon as the operator would upload it (an emoji drawn in SVG: the pictures load nothing remote). */
const icon = (emoji: string): string =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><text x="48" y="74" font-size="72" text-anchor="middle">${emoji}</text></svg>`,
  )}`;

const CATALOGUE = [
  { id: 1, name: '小心心', iconUrl: icon('❤️'), price: 1, effect: 'banner' as const, active: true },
  { id: 2, name: '棒棒糖', iconUrl: icon('🍭'), price: 5, effect: 'banner' as const, active: true },
  { id: 3, name: '鲜花', iconUrl: icon('💐'), price: 10, effect: 'banner' as const, active: true },
  { id: 4, name: '跑车', iconUrl: icon('🏎️'), price: 200, effect: 'fullscreen' as const, active: true },
  { id: 5, name: '火箭', iconUrl: icon('🚀'), price: 520, effect: 'fullscreen' as const, active: true },
];

const GIVERS = {
  givers: [
    { userId: 'v1', nickname: '小李', points: 1560 },
    { userId: 'v2', nickname: '阿杰', points: 520 },
    { userId: 'v3', nickname: '小红', points: 35 },
  ],
  total: 2115,
};

/** The catalogue, the viewer's points and the 贡献榜 as the service answers them. */
function giftsServed(rig: Rig): void {
  rig.api.getGifts.mockResolvedValue({ gifts: CATALOGUE });
  rig.api.getPoints.mockResolvedValue({ balance: 86, dailyAllowance: 100 });
  rig.api.getLeaderboard.mockResolvedValue(GIVERS);
}

let sent = 100;
/** The service announces a gift (catalogue entry `id`, `count` of them) from viewer `who`. */
function giftFrom(rig: Rig, who: { id: string; name: string }, id: number, count: number): void {
  const g = CATALOGUE[id - 1];
  const content = giftSignal({
    u: who.id,
    n: who.name,
    g: g.id,
    name: g.name,
    icon: g.iconUrl,
    effect: g.effect,
    c: count,
    i: (sent += 1),
  });
  serviceSays(rig, content);
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
  {
    name: 'audience-gift-panel',
    page: 'audience',
    arrange: async (rig) => {
      giftsServed(rig);
      const p = await watching(rig);
      await p.tap('#gift');
      await p.tap('#gift-5');
      return p;
    },
  },
  {
    name: 'audience-gift-banner',
    page: 'audience',
    arrange: async (rig) => {
      giftsServed(rig);
      const p = await watching(rig);
      giftFrom(rig, { id: 'v2', name: '阿杰' }, 3, 1);
      giftFrom(rig, { id: 'v2', name: '阿杰' }, 3, 1);
      giftFrom(rig, { id: 'v3', name: '小红' }, 1, 9);
      await rig.wait(300);
      return p;
    },
  },
  {
    name: 'audience-gift-effect',
    page: 'audience',
    arrange: async (rig) => {
      giftsServed(rig);
      const p = await watching(rig);
      giftFrom(rig, { id: 'v1', name: '小李' }, 5, 1);
      await rig.wait(300);
      return p;
    },
  },
  {
    name: 'audience-leaderboard',
    page: 'audience',
    arrange: async (rig) => {
      giftsServed(rig);
      const p = await watching(rig);
      await p.tap('#leaderboard-badge');
      return p;
    },
  },
  {
    name: 'anchor-leaderboard',
    page: 'anchor',
    arrange: async (rig) => {
      giftsServed(rig);
      rig.api.getViewers.mockResolvedValue({ viewers: [], limit: 100 });
      const p = await anchorLive(rig);
      // The anchor's 贡献榜 opens from the viewer list (the top-right column has no room for another button).
      await p.tap('#viewers');
      await rig.wait(0);
      await p.tap('#leaderboard-badge');
      return p;
    },
  },
];
