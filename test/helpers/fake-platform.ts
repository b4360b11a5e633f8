/**
 * A scriptable Platform for unit tests: authorize answers per scope, the settings page's outcome, app hide/show,
 * network changes and audio interruptions on demand, and a count of the listeners still registered.
 */
import type {
  DeviceInfo,
  MediaScope,
  NetworkStatus,
  Platform,
  Unsubscribe,
  UploadResult,
} from '../../miniprogram/services/platform-types';
import { CallLog } from './fake-engine';

type ListenerKind = 'network' | 'audioBegin' | 'audioEnd' | 'appHide' | 'appShow';

/** The fake platform. */
export class FakePlatform implements Platform {
  /** What getDeviceInfo answers; set platform to 'devtools' to play the simulator. */
  device: DeviceInfo = { platform: 'ios', version: '8.0.50', SDKVersion: '3.4.10' };
  /** Scopes as WeChat remembers them: true granted, false refused, absent never asked. */
  settings: Partial<Record<MediaScope, boolean>> = {};
  /** What the user answers when wx.authorize asks for a scope never asked before (default: grant). */
  answers: Partial<Record<MediaScope, 'grant' | 'deny'>> = {};
  /** What the user switches on in the settings page (applied by openSetting). */
  settingsPageGrants: Partial<Record<MediaScope, boolean>> = {};
  /** The last value given to setKeepScreenOn. */
  keepScreenOn = false;
  /** Every call, in order. */
  readonly calls: string[] = [];
  readonly storage = new Map<string, unknown>();
  /** Every uploadFile call (url, local file path, field name, headers), in order. */
  readonly uploads: { url: string; filePath: string; name: string; header: Record<string, string> }[] = [];
  /** What uploadFile answers next: a service response, or `{errMsg}` to fail like wx (no network). */
  uploadAnswer: UploadResult | { errMsg: string } = {
    statusCode: 200,
    data: JSON.stringify({
      user: { id: 'u_1', nickname: '小王', avatarUrl: 'https://live.example.com/a.png' },
    }),
  };
  private readonly listeners: Record<ListenerKind, Set<(arg?: unknown) => void>> = {
    network: new Set(),
    audioBegin: new Set(),
    audioEnd: new Set(),
    appHide: new Set(),
    appShow: new Set(),
  };

  constructor(readonly log: CallLog = new CallLog()) {}

  private record(name: string, args: unknown[] = []): void {
    this.calls.push(name);
    this.log.record('platform', name, args);
  }

  /** Registered listeners, of one kind or in total. */
  listenerCount(kind?: ListenerKind): number {
    if (kind) return this.listeners[kind].size;
    return Object.values(this.listeners).reduce((n, set) => n + set.size, 0);
  }

  private add(kind: ListenerKind, listener: (arg?: unknown) => void): Unsubscribe {
    const own = (arg?: unknown) => listener(arg);
    this.listeners[kind].add(own);
    return () => {
      this.listeners[kind].delete(own);
    };
  }

  private fire(kind: ListenerKind, arg?: unknown): void {
    for (const listener of [...this.listeners[kind]]) listener(arg);
  }

  /** The app goes to the background (home button, another app). */
  hideApp(): void {
    this.fire('appHide');
  }

  /** The app comes back. */
  showApp(): void {
    this.fire('appShow');
  }

  /** The network changes. */
  network(isConnected: boolean, networkType = isConnected ? 'wifi' : 'none'): void {
    const status: NetworkStatus = { isConnected, networkType };
    this.fire('network', status);
  }

  /** A phone call (or alarm) takes the audio. */
  audioInterruptionBegin(): void {
    this.fire('audioBegin');
  }

  /** The call ended. */
  audioInterruptionEnd(): void {
    this.fire('audioEnd');
  }

  getDeviceInfo(): DeviceInfo {
    this.record('getDeviceInfo');
    return { ...this.device };
  }

  async authorize(scope: MediaScope): Promise<void> {
    this.record('authorize', [scope]);
    // Granted before: WeChat succeeds without asking.
    if (this.settings[scope] === true) return;
    // WeChat fails at once, without asking, once the user refused a scope.
    if (this.settings[scope] === false) throw { errMsg: 'authorize:fail auth deny' };
    if (this.answers[scope] === 'deny') {
      this.settings[scope] = false;
      throw { errMsg: 'authorize:fail auth deny' };
    }
    this.settings[scope] = true;
  }

  async openSetting(): Promise<Partial<Record<MediaScope, boolean>>> {
    this.record('openSetting');
    this.settings = { ...this.settings, ...this.settingsPageGrants };
    return { ...this.settings };
  }

  setKeepScreenOn(keepScreenOn: boolean): void {
    this.record('setKeepScreenOn', [keepScreenOn]);
    this.keepScreenOn = keepScreenOn;
  }

  onNetworkStatusChange(listener: (status: NetworkStatus) => void): Unsubscribe {
    return this.add('network', listener as (arg?: unknown) => void);
  }

  onAudioInterruptionBegin(listener: () => void): Unsubscribe {
    return this.add('audioBegin', listener);
  }

  onAudioInterruptionEnd(listener: () => void): Unsubscribe {
    return this.add('audioEnd', listener);
  }

  onAppHide(listener: () => void): Unsubscribe {
    return this.add('appHide', listener);
  }

  onAppShow(listener: () => void): Unsubscribe {
    return this.add('appShow', listener);
  }

  async login(): Promise<string> {
    this.record('login');
    return 'fake-wx-code';
  }

  getStorage<T>(key: string): T | undefined {
    return this.storage.get(key) as T | undefined;
  }

  setStorage<T>(key: string, value: T): void {
    this.storage.set(key, value);
  }

  removeStorage(key: string): void {
    this.storage.delete(key);
  }

  /** What requestSubscribeMessage answers for the template (or a wx failure {errCode, errMsg} to reject with). */
  subscribeAnswer: string | { errCode: number; errMsg: string } = 'accept';

  async requestSubscribeMessage(
    templateId: string,
  ): Promise<'accept' | 'reject' | 'ban' | 'filter' | 'acceptWithAudio'> {
    this.record('requestSubscribeMessage', [templateId]);
    const answer = this.subscribeAnswer;
    if (typeof answer !== 'string') throw { ...answer };
    return answer as 'accept';
  }

  /** The photo chooseImage picks (null: the user cancels). */
  chosenImage: string | null = 'http://tmp/cover.jpg';

  async chooseImage(): Promise<string> {
    this.record('chooseImage');
    if (this.chosenImage === null) throw { errMsg: 'chooseMedia:fail cancel' };
    return this.chosenImage;
  }

  /** compressImage fails (as on an old base library or an unreadable file) when true. */
  compressFails = false;

  async compressImage(filePath: string, maxWidth: number): Promise<string> {
    this.record('compressImage', [filePath, maxWidth]);
    if (this.compressFails) throw { errMsg: 'compressImage:fail' };
    return `${filePath}#w${maxWidth}`;
  }

  async uploadFile(
    url: string,
    filePath: string,
    name: string,
    header: Record<string, string>,
  ): Promise<UploadResult> {
    this.record('uploadFile', [url, filePath, name]);
    this.uploads.push({ url, filePath, name, header: { ...header } });
    const answer = this.uploadAnswer;
    if ('errMsg' in answer) throw { errMsg: answer.errMsg };
    return { ...answer };
  }
}
