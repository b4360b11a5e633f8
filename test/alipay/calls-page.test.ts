/**
 * Alipay's calls page in the harness of Alipay's page model, with the real shared call store and event client, the
 * event channel over a fake my.connectSocket (driven as the service would: ready, then call events) and a mocked
 * service: ringing, accept / decline, 「正在呼叫…」 and every outcome in words, the buzz stopping, the records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakePlatform } from '../helpers/fake-platform';
import { installFakeMy, type FakeMy } from './fake-my';
import { installPageGlobals, loadPage, type AlipayPage } from './page-model';

// No call is joined here: the SDK is never loaded.
jest.mock('../../alipay/services/engine-loader', () => ({
  loadAlipayEngine: () => Promise.reject(new Error('unused')),
}));
jest.mock('../../alipay/services/api', () => {
  const actual = jest.requireActual('../../miniprogram/services/api-client') as Record<string, unknown>;
  const names = ['config', 'callPerson', 'answerCall', 'listCalls', 'markCallsSeen', 'newCallCard'];
  return { ...actual, alipayApi: Object.fromEntries(names.map((n) => [n, jest.fn()])) };
});

type Api = Record<string, jest.Mock>;
const CALLS_AXML = fs.readFileSync(path.resolve(__dirname, '../../alipay/pages/calls/index.axml'), 'utf8');
const ME = { id: 'u_ali', nickname: '支付宝小张', avatarUrl: '' };
const WX = { id: 'u_wx', nickname: '微信小明', avatarUrl: '' };

/** An invitation in a state, from WX to ME unless said otherwise. */
const invitation = (state: string, from = WX, to = ME, media = 'video') => ({
  id: 'inv_1',
  state,
  media,
  caller: from,
  callee: to,
  roomId: 'call_9',
  ringUntil: Date.now() + 30_000,
});

/** The fake SocketTask: what the app sent, and the service's side. */
interface FakeTask {
  url: string;
  sent: string[];
  closed: boolean;
  listeners: Record<string, (res?: unknown) => void>;
}

let fakeMy: FakeMy;
let api: Api;
let page: AlipayPage;
let tasks: FakeTask[];
let buzzes: number;
let navigations: string[];
let session: typeof import('../../alipay/session');

/** Lets the mocked service's answers land (microtasks only, so it works under fake timers too). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** The service pushes one frame on the newest socket. */
function push(frame: unknown): void {
  tasks[tasks.length - 1].listeners.message?.({ data: JSON.stringify(frame) });
}

async function openSignedIn(): Promise<void> {
  page = loadPage('pages/calls/index');
  page.call('onShow');
  await settle();
  const task = tasks[0];
  task.listeners.open?.();
  push({ type: 'ready' });
  await settle();
}

beforeEach(() => {
  jest.resetModules();
  installPageGlobals();
  fakeMy = installFakeMy();
  tasks = [];
  buzzes = 0;
  navigations = [];
  const my = (globalThis as { my: Record<string, unknown> }).my;
  my.connectSocket = (options: { url: string }) => {
    const task: FakeTask = { url: options.url, sent: [], closed: false, listeners: {} };
    tasks.push(task);
    const on = (name: string) => (listener: (res?: unknown) => void) => (task.listeners[name] = listener);
    return {
      send: (o: { data: string }) => task.sent.push(o.data),
      close: () => (task.closed = true),
      onOpen: on('open'),
      onMessage: on('message'),
      onClose: on('close'),
      onError: on('error'),
    };
  };
  my.vibrateLong = () => (buzzes += 1);
  my.navigateTo = (o: { url: string }) => navigations.push(o.url);
  const platform = new FakePlatform();
  platform.storage.set('live.session', { sessionToken: 'session_ali', user: ME });
  (require('../../alipay/services/platform') as typeof import('../../alipay/services/platform')).setPlatform(
    platform,
  );
  api = (require('../../alipay/services/api') as { alipayApi: Api }).alipayApi;
  api.listCalls.mockResolvedValue({ records: [], unseenMissed: 0 });
  api.markCallsSeen.mockResolvedValue(undefined);
  session = require('../../alipay/session') as typeof import('../../alipay/session');
});

afterEach(() => {
  page?.call('onUnload');
  session?.eventSocket.stop();
  session?.callStore.reset();
  session?.userStore.signOut();
  expect(fakeMy).toBeDefined();
});

