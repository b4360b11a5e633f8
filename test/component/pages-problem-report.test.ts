/**
 * 遇到问题？ on the live pages, rendered by miniprogram-simulate with the real store: the viewer opens the sheet,
 * writes what went wrong and sends it; the report carries the device's info and the app's last log lines (the
 * phase changes and SDK callbacks of this visit), and no session token or ZEGO token.
 */
import { api, ApiError } from '../../miniprogram/services/api';
import { setPlatform } from '../../miniprogram/services/platform';
import { userStore } from '../../miniprogram/stores/index';
import { SESSION_STORAGE_KEY } from '../../miniprogram/stores/user';
import { CallLog, FakeEngine } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { engineSlot, installWxFakes, openPage, roomFixture, type PageHarness } from '../helpers/page-harness';
import * as simulate from 'miniprogram-simulate';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const mockedApi = api as jest.Mocked<typeof api>;
const ANCHOR = { id: 'u_anchor', nickname: '主播小王', avatarUrl: '' };
const VIEWER = { id: 'u_viewer', nickname: '观众小李', avatarUrl: '' };
const ROOM = roomFixture({ id: 'room_1', title: '周末音乐直播', status: 'live', anchor: ANCHOR });
const SESSION = 'pC3nq7Jf0_yXbF-2t9mZk8LwQeRvA1sDdG4hH5iI6jJ';
const ZEGO_TOKEN = '04AAAAAGdSd2kAEHh5ZGx0Y3NlNWx3bHlxY2YAsFpyjD2OSBHvyNWrHRQ2ExMrmTtwSQ==';
const STREAM = {
  streamID: 'room_1_main',
  user: { userID: ANCHOR.id, userName: ANCHOR.nickname },
  extraInfo: '',
};

jest.setTimeout(30_000);
const engine = new FakeEngine(new CallLog());
engineSlot.engine = engine;
let page: PageHarness | null = null;
const settle = async () => {
  for (let i = 0; i < 4; i++) await simulate.sleep(0);
};

beforeEach(() => {
  installWxFakes();
  const platform = new FakePlatform();
  platform.storage.set(SESSION_STORAGE_KEY, { sessionToken: SESSION, user: VIEWER });
  setPlatform(platform);
  mockedApi.getRoom.mockResolvedValue({ room: ROOM });
  mockedApi.getRoomToken.mockResolvedValue({
    token: ZEGO_TOKEN,
    expiresAt: Date.now() + 3600_000,
    roomID: ROOM.id,
    appID: 1,
    userID: VIEWER.id,
  });
  mockedApi.sendProblemReport.mockReset();
});

afterEach(() => {
  page?.unload();
  page = null;
  userStore.signOut();
});

async function watching(): Promise<PageHarness> {
  page = await openPage('audience', { roomID: 'room_1' });
  engine.emit('roomStreamUpdate', { roomID: 'room_1', updateType: 'ADD', streams: [STREAM] });
  await settle();
  engine.emit('playerStateUpdate', {
    streamID: 'room_1_main',
    state: 'PLAYING',
    errorCode: 0,
    extendedData: '',
  });
  await settle();
  return page;
}

describe('遇到问题？', () => {
  it('sends the description, the device and the visit’s log lines, with no token inside', async () => {
    mockedApi.sendProblemReport.mockResolvedValue({ id: 7 });
    const p = await watching();
    expect(p.exists('#problem-sheet')).toBe(false);
    await p.tap('#report-problem');
    expect(p.text('#problem-sheet')).toContain('遇到问题？');
    await p.tap('#problem-send');
    expect(p.text('#problem-result')).toBe('请先简单说说遇到了什么问题');
    expect(mockedApi.sendProblemReport).not.toHaveBeenCalled();
    await p.input('#problem-input', '画面卡住不动');
    await p.tap('#problem-send');
    await settle();
    expect(mockedApi.sendProblemReport).toHaveBeenCalledTimes(1);
    const [report] = mockedApi.sendProblemReport.mock.calls[0];
    expect(report).toMatchObject({
      roomId: 'room_1',
      description: '画面卡住不动',
      device: expect.objectContaining({ zegoSdk: '3.6.0' }),
    });
    const logs = report.logs.join('\n');
    expect(logs).toMatch(/phase .*-> watching/);
    expect(logs).toMatch(/sdk roomStreamUpdate roomID=room_1 updateType=ADD streams=1/);
    expect(logs).toMatch(/sdk playerStateUpdate streamID=room_1_main state=PLAYING errorCode=0/);
    expect(logs).not.toContain(SESSION.slice(0, 20));
    expect(logs).not.toContain(ZEGO_TOKEN.slice(0, 20));
    expect(p.text('#problem-result')).toBe('已收到，谢谢你的反馈！我们会尽快查看');
    await p.tap('#problem-close');
    expect(p.exists('#problem-sheet')).toBe(false);
  });

  it('a refused send says why and keeps what was written', async () => {
    mockedApi.sendProblemReport.mockRejectedValue(new ApiError('RATE_LIMITED', 'Too many requests', 429));
    const p = await watching();
    await p.tap('#report-problem');
    await p.input('#problem-input', '没有声音');
    await p.tap('#problem-send');
    await settle();
    expect(p.text('#problem-result')).toMatch(/^没有发出去：/);
    expect((p.component.data as { problem: { text: string } }).problem.text).toBe('没有声音');
    expect(p.exists('#problem-sheet')).toBe(true);
  });
});
