/**
 * Pre-flight and every error path on the way in: what the user reads, which button they get, and that nothing
 * reaches the SDK when it should not.
 */
import { ApiError } from '../../miniprogram/services/api';
import {
  ANCHOR_STREAM,
  ROOM,
  anchorInPreview,
  anchorUser,
  createHarness,
  settle,
  viewerWatching,
} from './session-harness';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('room ID and sign-in', () => {
  it('refuses a bad room ID before touching the SDK or the service', async () => {
    const h = createHarness();
    await h.session.start({ roomID: 'room-1!', role: 'audience' });
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toEqual({
      code: 'roomID.BAD_CHARACTERS',
      message: '房间号只能包含字母、数字和下划线',
      action: 'leave',
    });
    expect(h.session.errorActionText).toBe('离开');
    expect(h.engine.calls).toEqual([]);
    expect(h.api.calls).toEqual([]);
  });

  it('asks the user to sign in when nobody is signed in', async () => {
    const h = createHarness();
    h.user = null;
    await h.session.start({ roomID: ROOM, role: 'audience' });
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toMatchObject({ code: 'NOT_SIGNED_IN', action: 'leave' });
    expect(h.engine.callsOf('loginRoom')).toEqual([]);
  });
});

describe('pre-flight', () => {
  it('10001: WeChat too old -> failed with an upgrade action, no login', async () => {
    const h = createHarness();
    h.engine.systemCheck = { code: 10001, msg: 'too old' };
    await h.session.start({ roomID: ROOM, role: 'anchor' });
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toMatchObject({ code: 10001, action: 'upgradeWechat' });
    expect(h.session.error?.message).toContain('微信版本过低');
    expect(h.session.errorActionText).toBe('升级微信');
    expect(h.engine.callsOf('loginRoom')).toEqual([]);
    expect(h.platform.calls).not.toContain('authorize');
  });

  it('10002 for the anchor: asks for camera and microphone and carries on once granted', async () => {
    const h = createHarness();
    h.engine.systemCheck = { code: 10002, msg: 'no permission' };
    const phases: string[] = [];
    const authorize = h.platform.authorize.bind(h.platform);
    h.platform.authorize = (scope) => {
      phases.push(h.session.phase);
      return authorize(scope);
    };
    await h.session.start({ roomID: ROOM, role: 'anchor' });
    await settle();
    expect(phases).toEqual(['authorizing', 'authorizing']);
    expect(h.session.phase).toBe('preview');
    expect(h.session.error).toBeNull();
  });

  it('10002 for a viewer: watching needs no camera, so the viewer gets in', async () => {
    const h = createHarness();
    h.engine.systemCheck = { code: 10002, msg: 'no permission' };
    await h.session.start({ roomID: ROOM, role: 'audience' });
    await settle();
    expect(h.session.phase).toBe('watching');
    expect(h.platform.calls).not.toContain('authorize');
  });

  it('DevTools: says the simulator cannot push or play instead of showing a black box', async () => {
    const h = createHarness();
    h.platform.device = { ...h.platform.device, platform: 'devtools' };
    await h.session.start({ roomID: ROOM, role: 'anchor' });
    expect(h.session.phase).toBe('failed');
    expect(h.session.error?.code).toBe('DEVTOOLS');
    expect(h.session.error?.message).toContain('模拟器');
    expect(h.session.error?.message).toContain('真机');
    expect(h.engine.calls).toEqual([]);
  });

  it('an engine that cannot load is a retryable failure', async () => {
    const h = createHarness();
    const { LiveSession } = await import('../../miniprogram/pages/stores/live-session');
    const session = new LiveSession({
      loadEngine: () => Promise.reject(new Error('config unreachable')),
      api: h.api,
      platform: () => h.platform,
      currentUser: () => ({ id: 'u', nickname: 'n' }),
    });
    await session.start({ roomID: ROOM, role: 'audience' });
    expect(session.phase).toBe('failed');
    expect(session.error).toMatchObject({ code: 'ENGINE', action: 'retry' });
  });
});

