/**
 * The room directory the pages read rooms through: the live list with its cursor, one room, creating one, claiming
 * one with the invite (a rescan by the room's own anchor goes on), and a 401 signing out before it rejects.
 */
import { ApiError, RoomDirectory, isUnauthorized, type ApiRoom } from '../../miniprogram/stores/rooms';

const ME = { id: 'u_me', nickname: '小王', avatarUrl: '' };
const OTHER = { id: 'u_other', nickname: '别人', avatarUrl: '' };

const room = (overrides: Partial<ApiRoom> = {}): ApiRoom => ({
  id: 'room_1',
  title: '周末音乐直播',
  kind: 'live',
  status: 'idle',
  streamID: 'room_1_main',
  anchor: ME,
  members: [],
  createdAt: 0,
  startedAt: null,
  endedAt: null,
  stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
  ...overrides,
});

function directory(signedIn: string | null = ME.id) {
  const api = {
    listRooms: jest.fn(),
    listLobby: jest.fn(),
    uploadCover: jest.fn(),
    getRoom: jest.fn(),
    createRoom: jest.fn(),
    createCall: jest.fn(),
    claimRoom: jest.fn(),
  };
  const signOut = jest.fn();
  const rooms = new RoomDirectory({ api, currentUserID: () => signedIn, signOut });
  return { api, signOut, rooms };
}

