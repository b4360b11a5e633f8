/**
 * The session's LiveViewPort on Alipay's `<rtc-room>`: one component carries both the push URL and one pull URL in
 * `extraInfo`, which it reads only when it is created. So every URL change re-creates it, in this one place: hide
 * it, stop() the old context, a new id, show it, then my.createRtcRoomContext(id). One remote stream plays at a
 * time; others wait in a queue and play when the current one stops.
 */
import type { RtcRoomParams } from '../../services/api';
import type { LiveViewPort } from '../../../miniprogram/stores/session-types';
import { render, type DataHost } from '../shared/bind';

/** What the page renders of rtc-room (null: not on the page). */
export interface RtcRoomView {
  id: string;
  extraInfo: RtcRoomParams & { isAliPay: true; rtmpPushUrl: string; rtmpPullUrl: string };
  signature: string;
  enableCamera: boolean;
  mute: boolean;
}

/** Where the port reads the URLs and the camera/microphone state (the session). */
export interface RtcRoomSource {
  pushUrl(): string;
  pullUrl(streamID: string): string;
  media(): { enableCamera: boolean; muted: boolean };
  /** The call's rtc-room parameters (the service gives them to members only: asked once the token made us one). */
  params(): Promise<RtcRoomParams>;
}

/** The rtc-room of one call page. */
export class RtcRoomPort implements LiveViewPort {
  private seq = 0;
  private context: my.RtcRoomContext | null = null;
  private pushing = false;
  /** The remote stream on screen, and the ones waiting. */
  private pulling: string | null = null;
  private queue: string[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly page: DataHost,
    private readonly source: RtcRoomSource,
    private readonly createContext: (id: string) => my.RtcRoomContext = (id) => my.createRtcRoomContext(id),
  ) {}

  /** The remote stream rtc-room plays now. */
  get playing(): string | null {
    return this.pulling;
  }

  async startPusher(): Promise<void> {
    this.pushing = true;
    await this.recreate();
  }

  stopPusher(): void {
    if (!this.pushing) return;
    this.pushing = false;
    this.recreateLater();
  }

  // rtc-room has no pause: in the background the call goes on (the system keeps or cuts the camera itself).
  pausePusher(): void {}
  resumePusher(): void {}
  resumePlayer(): void {}

  async playPlayer(streamID: string): Promise<void> {
    if (this.pulling === null || this.pulling === streamID) {
      this.pulling = streamID;
      await this.recreate();
      return;
    }
    if (!this.queue.includes(streamID)) this.queue.push(streamID);
  }

  stopPlayer(streamID: string): void {
    if (this.pulling !== streamID) {
      this.queue = this.queue.filter((id) => id !== streamID);
      return;
    }
    this.pulling = this.queue.shift() ?? null;
    this.recreateLater();
  }

  /** Camera / microphone changed: the context first; on iOS rtc-room takes it only when re-created. */
  applyMedia(ios: boolean): void {
    const { enableCamera, muted } = this.source.media();
    this.context?.enableCamera({ enable: enableCamera });
    this.context?.mute({ muted });
    if (ios) this.recreateLater();
  }

  /** The page is going away: the component's context stopped, nothing re-created after. */
  dispose(): void {
    this.pushing = false;
    this.pulling = null;
    this.queue = [];
    this.context?.stop();
    this.context = null;
  }

  /** The one place rtc-room is (re-)created; calls run one after another, a failed one does not stop the next. */
  recreate(): Promise<void> {
    const run = this.chain.then(() => this.recreateNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Re-creates without waiting (stop, swap): a failure is the page's to show (its params handler), not thrown. */
  private recreateLater(): void {
    this.recreate().catch(() => undefined);
  }

  private async recreateNow(): Promise<void> {
    this.context?.stop();
    this.context = null;
    await render(this.page, { rtcRoom: null });
    const pushUrl = this.pushing ? this.source.pushUrl() : '';
    const pullUrl = this.pulling ? this.source.pullUrl(this.pulling) : '';
    if (!pushUrl && !pullUrl) return;
    const params = await this.source.params();
    this.seq += 1;
    const id = `rtcroom-${this.seq}`;
    const { enableCamera, muted } = this.source.media();
    const view: RtcRoomView = {
      id,
      extraInfo: { ...params, isAliPay: true, rtmpPushUrl: pushUrl, rtmpPullUrl: pullUrl },
      signature: params.signature,
      enableCamera,
      mute: muted,
    };
    await render(this.page, { rtcRoom: view });
    this.context = this.createContext(id);
  }
}
