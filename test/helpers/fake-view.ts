/**
 * A LiveViewPort for unit tests: records every call (into a shared CallLog when given one, so tests can assert
 * "stopPublishingStream before stopPusher") and tracks what the native components would be doing.
 */
import type { LiveViewPort } from '../../miniprogram/stores/session-types';
import { CallLog } from './fake-engine';

/** The fake page view. */
export class FakeView implements LiveViewPort {
  /** Every call, in order. */
  readonly calls: { name: string; args: unknown[] }[] = [];
  /** Whether the pusher component is pushing / paused. */
  pusherRunning = false;
  pusherPaused = false;
  /** Player components playing / paused, by stream ID. */
  readonly playing = new Set<string>();
  readonly paused = new Set<string>();
  /** Make startPusher / playPlayer reject (e.g. the native context failed). */
  failStartPusher: unknown = null;
  failPlayPlayer: unknown = null;

  constructor(readonly log: CallLog = new CallLog()) {}

  private record(name: keyof LiveViewPort, args: unknown[] = []): void {
    this.calls.push({ name, args });
    this.log.record('view', name, args);
  }

  /** The method names called, in order. */
  names(): string[] {
    return this.calls.map((c) => c.name);
  }

  async startPusher(): Promise<void> {
    this.record('startPusher');
    if (this.failStartPusher) throw this.failStartPusher;
    this.pusherRunning = true;
    this.pusherPaused = false;
  }

  stopPusher(): void {
    this.record('stopPusher');
    this.pusherRunning = false;
    this.pusherPaused = false;
  }

  pausePusher(): void {
    this.record('pausePusher');
    this.pusherPaused = true;
  }

  resumePusher(): void {
    this.record('resumePusher');
    this.pusherPaused = false;
  }

  async playPlayer(streamID: string): Promise<void> {
    this.record('playPlayer', [streamID]);
    if (this.failPlayPlayer) throw this.failPlayPlayer;
    this.playing.add(streamID);
    this.paused.delete(streamID);
  }

  stopPlayer(streamID: string): void {
    this.record('stopPlayer', [streamID]);
    this.playing.delete(streamID);
    this.paused.delete(streamID);
  }

  resumePlayer(streamID: string): void {
    this.record('resumePlayer', [streamID]);
    this.paused.delete(streamID);
  }
}
