/** The pictures' states of replays and OBS: the replay page, 「看回放」 in the list and after the end, the OBS sheet. */
import { ApiError } from '../../miniprogram/services/api';
import { replayPositionKey } from '../../miniprogram/stores/replays';
import { roomFixture } from '../helpers/page-harness';
import { MAIN_STREAM, PEOPLE, ROOM, type Rig } from './rig';
import type { PictureState } from './states';

const ENDED = roomFixture({
  ...ROOM,
  id: 'room_1',
  status: 'ended',
  title: '周末音乐直播：老歌新唱，点歌环节',
  stats: { viewers: 0, peakViewers: 1_203, likes: 56_000, messages: 345 },
});
const REPLAY = {
  parts: [{ url: 'https://replays.example.com/replays/room_1.mp4', durationMs: 3_725_000 }],
  durationMs: 3_725_000,
  views: 417,
};

/** The replay page with the replay answered (and its view counted). */
function withReplay(rig: Rig): void {
  rig.signIn(PEOPLE.viewer);
  rig.api.getReplay.mockResolvedValue({ room: ENDED, replay: REPLAY });
  rig.api.countReplayView.mockResolvedValue({ views: 418 });
}

export const REPLAY_STATES: PictureState[] = [
  {
    name: 'anchor-obs-sheet',
    page: 'anchor',
    arrange: async (rig) => {
      rig.signIn(PEOPLE.anchor, 'room_1', MAIN_STREAM);
      rig.api.getRoom.mockResolvedValue({ room: { ...ROOM, status: 'idle' } });
      rig.api.getRtmpAddress.mockResolvedValue({
        server: 'rtmp://203.0.113.7:1935/1234567890/',
        streamKey: 'room_1_obs_Zk3pQ9xW2mLa',
        validUntil: Date.now() + 7_200_000,
      });
      const p = await rig.open('anchor', { roomID: 'room_1' });
      await p.tap('#obs-open');
      return p;
    },
  },
  {
    name: 'replay-playing',
    page: 'replay',
    arrange: (rig) => {
      withReplay(rig);
      return rig.open('replay', { roomID: 'room_1' });
    },
  },
  {
    name: 'replay-resumed',
    page: 'replay',
    arrange: (rig) => {
      withReplay(rig);
      rig.platform.storage.set(replayPositionKey('room_1'), { part: 0, seconds: 1_250 });
      return rig.open('replay', { roomID: 'room_1' });
    },
  },
  {
    name: 'replay-missing',
    page: 'replay',
    arrange: (rig) => {
      rig.signIn(PEOPLE.viewer);
      rig.api.getReplay.mockRejectedValue(new ApiError('REPLAY_NOT_FOUND', 'Room room_1 has no replay', 404));
      return rig.open('replay', { roomID: 'room_1' });
    },
  },
  {
    name: 'replay-file-failed',
    page: 'replay',
    arrange: async (rig) => {
      withReplay(rig);
      const p = await rig.open('replay', { roomID: 'room_1' });
      await p.nativeEvent('video', 'error', { errMsg: 'MEDIA_ERR_NETWORK' });
      return p;
    },
  },
  {
    name: 'replay-load-error',
    page: 'replay',
    arrange: (rig) => {
      rig.signIn(PEOPLE.viewer);
      rig.api.getReplay.mockRejectedValue(new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0));
      return rig.open('replay', { roomID: 'room_1' });
    },
  },
  {
    name: 'rooms-with-replays',
    page: 'rooms',
    arrange: (rig) => {
      rig.api.listLobby.mockResolvedValue({
        rooms: [
          roomFixture({
            id: 'r_a',
            title: '周末音乐直播',
            status: 'live',
            stats: { viewers: 80, peakViewers: 86, likes: 12_345, messages: 90 },
          }),
        ],
        nextCursor: null,
      });
      rig.api.listReplays.mockResolvedValue({
        rooms: [
          ENDED,
          roomFixture({
            id: 'r_b',
            title: '户外骑行：环湖六十公里',
            status: 'ended',
            anchor: { id: 'u_b', nickname: '骑行阿杰', avatarUrl: '' },
          }),
        ],
      });
      return rig.open('rooms');
    },
  },
  {
    name: 'audience-ended-with-replay',
    page: 'audience',
    arrange: (rig) => {
      rig.signIn(PEOPLE.viewer);
      rig.api.getRoom.mockResolvedValue({ room: ENDED });
      rig.api.getReplay.mockResolvedValue({ room: ENDED, replay: REPLAY });
      return rig.open('audience', { roomID: 'room_1' });
    },
  },
];
