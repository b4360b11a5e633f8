/**
 * ZEGO's server API (https://rtc-api.zego.im/?Action=...): the one module that talks to it. Every request is signed
 * with md5(AppId + SignatureNonce + ServerSecret + Timestamp); the secret is only ever hashed, never sent, logged
 * or put in an error.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A query value: arrays are written ZEGO's way, `Name[]=a&Name[]=b`. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** ZEGO's answer envelope (Code 0 is success). */
export interface ZegoAnswer<D = unknown> {
  Code: number;
  Message: string;
  RequestId: string;
  Data?: D;
}

/** Why a call failed: ZEGO answered a non-zero Code, an HTTP error, no answer in time, or no connection. */
export type ZegoFailureKind = 'zego' | 'http' | 'timeout' | 'network';

/** A failed server API call; `code` is ZEGO's Code when ZEGO answered one (e.g. 110200150), else null. */
export class ZegoServerApiError extends Error {
  constructor(
    readonly action: string,
    readonly kind: ZegoFailureKind,
    readonly code: number | null,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ZegoServerApiError';
  }
}

/** The signature of one request (SignatureVersion 2.0): lower-case hex MD5 of the four values in this order. */
export function zegoServerSignature(
  appId: number,
  nonce: string,
  serverSecret: string,
  timestamp: number,
): string {
  return createHash('md5').update(`${appId}${nonce}${serverSecret}${timestamp}`).digest('hex');
}

/** One input of a mix task: an RTC stream placed at a rectangle of the output canvas (pixels from top-left). */
export interface MixInput {
  StreamId: string;
  RectInfo: { Top: number; Left: number; Bottom: number; Right: number };
}

/** One output of a mix task (an RTC stream); bitrate in bps. */
export interface MixOutput {
  StreamId: string;
  VideoBitrate: number;
  Fps: number;
  Width: number;
  Height: number;
}

/** StartMix's body (the fields we use); the same TaskId again updates a running task's layout. */
export interface StartMixTask {
  TaskId: string;
  UserId: string;
  MixInput: MixInput[];
  MixOutput: MixOutput[];
}

/** A failed recipient of SendCustomCommand (Code 50003: not online). */
export interface FailUser {
  Uid: string;
  Code: number;
}

export interface ZegoServerApiOptions {
  /** Base URL, e.g. https://rtc-api.zego.im (ZEGO_SERVER_API_URL). */
  baseUrl: string;
  appId: number;
  serverSecret: string;
  /** How long one call may take (default 3000 ms). */
  timeoutMs?: number;
  /** Seconds since the epoch for Timestamp (injectable; ZEGO tolerates 10 minutes of skew). */
  nowSeconds?: () => number;
  /** The nonce (default 8 random bytes as 16 hex characters, as ZEGO's samples do). */
  nonce?: () => string;
}

/** A client of ZEGO's server API, bound to one project. */
export class ZegoServerApi {
  private readonly timeoutMs: number;
  private readonly nowSeconds: () => number;
  private readonly nonce: () => string;

  constructor(private readonly options: ZegoServerApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.nowSeconds = options.nowSeconds ?? ((): number => Math.floor(Date.now() / 1000));
    this.nonce = options.nonce ?? ((): string => randomBytes(8).toString('hex'));
  }

