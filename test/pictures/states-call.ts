/** The pictures' states of the call page. */
import { ApiError } from '../../miniprogram/services/api';
import { roomFixture, type PageHarness } from '../helpers/page-harness';
import { PEOPLE, stats, type Rig } from './rig';
import type { PictureState } from './states';

const CALL = roomFixture({
  id: 'call_1',
  title: '小明的通话',
  status: 'idle',
  kind: 'call',
  members: [PEOPLE.caller],
});
const OWN = 'call_1_u_callee';
const PEER = 'call_1_u_caller';
const PEER_STREAM = {
  streamID: PEER,
  user: { userID: PEOPLE.caller.id, userName: PEOPLE.caller.nickname },
  extraInfo: '',
};

/** The callee opens the shared card. */
async function waiting(rig: Rig, query: Record<string, string> = {}): Promise<PageHarness> {
  rig.signIn(PEOPLE.callee, 'call_1', OWN);
  rig.api.getRoom.mockResolvedValue({ room: CALL });
  rig.api.endRoom.mockResolvedValue({ room: { ...CALL, status: 'ended' } });
  return rig.open('call', { roomID: 'call_1', ...query });
}

/** The caller's stream plays; a minute and a half later, with the figures of both sides (a voice call: media=audio). */
async function inCall(rig: Rig, query: Record<string, string> = {}): Promise<PageHarness> {
  const p = Object.keys(query).length ? await waiting(rig, query) : await waiting(rig);
  rig.engine.emit('roomUserUpdate', { roomID: 'call_1', updateType: 'ADD', users: [PEER_STREAM.user] });
  rig.engine.emit('roomStreamUpdate', { roomID: 'call_1', updateType: 'ADD', streams: [PEER_STREAM] });
  await rig.wait(0);
  rig.engine.emit('publisherStateUpdate', {
    streamID: OWN,
    state: 'PUBLISHING',
    errorCode: 0,
    extendedData: '',
  });
  rig.engine.emit('playerStateUpdate', { streamID: PEER, state: 'PLAYING', errorCode: 0, extendedData: '' });
  await rig.wait(92_000);
  rig.engine.emit('publishQualityUpdate', { streamID: OWN, stats: stats(820, 20) });
  rig.engine.emit('playQualityUpdate', { streamID: PEER, stats: stats(760, 18) });
  await rig.wait(1000);
  return p;
}

/** The call page's states. */
export const CALL_STATES: PictureState[] = [
  { name: 'call-waiting', page: 'call', arrange: waiting },
  { name: 'call-in-call', page: 'call', docs: 'call', arrange: (rig) => inCall(rig) },
  {
    name: 'call-video-from-invitation',
    page: 'call',
    arrange: (rig) => inCall(rig, { media: 'video', invitation: 'c_1' }),
  },
  { name: 'call-voice', page: 'call', arrange: (rig) => inCall(rig, { media: 'audio', invitation: 'c_1' }) },
  {
    name: 'call-peer-hung-up',
    page: 'call',
    arrange: async (rig) => {
      const p = await inCall(rig);
      await rig.streamLeaves('call_1', PEER_STREAM);
      return p;
    },
  },
  {
    name: 'call-full',
    page: 'call',
    arrange: (rig) => {
      rig.signIn(PEOPLE.callee, 'call_1', OWN);
      rig.api.getRoom.mockResolvedValue({ room: CALL });
      rig.api.getRoomToken.mockRejectedValue(
        new ApiError('CALL_FULL', 'This call already has two members', 409),
      );
      return rig.open('call', { roomID: 'call_1' });
    },
  },
  {
    name: 'call-camera-refused',
    page: 'call',
    arrange: (rig) => {
      rig.platform.answers['scope.camera'] = 'deny';
      return waiting(rig);
    },
  },
];
