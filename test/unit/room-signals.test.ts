/** Room signals: custom commands reach subscribers (as hints, for this room only), extra info is kept by key. */
import { ROOM, createHarness, settle, viewerWatching } from './session-harness';

const anchor = { userID: 'anchor-1', userName: '主播' };

describe('room signals', () => {
  it('custom commands of this room reach each subscriber; another room’s do not; unsubscribe stops them', async () => {
    const h = await viewerWatching(createHarness());
    const seen: string[] = [];
    const off = h.session.onRoomCommand((c) => seen.push(`${c.fromUser.userID}:${c.command}`));
    h.engine.emit('IMRecvCustomCommand', {
      roomID: ROOM,
      fromUser: anchor,
      command: '{"t":"cohost-accepted"}',
    });
    h.engine.emit('IMRecvCustomCommand', { roomID: 'other', fromUser: anchor, command: 'x' });
    off();
    h.engine.emit('IMRecvCustomCommand', { roomID: ROOM, fromUser: anchor, command: 'late' });
    expect(seen).toEqual(['anchor-1:{"t":"cohost-accepted"}']);
    // a command is a hint: it changed nothing in the session
    expect(h.session.phase).toBe('watching');
    expect(h.session.pusher).toBeNull();
  });

  it('room extra info is kept by key, replaced by newer values, and cleared by leaving', async () => {
    const h = await viewerWatching(createHarness());
    h.engine.emit('roomExtraInfoUpdate', { roomID: ROOM, items: [{ key: 'layout', value: 'a' }] });
    h.engine.emit('roomExtraInfoUpdate', {
      roomID: ROOM,
      items: [
        { key: 'layout', value: 'b' },
        { key: 'notice', value: '欢迎' },
      ],
    });
    h.engine.emit('roomExtraInfoUpdate', { roomID: 'other', items: [{ key: 'layout', value: 'z' }] });
    await settle();
    expect(h.session.roomExtraInfo).toEqual({ layout: 'b', notice: '欢迎' });
    h.session.leave();
    expect(h.session.roomExtraInfo).toEqual({});
  });
});
