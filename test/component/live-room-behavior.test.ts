/**
 * liveRoomBehavior on a page that is neither the anchor's nor the audience's (a call page, as pages/call/index
 * will be): its own share card and no Moments share, the notice's and the error panel's buttons reaching the
 * page's enter / goSignIn and the store's action, visibility through pageLifetimes, and leaving on detach.
 */
import * as simulate from 'miniprogram-simulate';
import { setPlatform } from '../../miniprogram/services/platform';
import {
  fireAndForget,
  liveFields,
  liveRoomBehavior,
  liveRoomOf,
} from '../../miniprogram/pages/shared/live-room';
import { CallLog } from '../helpers/fake-engine';
import { FakePlatform } from '../helpers/fake-platform';
import { installWxFakes, settle, type WxFakes } from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

const enter = jest.fn(async () => undefined);
const goSignIn = jest.fn();

/** A call page: what it adds to the Behavior is its template, enter and goSignIn. */
const CALL_PAGE = simulate.load({
  template: `
    <view id="screen">{{screen}}</view>
    <view wx:if="{{blocked}}" id="blocked">{{blocked.title}}</view>
  `,
  behaviors: [
    liveRoomBehavior({
      fields: liveFields(['phase', 'roomID', 'roomTitle', 'error']),
      fire: fireAndForget('[call]'),
      doing: '通话',
      share: { title: () => '邀请你视频通话', page: 'pages/call/index', timeline: false },
    }),
  ],
  methods: { enter, goSignIn },
});

type CallPage = Record<string, (...args: unknown[]) => unknown> & {
  data: Record<string, unknown>;
  setData(data: Record<string, unknown>): void;
};

/** The jsdom document (the test tsconfig has no DOM lib). */
const jsdom = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;

let wxFakes: WxFakes;

beforeEach(() => {
  setPlatform(new FakePlatform(new CallLog()));
  wxFakes = installWxFakes();
});

/** Renders and attaches the call page; its LiveRoom carries the entry the page would have parsed. */
function openCallPage() {
  const component = simulate.render(CALL_PAGE);
  (component as unknown as { attach(parent: unknown): void }).attach(jsdom.createElement('parent-wrapper'));
  const page = component.instance as unknown as CallPage;
  const room = liveRoomOf(page);
  if (!room) throw new Error('no LiveRoom after created');
  room.entry = { roomID: 'call_1', invite: null, source: 'query' };
  return { component, page, room };
}

describe('liveRoomBehavior on another kind of live page', () => {
  it('gives the page its LiveRoom and the loading screen from the start', () => {
    const { component, page } = openCallPage();
    expect(page.data.screen).toBe('loading');
    const screen = component.querySelector('#screen')?.dom as unknown as { textContent?: string } | undefined;
    expect(screen?.textContent).toBe('loading');
    component.detach();
  });

  it('shares its own card and offers no Moments share when told so', () => {
    const { component, page } = openCallPage();
    expect(page.onShareAppMessage()).toEqual({
      title: '邀请你视频通话',
      path: 'pages/call/index?roomID=call_1',
      imageUrl: '/images/share.png',
    });
    expect(page.onShareTimeline).toBeUndefined();
    component.detach();
  });

  it('the notice’s button: retry enters again, login signs in, anything else goes to the room list', () => {
    const { component, page } = openCallPage();
    page.setData({ blocked: { title: 't', message: 'm', actionText: '重试', action: 'retry' } });
    page.onBlockedAction();
    expect(enter).toHaveBeenCalledTimes(1);
    page.setData({ blocked: { title: 't', message: 'm', actionText: '去登录', action: 'login' } });
    page.onBlockedAction();
    expect(goSignIn).toHaveBeenCalledTimes(1);
    page.setData({ blocked: { title: 't', message: 'm', actionText: '去看看', action: 'rooms' } });
    page.onBlockedAction();
    expect(wxFakes.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: '/home/rooms/index' }));
    component.detach();
  });

  it('the error panel’s upgrade button says what the user came to do', () => {
    const { component, page } = openCallPage();
    (wx as unknown as Record<string, unknown>).updateWeChatApp = undefined;
    page.setData({ error: { code: 10001, message: '微信版本过低', action: 'upgradeWechat' } });
    page.onErrorAction();
    expect(wxFakes.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ content: expect.stringContaining('通话') }),
    );
    component.detach();
  });

  it('hide and show reach the LiveRoom through pageLifetimes; detaching leaves the room', async () => {
    const { component, room } = openCallPage();
    const root = component as unknown as { triggerPageLifeTime(name: 'show' | 'hide'): void };
    root.triggerPageLifeTime('hide');
    expect(room.view.isVisible()).toBe(false);
    root.triggerPageLifeTime('show');
    expect(room.view.isVisible()).toBe(true);
    component.detach();
    await settle();
    expect(room.unloaded).toBe(true);
    expect(room.view.isVisible()).toBe(false);
  });
});
