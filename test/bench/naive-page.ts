/**
 * The naive live page the bench compares against, written the way it is usually first written: every engine event
 * goes straight to setData (the whole chat list on each message, the count and a 「来了」 line on each join, the count
 * on each like, each quality and
 * netstatus report), and nothing stops while the page is hidden. Rendered by miniprogram-simulate like the real pages.
 */
import * as simulate from 'miniprogram-simulate';
import { CHAT_WINDOW } from '../../miniprogram/config';
import { RTC_EVENT_NAMES, type RtcEventHandler, type RtcEvents } from '../../miniprogram/services/rtc-types';
import type { FakeEngine } from '../helpers/fake-engine';

interface NaiveLine {
  id: string;
  nickname: string;
  text: string;
}

interface NaiveData {
  chat: NaiveLine[];
  likes: number;
  onlineCount: number;
  quality: { bitrateKbps: number; fps: number };
  netInfo: Record<string, unknown>;
}

type NaiveInstance = {
  data: NaiveData;
  setData(data: Partial<NaiveData>): void;
};

const TEMPLATE = `
<view class="room">
  <view id="viewers">{{onlineCount}} 人在看</view>
  <view id="quality">{{quality.bitrateKbps}} kbps · {{quality.fps}} fps · {{netInfo.netSpeed}}</view>
  <view wx:for="{{chat}}" wx:key="id" class="chat-line">{{item.nickname}}：{{item.text}}</view>
  <button id="like">♥ {{likes}}</button>
</view>`;

/** Loads the naive page definition bound to `engine` (its onLoad installs the engine handler). */
export function loadNaivePage(engine: FakeEngine): string {
  // simulate's typings give definition objects a typed id; render takes it like a path's string id
  const id: unknown = simulate.load({
    template: TEMPLATE,
    data: { chat: [], likes: 0, onlineCount: 1, quality: { bitrateKbps: 0, fps: 0 }, netInfo: {} },
    methods: {
      onLoad(this: NaiveInstance) {
        const handlers: Partial<RtcEventHandler> = {
          IMRecvBroadcastMessage: ({ messages }: RtcEvents['IMRecvBroadcastMessage']) => {
            for (const m of messages) {
              const line = { id: m.messageID, nickname: m.fromUser.userName, text: m.message };
              this.setData({ chat: [...this.data.chat, line].slice(-CHAT_WINDOW) });
            }
          },
          IMRecvBarrageMessage: ({ messages }: RtcEvents['IMRecvBarrageMessage']) => {
            for (const m of messages) {
              const n = (JSON.parse(m.message) as { n?: number }).n ?? 0;
              this.setData({ likes: this.data.likes + n });
            }
          },
          roomUserUpdate: ({ updateType, users }: RtcEvents['roomUserUpdate']) => {
            const delta = updateType === 'ADD' ? users.length : -users.length;
            // 「某某 来了」 in the chat with the count, one setData per join
            const joined =
              updateType === 'ADD'
                ? users.map((u) => ({ id: `join-${u.userID}`, nickname: '', text: `${u.userName} 来了` }))
                : [];
            this.setData({
              onlineCount: this.data.onlineCount + delta,
              ...(joined.length > 0 ? { chat: [...this.data.chat, ...joined].slice(-CHAT_WINDOW) } : {}),
            });
          },
          playQualityUpdate: ({ stats }: RtcEvents['playQualityUpdate']) => {
            this.setData({ quality: { bitrateKbps: stats.videoBitrateKbps, fps: stats.videoFps } });
          },
          publishQualityUpdate: ({ stats }: RtcEvents['publishQualityUpdate']) => {
            this.setData({ quality: { bitrateKbps: stats.videoBitrateKbps, fps: stats.videoFps } });
          },
        };
        const noop = () => undefined;
        engine.setEventHandler(
          Object.fromEntries(
            RTC_EVENT_NAMES.map((name) => [name, handlers[name] ?? noop]),
          ) as RtcEventHandler,
        );
      },
      onNetStatus(this: NaiveInstance, e: { detail: { info: Record<string, unknown> } }) {
        this.setData({ netInfo: e.detail.info });
      },
      onUnload() {
        engine.setEventHandler(null);
      },
    },
  });
  return id as string;
}
