/**
 * A scriptable RtcEngine for unit tests: records every call (in order, with args), fires events through the
 * installed handler with `emit`, and fails or answers calls as a test scripts it.
 */
import type {
  NativeLiveEvent,
  RtcEngine,
  RtcError,
  RtcEventHandler,
  RtcEvents,
  RtcPlayOptions,
  RtcSystemCheck,
  RtcUser,
} from '../../miniprogram/services/rtc-types';
import { RTC_EVENT_NAMES } from '../../miniprogram/services/rtc-types';

/** One recorded call: who made it (engine, view, platform), the method and its arguments. */
export interface CallRecord {
  source: string;
  name: string;
  args: unknown[];
}

/** An ordered log several fakes can share, so tests can assert cross-fake order (SDK before component). */
export class CallLog {
  readonly entries: CallRecord[] = [];

  /** Appends one call. */
  record(source: string, name: string, args: unknown[]): void {
    this.entries.push({ source, name, args });
  }

  /** The method names in call order, optionally only those of one source. */
  names(source?: string): string[] {
    return this.entries.filter((e) => !source || e.source === source).map((e) => e.name);
  }

  /** Index of the first call named `name` (after `from`), -1 when absent. */
  indexOf(name: string, from = 0): number {
    for (let i = from; i < this.entries.length; i++) if (this.entries[i].name === name) return i;
    return -1;
  }

  /** Forgets everything recorded so far. */
  clear(): void {
    this.entries.length = 0;
  }
}

/** Methods of RtcEngine a test can script. */
export type EngineMethod = Exclude<keyof RtcEngine, 'setEventHandler' | 'listenerCount'>;

interface Failure {
  error: RtcError;
  times: number;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The fake engine. */
export class FakeEngine implements RtcEngine {
  /** Every call made to this engine, in order. */
  readonly calls: CallRecord[] = [];
  /** The handler the store installed (null when none). */
  handler: RtcEventHandler | null = null;
  /** What checkSystemRequirements answers. */
  systemCheck: RtcSystemCheck = { code: 0, msg: '' };
  /** What renewToken answers (the SDK returns false when it refuses the token). */
  renewResult = true;
  /** Rooms this engine is logged into. */
  readonly rooms = new Set<string>();
  /** Streams being published / played per the SDK. */
  readonly publishing = new Set<string>();
  readonly playing = new Set<string>();
  /** Messages sent with sendBroadcastMessage / sendBarrageMessage. */
  readonly broadcasts: string[] = [];
  readonly barrages: string[] = [];
  /** Custom commands sent, with their targets. */
  readonly commands: { command: string; toUserIDs: string[] }[] = [];
  private readonly failures = new Map<EngineMethod, Failure>();
  private readonly holds = new Map<EngineMethod, Deferred<void>[]>();
  private urlCounter = 0;

  constructor(readonly log: CallLog = new CallLog()) {}

  /** Makes the next `times` calls of `method` fail with {code, msg} (reject, throw, or false for renewToken). */
  fail(method: EngineMethod, error: Partial<RtcError> & { code: number }, times = Infinity): this {
    this.failures.set(method, {
      error: { code: error.code, msg: error.msg ?? `fake ${method} error` },
      times,
    });
    return this;
  }

  /** Lets `method` succeed again. */
  succeed(method: EngineMethod): this {
    this.failures.delete(method);
    return this;
  }

  /** Makes the next call of an async `method` wait until `release(method)` (to test what happens meanwhile). */
  hold(method: EngineMethod): this {
    const list = this.holds.get(method) ?? [];
    list.push(deferred<void>());
    this.holds.set(method, list);
    return this;
  }

  /** Lets the oldest held call of `method` go on. */
  release(method: EngineMethod): void {
    const held = this.pendingHolds.get(method)?.shift();
    if (!held) throw new Error(`no held ${method} call`);
    held.resolve();
  }

  private readonly pendingHolds = new Map<EngineMethod, Deferred<void>[]>();

  /** Fires `event` through the installed handler; false when no handler is installed. */
  emit<K extends keyof RtcEvents>(event: K, payload: RtcEvents[K]): boolean {
    if (!this.handler) return false;
    this.handler[event](payload);
    return true;
  }

