/**
 * The contract's room-signal formats (packages/contract/room-signals.ts): what the service writes, the apps read
 * back; what anyone else writes, or anything not in the format, reads as nothing.
 */
import {
  chatLine,
  chatState,
  cohostCommand,
  cohostStreamId,
  COHOST_SIGNALS,
  decodeModerationCommand,
  decodeServiceBroadcast,
  isCohostStream,
  moderationCommand,
  parseCohostCommand,
  SERVICE_USER_ID,
} from '@zego-live/contract';

describe('co-hosting commands', () => {
  it.each(COHOST_SIGNALS)('%s reads back, in the wire format both apps and the service send', (signal) => {
    const text = cohostCommand(signal, 'u_1');
    expect(JSON.parse(text)).toEqual({ t: 'cohost', e: signal, u: 'u_1' });
    expect(parseCohostCommand(text)).toBe(signal);
  });

  it.each([
    ['not JSON', 'cohost:accepted'],
    ['JSON null', 'null'],
    ['another kind', JSON.stringify({ t: 'moderation', e: 'accepted', u: 'u_1' })],
    ['an unknown signal', JSON.stringify({ t: 'cohost', e: 'promoted', u: 'u_1' })],
  ])('%s is no command', (_what, text) => {
    expect(parseCohostCommand(text)).toBeNull();
  });
});

describe("the service's broadcasts and commands", () => {
  const line = chatLine({ id: 'u_1', nickname: '小明' }, '你好');

  it('a chat line and the comments notice read back only from the service', () => {
    expect(decodeServiceBroadcast(SERVICE_USER_ID, line)).toEqual({
      t: 'chat',
      u: 'u_1',
      n: '小明',
      text: '你好',
    });
    expect(decodeServiceBroadcast(SERVICE_USER_ID, chatState(true))).toEqual({
      t: 'chat-state',
      commentsOff: true,
    });
    // A modified app sending the same text straight to ZEGO is not the service.
    expect(decodeServiceBroadcast('u_1', line)).toBeNull();
  });

  it.each([
    ['not JSON', '你好'],
    ['an empty line', JSON.stringify({ t: 'chat', u: 'u_1', n: '小明', text: '' })],
    ['a line without a nickname', JSON.stringify({ t: 'chat', u: 'u_1', text: 'hi' })],
    ['a notice without its flag', JSON.stringify({ t: 'chat-state' })],
  ])('%s reads as nothing', (_what, text) => {
    expect(decodeServiceBroadcast(SERVICE_USER_ID, text)).toBeNull();
  });

  it('a mute and an unmute read back only from the service', () => {
    const muted = moderationCommand({ e: 'muted', until: 1_700_000_000_000 });
    expect(decodeModerationCommand(SERVICE_USER_ID, muted)).toEqual({
      t: 'moderation',
      e: 'muted',
      until: 1_700_000_000_000,
    });
    const unmuted = moderationCommand({ e: 'unmuted', until: null });
    expect(decodeModerationCommand(SERVICE_USER_ID, unmuted)).toEqual({
      t: 'moderation',
      e: 'unmuted',
      until: null,
    });
    expect(decodeModerationCommand('u_1', muted)).toBeNull();
    expect(
      decodeModerationCommand(SERVICE_USER_ID, JSON.stringify({ t: 'moderation', e: 'muted' })),
    ).toBeNull();
  });
});

describe('co-host stream IDs (one rule for the service, which issues them, and the apps, which tell them apart)', () => {
  it('names a co-host stream after its room and user, a valid ZEGO stream ID', () => {
    const streamId = cohostStreamId('rGehV8pSuGSJ', 'u3Kp9');
    expect(streamId).toBe('rGehV8pSuGSJ_co_u3Kp9');
    expect(streamId).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
  });

  it("tells a room's co-host streams from its anchor's, its mix and another room's", () => {
    expect(isCohostStream('room1', cohostStreamId('room1', 'u1'))).toBe(true);
    expect(isCohostStream('room1', 'room1_main')).toBe(false);
    expect(isCohostStream('room1', 'room1_mix')).toBe(false);
    expect(isCohostStream('room1', cohostStreamId('room2', 'u1'))).toBe(false);
  });
});