describe('RoomDirectory', () => {
  it('lists live rooms, the next page with the cursor', async () => {
    const { api, rooms } = directory();
    api.listRooms.mockResolvedValueOnce({ rooms: [room()], nextCursor: 'c2' });
    api.listRooms.mockResolvedValueOnce({ rooms: [], nextCursor: null });
    expect(await rooms.listLive()).toEqual({ rooms: [room()], nextCursor: 'c2' });
    expect(api.listRooms).toHaveBeenLastCalledWith('live');
    expect(await rooms.listLive('c2')).toEqual({ rooms: [], nextCursor: null });
    expect(api.listRooms).toHaveBeenLastCalledWith('live', 'c2');
  });

  it('lists the lobby (live, then upcoming), the next page with the cursor', async () => {
    const { api, rooms } = directory();
    api.listLobby.mockResolvedValueOnce({ rooms: [room()], nextCursor: 'L2' });
    api.listLobby.mockResolvedValueOnce({ rooms: [], nextCursor: null });
    expect(await rooms.listLobby()).toEqual({ rooms: [room()], nextCursor: 'L2' });
    expect(api.listLobby).toHaveBeenLastCalledWith();
    expect(await rooms.listLobby('L2')).toEqual({ rooms: [], nextCursor: null });
    expect(api.listLobby).toHaveBeenLastCalledWith('L2');
  });

  it('creates a planned room and uploads its cover', async () => {
    const { api, rooms } = directory();
    const start = Date.now() + 3600_000;
    api.createRoom.mockResolvedValueOnce({ room: room({ plannedStartAt: start }) });
    expect((await rooms.createRoom('周五夜聊', start)).plannedStartAt).toBe(start);
    expect(api.createRoom).toHaveBeenLastCalledWith('周五夜聊', start);
    api.uploadCover.mockResolvedValueOnce({ room: room({ coverUrl: 'https://x/covers/a.png' }) });
    expect((await rooms.uploadCover('r_1', 'http://tmp/c.jpg')).coverUrl).toBe('https://x/covers/a.png');
    expect(api.uploadCover).toHaveBeenLastCalledWith('r_1', 'http://tmp/c.jpg');
  });

  it('reads one room and creates one with the title cut to 64 characters', async () => {
    const { api, rooms } = directory();
    api.getRoom.mockResolvedValue({ room: room({ title: 'A' }) });
    api.createRoom.mockResolvedValue({ room: room({ id: 'room_new' }) });
    expect((await rooms.getRoom('room_1')).title).toBe('A');
    expect(api.getRoom).toHaveBeenCalledWith('room_1');
    expect((await rooms.createRoom('长'.repeat(80))).id).toBe('room_new');
    expect(api.createRoom).toHaveBeenCalledWith('长'.repeat(64));
  });
  it('creates a call (kind call on the service), the title cut to 64 characters', async () => {
    const { api, rooms } = directory();
    api.createCall.mockResolvedValue({ room: room({ id: 'call_new', kind: 'call', members: [ME] }) });
    expect(await rooms.createCall('通'.repeat(70))).toMatchObject({ id: 'call_new', kind: 'call' });
    expect(api.createCall).toHaveBeenCalledWith('通'.repeat(64));
    expect(api.createRoom).not.toHaveBeenCalled();
  });

  it('claims with the invite', async () => {
    const { api, rooms } = directory();
    api.claimRoom.mockResolvedValue({ room: room() });
    expect((await rooms.claimRoom('room_1', 'inv_1')).id).toBe('room_1');
    expect(api.claimRoom).toHaveBeenCalledWith('room_1', 'inv_1');
    expect(api.getRoom).not.toHaveBeenCalled();
  });

  it('a rescan by the room’s own anchor (409, invite already used by them) resolves with the room', async () => {
    const { api, rooms } = directory();
    api.claimRoom.mockRejectedValue(new ApiError('INVITE_USED', 'used', 409));
    api.getRoom.mockResolvedValue({ room: room({ anchor: ME }) });
    expect((await rooms.claimRoom('room_1', 'inv_1')).anchor).toEqual(ME);
  });

  it.each([
    ['someone else owns the room', room({ anchor: OTHER }), ME.id],
    ['the room has ended', room({ anchor: ME, status: 'ended' }), ME.id],
    ['nobody is signed in', room({ anchor: ME }), null],
  ])('a 409 claim rejects with the service’s error when %s', async (_name, answer, signedIn) => {
    const { api, rooms } = directory(signedIn);
    const used = new ApiError('INVITE_USED', 'used', 409);
    api.claimRoom.mockRejectedValue(used);
    api.getRoom.mockResolvedValue({ room: answer });
    await expect(rooms.claimRoom('room_1', 'inv_1')).rejects.toBe(used);
  });

  it('an ended room (409 ROOM_ENDED) or any other claim failure rejects without a second look', async () => {
    const { api, rooms } = directory();
    api.claimRoom.mockRejectedValueOnce(new ApiError('ROOM_ENDED', 'ended', 409));
    await expect(rooms.claimRoom('room_1', 'inv_1')).rejects.toMatchObject({ code: 'ROOM_ENDED' });
    api.claimRoom.mockRejectedValueOnce(new ApiError('INVITE_EXPIRED', 'expired', 410));
    await expect(rooms.claimRoom('room_1', 'inv_1')).rejects.toMatchObject({ status: 410 });
    expect(api.getRoom).not.toHaveBeenCalled();
  });

  it('a 401 from any route signs out, then rejects with it; other failures do not sign out', async () => {
    const { api, signOut, rooms } = directory();
    const unauthorized = new ApiError('UNAUTHORIZED', 'sign in', 401);
    api.listRooms.mockRejectedValueOnce(new ApiError('NETWORK', 'offline', 0));
    await expect(rooms.listLive()).rejects.toMatchObject({ status: 0 });
    expect(signOut).not.toHaveBeenCalled();
    api.createRoom.mockRejectedValueOnce(unauthorized);
    await expect(rooms.createRoom('t')).rejects.toBe(unauthorized);
    api.claimRoom.mockRejectedValueOnce(unauthorized);
    await expect(rooms.claimRoom('room_1', 'inv_1')).rejects.toBe(unauthorized);
    expect(signOut).toHaveBeenCalledTimes(2);
    expect(isUnauthorized(unauthorized)).toBe(true);
    expect(isUnauthorized(new Error('401'))).toBe(false);
  });
});