  /** Calls of one method, in order. */
  callsOf(name: keyof RtcEngine): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  /** The method names called, in order. */
  names(): string[] {
    return this.calls.map((c) => c.name);
  }

  private record(name: keyof RtcEngine, args: unknown[]): void {
    const entry = { source: 'engine', name, args };
    this.calls.push(entry);
    this.log.record('engine', name, args);
  }

  /** The scripted failure for this call, consuming one use. */
  private takeFailure(method: EngineMethod): RtcError | null {
    const failure = this.failures.get(method);
    if (!failure) return null;
    failure.times -= 1;
    if (failure.times <= 0) this.failures.delete(method);
    return failure.error;
  }

  private async run<T>(method: EngineMethod, body: () => T): Promise<T> {
    const held = this.holds.get(method)?.shift();
    if (held) {
      const list = this.pendingHolds.get(method) ?? [];
      list.push(held);
      this.pendingHolds.set(method, list);
      await held.promise;
    }
    const error = this.takeFailure(method);
    if (error) throw error;
    return body();
  }

  private runSync<T>(method: EngineMethod, body: () => T): T {
    const error = this.takeFailure(method);
    if (error) throw error;
    return body();
  }

  checkSystemRequirements(): Promise<RtcSystemCheck> {
    this.record('checkSystemRequirements', []);
    return this.run('checkSystemRequirements', () => ({ ...this.systemCheck }));
  }

  loginRoom(roomID: string, token: string, user: RtcUser): Promise<void> {
    this.record('loginRoom', [roomID, token, user]);
    return this.run('loginRoom', () => {
      this.rooms.add(roomID);
    });
  }

  logoutRoom(roomID: string): void {
    this.record('logoutRoom', [roomID]);
    this.runSync('logoutRoom', () => this.rooms.delete(roomID));
  }

  renewToken(roomID: string, token: string): boolean {
    this.record('renewToken', [roomID, token]);
    if (this.takeFailure('renewToken')) return false;
    return this.renewResult;
  }

  startPublishingStream(streamID: string): Promise<{ url: string }> {
    this.record('startPublishingStream', [streamID]);
    return this.run('startPublishingStream', () => {
      this.publishing.add(streamID);
      return { url: `rtmp://fake.zego/push/${streamID}?n=${++this.urlCounter}` };
    });
  }

  stopPublishingStream(streamID: string): void {
    this.record('stopPublishingStream', [streamID]);
    this.runSync('stopPublishingStream', () => this.publishing.delete(streamID));
  }

  startPlayingStream(streamID: string, options?: RtcPlayOptions): Promise<{ url: string }> {
    this.record('startPlayingStream', options ? [streamID, options] : [streamID]);
    return this.run('startPlayingStream', () => {
      this.playing.add(streamID);
      return { url: `rtmp://fake.zego/play/${streamID}?n=${++this.urlCounter}` };
    });
  }

  stopPlayingStream(streamID: string): void {
    this.record('stopPlayingStream', [streamID]);
    this.runSync('stopPlayingStream', () => this.playing.delete(streamID));
  }

  updatePlayerState(streamID: string, event: NativeLiveEvent): void {
    this.record('updatePlayerState', [streamID, event]);
  }

  updatePlayerNetStatus(streamID: string, event: NativeLiveEvent): void {
    this.record('updatePlayerNetStatus', [streamID, event]);
  }

  sendBroadcastMessage(roomID: string, message: string): Promise<void> {
    this.record('sendBroadcastMessage', [roomID, message]);
    return this.run('sendBroadcastMessage', () => {
      this.broadcasts.push(message);
    });
  }

  sendBarrageMessage(roomID: string, message: string): Promise<void> {
    this.record('sendBarrageMessage', [roomID, message]);
    return this.run('sendBarrageMessage', () => {
      this.barrages.push(message);
    });
  }

  sendCustomCommand(roomID: string, command: string, toUserIDs: string[]): Promise<void> {
    this.record('sendCustomCommand', [roomID, command, toUserIDs]);
    return this.run('sendCustomCommand', () => {
      this.commands.push({ command, toUserIDs });
    });
  }

  setEventHandler(handler: RtcEventHandler | null): void {
    this.record('setEventHandler', [handler ? 'handler' : null]);
    this.handler = handler;
  }

  listenerCount(): number {
    return this.handler ? RTC_EVENT_NAMES.length : 0;
  }
}