describe('permissions', () => {
  it('refused camera: stays in authorizing with a settings action and does not join', async () => {
    const h = createHarness();
    h.platform.answers['scope.camera'] = 'deny';
    await h.session.start({ roomID: ROOM, role: 'anchor' });
    expect(h.session.phase).toBe('authorizing');
    expect(h.session.error).toMatchObject({ code: 'permission.CAMERA', action: 'openSetting' });
    expect(h.session.errorActionText).toBe('去设置');
    expect(h.api.callsOf('getRoomToken')).toEqual([]);
    expect(h.engine.callsOf('loginRoom')).toEqual([]);
  });

  it('refused microphone, then granted in the settings page: openSetting re-checks and joins', async () => {
    const h = createHarness();
    h.platform.answers['scope.record'] = 'deny';
    await h.session.start({ roomID: ROOM, role: 'anchor' });
    expect(h.session.error).toMatchObject({ code: 'permission.RECORD', action: 'openSetting' });

    h.platform.settingsPageGrants = { 'scope.record': true };
    await h.session.openSetting();
    await settle();
    expect(h.platform.calls).toContain('openSetting');
    expect(h.session.phase).toBe('preview');
    expect(h.session.error).toBeNull();
    expect(h.engine.callsOf('loginRoom')).toHaveLength(1);
  });

  it('the settings page closed without granting: the error stays and nothing joins', async () => {
    const h = createHarness();
    h.platform.answers['scope.camera'] = 'deny';
    await h.session.start({ roomID: ROOM, role: 'anchor' });
    await h.session.openSetting();
    expect(h.session.phase).toBe('authorizing');
    expect(h.session.error?.action).toBe('openSetting');
    expect(h.engine.callsOf('loginRoom')).toEqual([]);
  });
});

describe('joining', () => {
  // The service's English message is for its log: the screen shows the error catalog's Chinese.
  const cases: [string, ApiError, string, 'retry' | 'leave'][] = [
    [
      '401',
      new ApiError('UNAUTHORIZED', 'Sign in first: send Authorization', 401),
      '登录已失效，请重新登录',
      'leave',
    ],
    [
      '403',
      new ApiError('FORBIDDEN', 'Only the anchor of this room may publish', 403),
      '只有这个房间的主播可以开播',
      'leave',
    ],
    [
      '404',
      new ApiError('ROOM_NOT_FOUND', 'Room r1 does not exist', 404),
      '房间不存在，可能已被删除',
      'leave',
    ],
    ['409', new ApiError('ROOM_ENDED', 'Room r1 has ended', 409), '直播已经结束了', 'leave'],
    [
      '403 removed',
      new ApiError('REMOVED_FROM_ROOM', 'You were removed from this room', 403),
      '你已被移出这个直播间，不能再进入',
      'leave',
    ],
    [
      '429',
      new ApiError('RATE_LIMITED', 'Too many requests; try again in 3 s', 429),
      '操作太频繁了，请稍后再试',
      'retry',
    ],
    [
      '503',
      new ApiError('ZEGO_NOT_CONFIGURED', 'Live streaming is not configured: set ZEGO_APP_ID', 503),
      '直播服务还没有配置好，暂时不能直播或观看，请联系管理员',
      'leave',
    ],
    [
      '500 unknown',
      new ApiError('HTTP_500', '服务返回了错误（HTTP 500）', 500),
      '服务出错了，请稍后重试',
      'retry',
    ],
    [
      'NETWORK',
      new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试', 0),
      '连接不上直播服务，请检查网络后重试',
      'retry',
    ],
  ];
  it.each(cases)(
    'a token refused with %s shows the catalog message',
    async (_label, error, message, action) => {
      const h = createHarness();
      h.api.fail('getRoomToken', error);
      await h.session.start({ roomID: ROOM, role: 'audience' });
      expect(h.session.phase).toBe('failed');
      expect(h.session.error).toEqual({ code: error.code, message, action });
      if (error.status !== 0) expect(h.session.error?.message).not.toContain(error.message);
      expect(h.engine.callsOf('loginRoom')).toEqual([]);
      expect(h.platform.listenerCount()).toBe(0);
    },
  );

  it('loginRoom rejected by the SDK: the catalog message, listeners removed, retry works', async () => {
    const h = createHarness();
    h.engine.fail('loginRoom', { code: 1002031, msg: 'login timeout' }, 1);
    await h.session.start({ roomID: ROOM, role: 'audience' });
    expect(h.session.phase).toBe('failed');
    expect(h.session.error).toEqual({
      code: 1002031,
      message: '进入房间超时，请检查网络后重试',
      action: 'retry',
    });
    expect(h.engine.handler).toBeNull();
    expect(h.platform.listenerCount()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);

    await h.session.retry();
    await settle();
    expect(h.session.phase).toBe('watching');
    expect(h.session.error).toBeNull();
    expect(h.engine.callsOf('loginRoom')).toHaveLength(2);
  });

  it('an expired token on login says so', async () => {
    const h = createHarness();
    h.engine.fail('loginRoom', { code: 1102018, msg: 'token expired' });
    await h.session.start({ roomID: ROOM, role: 'audience' });
    expect(h.session.error).toMatchObject({ code: 1102018, action: 'retry' });
    expect(h.session.error?.message).toContain('过期');
  });
});