describe('Alipay calls page', () => {
  it('opens the event channel over my.connectSocket, signed in by its first message, never in the URL', async () => {
    await openSignedIn();
    expect(tasks).toHaveLength(1);
    expect(tasks[0].url).toBe('ws://127.0.0.1:3000/api/events');
    expect(tasks[0].url).not.toContain('session_ali');
    expect(JSON.parse(tasks[0].sent[0])).toEqual({ type: 'hello', sessionToken: 'session_ali' });
    expect(page.data.limits).toContain('语音通话会以视频接通');
    expect(page.data.limits).toContain('扬声器和听筒');
  });

  it('rings on call.invited (buzzing), accepts into the call page with the room, and the buzz stops', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      await openSignedIn();
      push({ type: 'call.invited', invitation: invitation('ringing') });
      expect(page.data.ringing).toBe(true);
      expect(page.data.peerName).toBe('微信小明');
      expect(page.boundHandler('#accept', 'onTap')).toBe('onAccept');
      jest.advanceTimersByTime(3000);
      const buzzed = buzzes;
      expect(buzzed).toBeGreaterThanOrEqual(2);
      api.answerCall.mockResolvedValue({ invitation: invitation('accepted') });
      await page.tap('#accept');
      jest.advanceTimersByTime(10);
      expect(api.answerCall).toHaveBeenCalledWith('inv_1', 'accept');
      expect(navigations).toEqual(['/pages/call/index?roomID=call_9']);
      expect(page.data.ringing).toBe(false);
      jest.advanceTimersByTime(6000);
      expect(buzzes).toBe(buzzed);
    } finally {
      jest.useRealTimers();
    }
  });

  it('declines an incoming call: 已拒绝, and the ring stops', async () => {
    await openSignedIn();
    push({ type: 'call.invited', invitation: invitation('ringing') });
    api.answerCall.mockResolvedValue({ invitation: invitation('declined') });
    await page.tap('#decline');
    await settle();
    expect(api.answerCall).toHaveBeenCalledWith('inv_1', 'decline');
    expect(page.data.ringing).toBe(false);
    expect(page.data.outcome).toBe('已拒绝');
  });

  it.each([
    ['timeout', '未接来电'],
    ['cancelled', '对方已取消'],
  ])('an incoming call that ends %s reads 「%s」', async (state, words) => {
    await openSignedIn();
    push({ type: 'call.invited', invitation: invitation('ringing') });
    push({ type: 'call.updated', invitation: invitation(state) });
    await settle();
    expect(page.data.ringing).toBe(false);
    expect(page.data.outcome).toBe(words);
  });

  it('answered on another of my devices: 已在其他设备接听, and this phone stays on the page', async () => {
    await openSignedIn();
    push({ type: 'call.invited', invitation: invitation('ringing') });
    push({ type: 'call.updated', invitation: invitation('accepted') });
    await settle();
    expect(page.data.outcome).toBe('已在其他设备接听');
    expect(navigations).toEqual([]);
  });

  it('calls back from a record: 「正在呼叫…」, then 对方无应答 / 对方已拒绝; 取消 reads 已取消', async () => {
    api.listCalls.mockResolvedValue({
      records: [
        {
          id: 'r1',
          direction: 'incoming',
          outcome: 'missed',
          media: 'video',
          other: WX,
          at: Date.now(),
          durationMs: null,
        },
      ],
      unseenMissed: 1,
    });
    await openSignedIn();
    expect(page.data.rows).toEqual([
      expect.objectContaining({ name: '微信小明', outcome: '未接来电', missed: true }),
    ]);
    // The badge showed, then went once seen.
    expect(page.setDataCalls.some((d) => d.missedNote === '（1 个未接）')).toBe(true);
    expect(page.data.missedNote).toBe('');
    expect(api.markCallsSeen).toHaveBeenCalled();
    expect(page.boundHandler('#record', 'onTap')).toBe('onCallBack');

    const outgoing = (state: string) => invitation(state, ME, WX);
    api.callPerson.mockResolvedValue({ invitation: outgoing('ringing') });
    await page.call('onCallBack', { currentTarget: { dataset: { otherId: 'u_wx' } } });
    expect(api.callPerson).toHaveBeenCalledWith('u_wx', 'video', undefined);
    expect(page.data.calling).toBe(true);
    expect(CALLS_AXML).toContain('id="calling-text">正在呼叫…</text>');
    push({ type: 'call.updated', invitation: outgoing('timeout') });
    expect(page.data.outcome).toBe('对方无应答');

    await page.call('onCallBack', { currentTarget: { dataset: { otherId: 'u_wx' } } });
    push({ type: 'call.updated', invitation: outgoing('declined') });
    expect(page.data.outcome).toBe('对方已拒绝');

    await page.call('onCallBack', { currentTarget: { dataset: { otherId: 'u_wx' } } });
    api.answerCall.mockResolvedValue({ invitation: outgoing('cancelled') });
    await page.tap('#cancel');
    expect(api.answerCall).toHaveBeenLastCalledWith('inv_1', 'cancel');
    expect(page.data.outcome).toBe('已取消');
  });

  it('a busy callee answers 对方忙线中 at once', async () => {
    await openSignedIn();
    api.callPerson.mockResolvedValue({ invitation: invitation('busy', ME, WX) });
    await page.call('onCallBack', { currentTarget: { dataset: { otherId: 'u_wx' } } });
    expect(page.data.calling).toBe(false);
    expect(page.data.outcome).toBe('对方忙线中');
  });

  it('hiding the page stops the buzz and closes the socket after the grace', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      await openSignedIn();
      push({ type: 'call.invited', invitation: invitation('ringing') });
      page.call('onHide');
      const buzzed = buzzes;
      jest.advanceTimersByTime(5000);
      expect(buzzes).toBe(buzzed);
      expect(tasks[0].closed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
