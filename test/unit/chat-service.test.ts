/**
 * Chat through the service, as the viewer and the anchor see it: the own line pending then confirmed, or removed
 * with the reason; only lines the service delivered are shown; comments off; a mute that ends by itself; a removal
 * (the end screen); likes counted by the service; the anchor's moderation.
 */
import { ApiError } from '../../miniprogram/services/api';
import { FLUSH_INTERVAL_MS, LIKE_SEND_INTERVAL_MS } from '../../miniprogram/pages/stores/live-session';
import { chatFromService, chatStateFromService, SERVICE_SENDER } from '../helpers/service-chat';
import { ROOM, advance, anchorLive, createHarness, settle, viewerWatching } from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

const texts = (h: { session: { chat: { text: string }[] } }): string[] => h.session.chat.map((l) => l.text);

describe('sending through the service', () => {
  it('the own line shows at once marked pending, and is confirmed when the service accepts it', async () => {
    const h = await viewerWatching();
    h.api.holdMessages();
    const sending = h.session.sendChat('  你好主播  ');
    await settle();
    expect(h.session.chat[h.session.chat.length - 1]).toMatchObject({
      nickname: '小明',
      text: '你好主播',
      kind: 'chat',
      pending: true,
    });
    h.api.releaseMessages();
    expect(await sending).toBe(true);
    expect(h.session.chat[h.session.chat.length - 1]).toMatchObject({ text: '你好主播', pending: false });
    expect(h.api.callsOf('sendMessage')).toEqual([[ROOM, '你好主播']]);
    // Never straight to ZEGO.
    expect(h.engine.callsOf('sendBroadcastMessage')).toEqual([]);

    // The service's broadcast of our own line does not show it a second time.
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [chatFromService('s1', 'viewer-1', '小明', '你好主播')],
    });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(texts(h).filter((t) => t === '你好主播')).toHaveLength(1);
  });

  it('a refused line is taken away and the reason shows in Chinese', async () => {
    const h = await viewerWatching();
    h.api.fail('sendMessage', new ApiError('MESSAGE_REJECTED', 'refused by msgSecCheck', 400), 1);
    expect(await h.session.sendChat('不好的话')).toBe(false);
    expect(texts(h)).not.toContain('不好的话');
    expect(h.session.notice).toBe('消息没有发出去：消息含有不适合发布的内容，换个说法吧');
    await advance(3000);
    expect(h.session.notice).toBe('');

    h.api.fail('sendMessage', new ApiError('CHAT_UNAVAILABLE', 'no server API', 503), 1);
    expect(await h.session.sendChat('有人吗')).toBe(false);
    expect(h.session.notice).toBe('消息没有发出去：聊天暂不可用');
    h.api.fail('sendMessage', new ApiError('MESSAGE_HELD', 'review', 403), 1);
    expect(await h.session.sendChat('待审核')).toBe(false);
    expect(h.session.notice).toContain('消息需要审核');
  });

  it('empty and over-long lines are refused on the phone, sending nothing', async () => {
    const h = await viewerWatching();
    expect(await h.session.sendChat('   ')).toBe(false);
    expect(h.session.error).toMatchObject({ code: 'chat.EMPTY', action: 'none' });
    h.session.dismissError();
    expect(await h.session.sendChat('字'.repeat(101))).toBe(false);
    expect(h.session.error?.code).toBe('chat.TOO_LONG');
    expect(await h.session.sendChat('字'.repeat(100))).toBe(true);
    expect(h.api.callsOf('sendMessage')).toHaveLength(1);
  });
});

describe('only the service is shown', () => {
  it("a line sent straight to ZEGO (not from the service's identity) is dropped; the service's is shown", async () => {
    const h = await viewerWatching();
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [
        { messageID: 'z1', fromUser: { userID: 'hacker', userName: '捣乱的' }, message: '广告', sendTime: 1 },
        // Even the service's format is not enough from another sender.
        {
          ...chatFromService('z2', 'hacker', '捣乱的', '冒充'),
          fromUser: { userID: 'hacker', userName: '直播间' },
        },
        chatFromService('s1', 'v-2', '小红', '主播好'),
        { ...chatFromService('s2', 'v-3', 'x', 'y'), message: 'not json' },
      ],
    });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(h.session.chat.map((l) => [l.nickname, l.text])).toEqual([['小红', '主播好']]);
    expect(h.session.chat[0].userID).toBe('v-2');
  });
});

describe('comments off', () => {
  it('the notice shows for everyone, the viewer cannot send, the anchor still can; on again', async () => {
    const h = await viewerWatching();
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [chatStateFromService('c1', true)] });
    expect(h.session.commentsOff).toBe(true);
    expect(h.session.chatBlockedText).toBe('评论已关闭');
    expect(texts(h)).toContain('评论已关闭');
    expect(await h.session.sendChat('还能说吗')).toBe(false);
    expect(h.api.callsOf('sendMessage')).toEqual([]);
    expect(h.session.notice).toBe('评论已关闭');
    h.engine.emit('IMRecvBroadcastMessage', { roomID: ROOM, messages: [chatStateFromService('c2', false)] });
    expect(h.session.chatBlockedText).toBe('');
    expect(texts(h)).toContain('评论已开启');
    expect(await h.session.sendChat('又能说了')).toBe(true);

    const anchor = await anchorLive();
    anchor.api.me = 'anchor-1';
    expect(await anchor.session.switchComments(true)).toBe(true);
    expect(anchor.api.callsOf('setCommentsOff')).toEqual([[ROOM, true]]);
    expect(anchor.session.commentsOff).toBe(true);
    expect(anchor.session.chatBlockedText).toBe('');
    expect(await anchor.session.sendChat('先关一下评论')).toBe(true);
  });

  it('a viewer who joins while comments are off sees it at once (the service says so on joining)', async () => {
    const h = createHarness();
    h.api.chatState = { ...h.api.chatState, commentsOff: true };
    await viewerWatching(h);
    await settle();
    expect(h.api.callsOf('getChat')).toEqual([[ROOM]]);
    expect(h.session.chatBlockedText).toBe('评论已关闭');
  });

  it('a refusal COMMENTS_OFF (the notice was missed) closes the input too', async () => {
    const h = await viewerWatching();
    h.api.chatState = { ...h.api.chatState, commentsOff: true };
    expect(await h.session.sendChat('你好')).toBe(false);
    expect(h.session.commentsOff).toBe(true);
    expect(h.session.notice).toBe('消息没有发出去：评论已关闭');
  });
});

