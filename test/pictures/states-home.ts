/** The pictures' states of the main package: login and the room list. */
import { ApiError } from '../../miniprogram/services/api';
import { roomFixture } from '../helpers/page-harness';
import { PEOPLE, type Rig } from './rig';
import type { PictureState } from './states';

/** A failed request as the api client reports it (services/api-client.ts networkError). */
const OFFLINE = new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0);

const AT_EIGHT_TONIGHT = () => {
  const start = new Date(Date.now());
  start.setHours(20, 0, 0, 0);
  return start.getTime();
};

/** Login and room list states. */
export const HOME_STATES: PictureState[] = [
  { name: 'login-empty', page: 'login', arrange: (rig) => rig.open('login') },
  {
    name: 'login-anchor-filled',
    page: 'login',
    arrange: async (rig) => {
      const p = await rig.open('login');
      await p.input('#nickname', '主播小王');
      await p.fire('#role', 'change', { value: 'anchor' });
      await p.input('#room-id', 'room_42');
      await p.input('#title', '周末音乐直播');
      return p;
    },
  },
  {
    name: 'login-errors',
    page: 'login',
    arrange: async (rig) => {
      const p = await rig.open('login');
      await p.input('#room-id', 'room 1!');
      await p.tap('#enter');
      return p;
    },
  },
  {
    name: 'login-sign-in-failed',
    page: 'login',
    arrange: async (rig) => {
      rig.api.signInWithWechat.mockRejectedValue(OFFLINE);
      const p = await rig.open('login');
      await p.input('#nickname', '小王');
      await p.input('#room-id', 'room_42');
      await p.tap('#enter');
      return p;
    },
  },
  {
    name: 'login-avatar-upload-failed',
    page: 'login',
    arrange: async (rig) => {
      rig.api.uploadAvatar.mockRejectedValue(OFFLINE);
      const p = await rig.open('login');
      await p.fire('#avatar', 'chooseavatar', { avatarUrl: 'http://tmp/avatar.png' });
      await p.input('#nickname', '观众小李');
      await p.input('#room-id', 'room_42');
      await p.tap('#enter');
      rig.lastToast();
      return p;
    },
  },
  {
    name: 'login-signed-in',
    page: 'login',
    arrange: async (rig: Rig) => {
      rig.signIn({ ...PEOPLE.anchor, avatarUrl: 'https://live.example.com/avatars/u_anchor.png' });
      return rig.open('login');
    },
  },
  {
    name: 'rooms-list',
    page: 'rooms',
    docs: 'rooms',
    arrange: (rig) => {
      rig.api.listLobby.mockResolvedValue({
        rooms: [
          roomFixture({ id: 'r_a', title: '周末音乐直播', status: 'live', stats: stats(86, 12_345) }),
          roomFixture({
            id: 'r_b',
            title: '户外骑行：环湖六十公里，一起看日落',
            status: 'live',
            anchor: { id: 'u_b', nickname: '骑行阿杰', avatarUrl: '' },
            stats: stats(1_203, 56_000),
          }),
          roomFixture({
            id: 'r_u',
            title: '周五夜聊',
            status: 'idle',
            plannedStartAt: AT_EIGHT_TONIGHT() + 86_400_000,
            coverUrl: 'https://live.example.com/covers/r_u.png',
            anchor: { id: 'u_c', nickname: '小红', avatarUrl: '' },
          }),
          roomFixture({ id: 'r_e', title: '昨晚的直播', status: 'ended', stats: stats(40, 800) }),
        ],
        nextCursor: null,
      });
      return rig.open('rooms');
    },
  },
  {
    name: 'rooms-empty',
    page: 'rooms',
    arrange: (rig) => {
      rig.api.listLobby.mockResolvedValue({ rooms: [], nextCursor: null });
      return rig.open('rooms');
    },
  },
  {
    name: 'rooms-network-error',
    page: 'rooms',
    arrange: (rig) => {
      rig.api.listLobby.mockRejectedValue(OFFLINE);
      return rig.open('rooms');
    },
  },
];

function stats(peakViewers: number, likes: number) {
  return { viewers: peakViewers, peakViewers, likes, messages: 0 };
}