  /** The signed URL of an action with its query (common parameters first). */
  url(action: string, params: Record<string, QueryValue> = {}): string {
    const nonce = this.nonce();
    const timestamp = this.nowSeconds();
    const { appId, serverSecret, baseUrl } = this.options;
    const pairs: [string, string][] = [
      ['Action', action],
      ['AppId', String(appId)],
      ['SignatureNonce', nonce],
      ['Timestamp', String(timestamp)],
      ['Signature', zegoServerSignature(appId, nonce, serverSecret, timestamp)],
      ['SignatureVersion', '2.0'],
    ];
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) pairs.push([`${name}[]`, String(item)]);
      else pairs.push([name, String(value)]);
    }
    // Brackets stay literal in the names (ZEGO's documented form); values are URL-encoded.
    const query = pairs.map(
      ([k, v]) => `${encodeURIComponent(k).replace(/%5B%5D$/, '[]')}=${encodeURIComponent(v)}`,
    );
    return `${baseUrl.replace(/\/+$/, '')}/?${query.join('&')}`;
  }

  /** A GET action: every parameter in the query string. */
  get<D = unknown>(action: string, params: Record<string, QueryValue>): Promise<ZegoAnswer<D>> {
    return this.call<D>(action, this.url(action, params), { method: 'GET' });
  }

  /** A POST action: common parameters in the query, the business ones as a JSON body. */
  post<D = unknown>(action: string, body: object): Promise<ZegoAnswer<D>> {
    return this.call<D>(action, this.url(action), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async call<D>(action: string, url: string, init: RequestInit): Promise<ZegoAnswer<D>> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await response.text();
    } catch (error) {
      // The URL carries the signature: neither it nor the raw error goes into the message.
      // Duck-typed: fetch's DOMException may come from another realm (e.g. jest's sandbox).
      const name =
        typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw timedOut
        ? new ZegoServerApiError(
            action,
            'timeout',
            null,
            `ZEGO ${action}: no answer within ${this.timeoutMs} ms`,
          )
        : new ZegoServerApiError(action, 'network', null, `ZEGO ${action}: server API unreachable`);
    }
    if (!response.ok) {
      throw new ZegoServerApiError(action, 'http', null, `ZEGO ${action}: HTTP ${response.status}`);
    }
    let answer: ZegoAnswer<D>;
    try {
      answer = JSON.parse(text) as ZegoAnswer<D>;
    } catch {
      throw new ZegoServerApiError(action, 'http', null, `ZEGO ${action}: the answer is not JSON`);
    }
    if (typeof answer?.Code !== 'number') {
      throw new ZegoServerApiError(action, 'http', null, `ZEGO ${action}: the answer has no Code`);
    }
    if (answer.Code !== 0) {
      throw new ZegoServerApiError(
        action,
        'zego',
        answer.Code,
        `ZEGO ${action} failed: Code ${answer.Code} ${String(answer.Message ?? '').slice(0, 200)}`,
        typeof answer.RequestId === 'string' ? answer.RequestId : null,
      );
    }
    return answer;
  }

  /** SendCustomCommand: to at most 10 users, or the whole room when toUserIds is omitted. */
  async sendCustomCommand(command: {
    roomId: string;
    fromUserId: string;
    toUserIds?: readonly string[];
    content: string;
  }): Promise<{ failUsers: FailUser[] }> {
    const answer = await this.get<{ FailUsers?: FailUser[] }>('SendCustomCommand', {
      RoomId: command.roomId,
      FromUserId: command.fromUserId,
      ToUserId: command.toUserIds,
      MessageContent: command.content,
    });
    return { failUsers: answer.Data?.FailUsers ?? [] };
  }

  /** SendBroadcastMessage: a room message (category 1 system, 2 chat) from userId. */
  async sendBroadcastMessage(message: {
    roomId: string;
    userId: string;
    userName?: string;
    category: 1 | 2;
    content: string;
  }): Promise<{ messageId: number | null }> {
    const answer = await this.get<{ MessageId?: number }>('SendBroadcastMessage', {
      RoomId: message.roomId,
      UserId: message.userId,
      UserName: message.userName,
      MessageCategory: message.category,
      MessageContent: message.content,
    });
    return { messageId: answer.Data?.MessageId ?? null };
  }

  /** KickoutUser: at most 5 users out of a room (their publishing and playing stop). */
  async kickoutUser(kick: { roomId: string; userIds: readonly string[]; reason?: string }): Promise<void> {
    await this.get('KickoutUser', { RoomId: kick.roomId, UserId: kick.userIds, CustomReason: kick.reason });
  }

  /** ForbidRTCStream: the RTC service refuses this stream; sequence must increase per stream (ms is fine). */
  async forbidRTCStream(streamId: string, sequence: number): Promise<void> {
    await this.get('ForbidRTCStream', { StreamId: streamId, Sequence: String(sequence) });
  }

  /** ResumeRTCStream: undoes ForbidRTCStream. */
  async resumeRTCStream(streamId: string, sequence: number): Promise<void> {
    await this.get('ResumeRTCStream', { StreamId: streamId, Sequence: String(sequence) });
  }

  /** StartMix: starts a mix task, or updates the layout of the running task with the same TaskId. */
  async startMix(task: StartMixTask): Promise<void> {
    await this.post('StartMix', task);
  }

  /** StopMix: stops a mix task (an unstopped task keeps running and billing). */
  async stopMix(task: { TaskId: string; UserId: string }): Promise<void> {
    await this.post('StopMix', task);
  }

  /** RTMPDispatchV2: the RTMP push URLs (`rtmp://host:port/app/streamId`) for one stream, valid about 2 hours. */
  async rtmpDispatch(streamId: string, sequence: number): Promise<string[]> {
    const answer = await this.get<unknown>('RTMPDispatchV2', {
      StreamId: streamId,
      Sequence: String(sequence),
      Type: 'push',
    });
    const urls = Array.isArray(answer.Data)
      ? answer.Data.filter((u): u is string => typeof u === 'string')
      : [];
    if (urls.length === 0)
      throw new ZegoServerApiError('RTMPDispatchV2', 'zego', null, 'ZEGO RTMPDispatchV2: no push node');
    return urls;
  }

  /** AddStream: puts a stream that is in no room (an RTMP push) into a room, so its viewers are told of it. */
  async addStream(stream: { roomId: string; userId: string; streamId: string }): Promise<void> {
    await this.get('AddStream', { RoomId: stream.roomId, UserId: stream.userId, StreamId: stream.streamId });
  }

  /** DeleteStream: takes a stream AddStream put into a room out of it again. */
  async deleteStream(stream: { roomId: string; userId: string; streamId: string }): Promise<void> {
    await this.get('DeleteStream', {
      RoomId: stream.roomId,
      UserId: stream.userId,
      StreamId: stream.streamId,
    });
  }
}

/** The fields of a failed server API call worth a log line (ZEGO's code; never the URL or the secret). */
export function zegoFailure(error: unknown): Record<string, unknown> {
  if (error instanceof ZegoServerApiError) {
    return { action: error.action, kind: error.kind, zegoCode: error.code, requestId: error.requestId };
  }
  return { kind: 'unexpected', message: error instanceof Error ? error.message : String(error) };
}