describe('muted and removed', () => {
  it('muted by the service: told, the input closed until the mute ends by itself', async () => {
    const h = await viewerWatching();
    // Only the service's commands count.
    h.engine.emit('IMRecvCustomCommand', {
      roomID: ROOM,
      fromUser: { userID: 'hacker', userName: 'x' },
      command: JSON.stringify({ t: 'moderation', e: 'muted', until: Date.now() + 60_000 }),
    });
    expect(h.session.mutedUntil).toBeNull();
    h.engine.emit('IMRecvCustomCommand', {
      roomID: ROOM,
      fromUser: SERVICE_SENDER,
      command: JSON.stringify({ t: 'moderation', e: 'muted', until: Date.now() + 120_000 }),
    });
    expect(h.session.notice).toBe('你已被禁言 2 分钟');
    expect(h.session.chatBlockedText).toBe('你已被禁言');
    expect(await h.session.sendChat('我说话')).toBe(false);
    expect(h.api.callsOf('sendMessage')).toEqual([]);
    await advance(119_000);
    expect(h.session.chatBlockedText).toBe('你已被禁言');
    await advance(1_000);
    expect(h.session.mutedUntil).toBeNull();
    expect(await h.session.sendChat('解禁了')).toBe(true);
  });

  it('a refusal CHAT_MUTED (the command was missed) asks the service until when', async () => {
    const h = await viewerWatching();
    h.api.chatState = { ...h.api.chatState, mutedUntil: Date.now() + 300_000 };
    h.api.fail('sendMessage', new ApiError('CHAT_MUTED', 'muted', 403), 1);
    expect(await h.session.sendChat('你好')).toBe(false);
    await settle();
    expect(h.session.notice).toBe('消息没有发出去：你已被禁言，暂时不能发言');
    expect(h.session.mutedUntil).toBe(h.api.chatState.mutedUntil);
    expect(h.session.chatBlockedText).toBe('你已被禁言');
  });

  it('removed: ZEGO kicks the viewer out (the end screen says so), and the service refuses a new token', async () => {
    const h = await viewerWatching();
    h.engine.emit('roomStateChanged', {
      roomID: ROOM,
      reason: 'KICKOUT',
      errorCode: 1002055,
      extendedData: '',
    });
    expect(h.session.phase).toBe('kicked');
    expect(h.session.error?.message).toBe('你已被移出房间');

    const again = createHarness();
    again.api.fail('getRoomToken', new ApiError('REMOVED_FROM_ROOM', 'You were removed', 403));
    await again.session.start({ roomID: ROOM, role: 'audience' });
    await settle();
    expect(again.session.phase).toBe('failed');
    expect(again.session.error).toMatchObject({
      code: 'REMOVED_FROM_ROOM',
      message: '你已被移出这个直播间，不能再进入',
      action: 'leave',
    });
  });
});

describe('likes and the anchor', () => {
  it('batched likes go to the room and to the service, which counts them', async () => {
    const h = await viewerWatching();
    for (let i = 0; i < 3; i++) h.session.like();
    await advance(LIKE_SEND_INTERVAL_MS);
    expect(h.engine.callsOf('sendBarrageMessage')).toEqual([[ROOM, '{"t":"like","n":3}']]);
    expect(h.api.callsOf('sendLikes')).toEqual([[ROOM, 3]]);
  });

  it("the anchor mutes a viewer for 10 minutes and removes one (their lines go from the anchor's screen)", async () => {
    const h = await anchorLive();
    h.engine.emit('IMRecvBroadcastMessage', {
      roomID: ROOM,
      messages: [chatFromService('s1', 'v-2', '小红', '广告'), chatFromService('s2', 'v-3', '小蓝', '你好')],
    });
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(await h.session.muteViewer('v-3')).toBe(true);
    expect(h.api.callsOf('muteViewer')).toEqual([[ROOM, 'v-3', 600]]);
    expect(h.session.notice).toBe('已禁言 10 分钟');
    expect(await h.session.removeViewer('v-2')).toBe(true);
    expect(h.api.callsOf('removeViewer')).toEqual([[ROOM, 'v-2']]);
    expect(texts(h)).toEqual(['你好']);
    // The service's English message stays in its log: the flash is the error catalog's Chinese.
    h.api.fail(
      'removeViewer',
      new ApiError('CANNOT_MODERATE_ANCHOR', "The room's anchor cannot be muted or removed", 400),
      1,
    );
    expect(await h.session.removeViewer('anchor-1')).toBe(false);
    expect(h.session.notice).toBe('操作没有成功：不能禁言或移出主播');
    await advance(3000);
    h.api.fail('muteViewer', new ApiError('FORBIDDEN', 'Only the anchor of this room may moderate', 403), 1);
    expect(await h.session.muteViewer('v-3')).toBe(false);
    expect(h.session.notice).toBe('操作没有成功：只有主播可以管理评论');
  });
});