describe('publishing and playing errors', () => {
  it('startPublishingStream rejected: stays in preview with the catalog message; retry publishes', async () => {
    const h = await anchorInPreview();
    h.engine.fail('startPublishingStream', { code: 1103001, msg: 'not login' }, 1);
    await h.session.startPublishing();
    expect(h.session.phase).toBe('preview');
    expect(h.session.error).toMatchObject({ code: 1103001, action: 'retry' });
    expect(h.session.pusher).toMatchObject({ url: '', state: 'NO_PUBLISH' });
    expect(h.view.names()).not.toContain('startPusher');

    await h.session.retry();
    expect(h.session.error).toBeNull();
    expect(h.view.names()).toContain('startPusher');
    expect(h.session.pusher?.url).not.toBe('');
  });

  it('the pusher component fails to start: the SDK publish is undone and the anchor can retry', async () => {
    const h = await anchorInPreview();
    h.view.failStartPusher = new Error('context gone');
    await h.session.startPublishing();
    expect(h.engine.callsOf('stopPublishingStream')).toEqual([[ANCHOR_STREAM]]);
    expect(h.session.error).toMatchObject({ code: 'PUSHER_START', action: 'retry' });
    expect(h.session.phase).toBe('preview');
  });

  it('NO_PUBLISH with an error code while going live: back to preview with the message', async () => {
    const h = await anchorInPreview();
    await h.session.startPublishing();
    h.engine.emit('publisherStateUpdate', {
      streamID: ANCHOR_STREAM,
      state: 'NO_PUBLISH',
      errorCode: 1002082,
      extendedData: '',
    });
    expect(h.session.phase).toBe('preview');
    expect(h.session.error).toMatchObject({ code: 1002082, action: 'leave' });
    expect(h.log.indexOf('stopPublishingStream')).toBeLessThan(h.log.indexOf('stopPusher'));
  });

  it('camera failure on the pusher (-1301) sends the anchor to the settings', async () => {
    const h = await anchorInPreview();
    h.session.onPusherStateChange({ detail: { code: -1301 } });
    expect(h.session.error).toMatchObject({ code: -1301, action: 'openSetting' });
    h.platform.settingsPageGrants = { 'scope.camera': true };
    await h.session.openSetting();
    expect(h.session.error).toBeNull();
  });

  it('startPlayingStream rejected: the viewer sees why and can retry', async () => {
    const h = createHarness();
    h.engine.fail('startPlayingStream', { code: 1104039, msg: 'not found' }, 1);
    await viewerWatching(h);
    expect(h.session.error).toMatchObject({ code: 1104039, action: 'retry' });
    expect(h.session.players).toEqual([]);
    await h.session.retry();
    await settle();
    expect(h.session.error).toBeNull();
    expect(h.session.players).toHaveLength(1);
  });

  it('a stream ID the SDK would refuse is caught before the SDK', async () => {
    const h = createHarness();
    await h.session.start({ roomID: ROOM, role: 'audience' });
    await settle();
    h.engine.emit('roomStreamUpdate', {
      roomID: ROOM,
      updateType: 'ADD',
      streams: [{ streamID: 'bad id!', user: anchorUser, extraInfo: '' }],
    });
    await settle();
    expect(h.engine.callsOf('startPlayingStream')).toEqual([]);
    expect(h.session.error?.code).toBe('streamID.BAD_CHARACTERS');
  });
});
