/**
 * Contract: a 1v1 call on the real ZEGO mini-program SDK (3.6), driven through our adapter (pages/engine/zego-engine.ts, loaded by services/rtc-engine.ts)
 * with a fake `wx`, fake timers and no network: one loginRoom, then startPublishingStream(own) and
 * startPlayingStream(peer), the native statechange/netstatus events for both streams, stop both, logoutRoom last.
 *
 * The SDK is genuinely logged in here: `FakeAccessHub` below plays ZEGO's access hub on the one fake socket and
 * answers in the SDK's own wire format (read out of ZegoExpressMiniProgram.js; the codec here is written from
 * scratch and uses no SDK internals):
 * - access hub frame: [0xAF, 0, msgType u16, bodyLength u32, streamID u32, 0] (big-endian) + a protobuf body;
 * - the room service rides in PCUpwardMessage (17) / PCDownwardMessage (21), whose payload is
 *   [0x31, headerLength u16, bodyLength u32] + protobuf Header {1 cmd, 2 seq, 6 context_key} + a protobuf body.
 * What the SDK needs before it is logged in and hands out URLs:
 * 1. a GetAppConfigResponse (24) to its GetAppConfigRequest (23): an InitConfig with speedlog_config (without it the
 *    SDK throws while storing the config and keeps none: start* then fail 1101002 "get app config fail") and
 *    media_config.publish_config with an RTMP url_template, whose first path segment is the dispatch app name;
 * 2. PCEstablished (19) on the room's stream, then LoginRoomRsp (cmd 1002, the request's seq) with rsp_head and
 *    anchor_info;
 * 3. for each start*, an HTTPResponse (5) to its HTTPRequest (4) to /v1/jsrtmp/dispatch/<app>/<streamID>/<push|pull>/:
 *    status 200 and JSON {hosts}; the SDK returns rtmp://<host>/<app>/<streamID>?...;
 * 4. when the pusher reports 1002 the SDK adds the stream to the room (AddStreamReq); AddStreamRsp makes it PUBLISHING.
 * After logoutRoom the SDK keeps the access hub socket open and its link heartbeats (HBRequest, 12) going; it sends
 * no room message after the LogoutRoomReq.
 */
import { ZegoExpressEngine } from 'zego-express-engine-miniprogram';
import { createRtcEngine } from '../../miniprogram/pages/engine/zego-engine';
import {
  RTC_EVENT_NAMES,
  type NativeLiveEvent,
  type RtcEventHandler,
} from '../../miniprogram/services/rtc-types';
import { indexOfBytes, installFakeWx, utf8, type FakeSocketTask, type FakeWx } from '../helpers/fake-wx';
import { useSdkRig } from '../helpers/sdk-rig';

const CONFIG = { appID: 1234567, server: 'wss://webliveroom1234567-api.zego.im/ws' };
const QUIET = { logLevel: 'disable', remoteLogLevel: 'disable' } as const;
const ROOM = 'room_call_7';
const TOKEN = 'TOKEN_04_call_secret';
const USER = { userID: 'caller_1', userName: 'Caller' };
const OWN = 'stream_caller_1';
const PEER = 'stream_callee_2';
const APP = 'zegolive';
const PUSH_HOST = 'push.zego.test';
const PULL_HOST = 'pull.zego.test';
const OWN_STREAM_SID = 'sid_own_1';

/** Access hub message types (the SDK's MSG_TYPE_*). */
const MSG = {
  HTTP_REQUEST: 4,
  HTTP_RESPONSE: 5,
  HB_REQUEST: 12,
  GET_APPCONFIG_REQUEST: 23,
  GET_APPCONFIG_RESPONSE: 24,
  PC_UPWARD: 17,
  PC_ESTABLISHED: 19,
  PC_DOWNWARD: 21,
} as const;

/** Room service commands. */
const CMD = {
  LoginRoomReq: 1001,
  LoginRoomRsp: 1002,
  LogoutRoomReq: 1003,
  AddStreamReq: 302001,
  AddStreamRsp: 302002,
  DeleteStreamReq: 302003,
  GetUserlistReq: 304001,
} as const;

const CONTEXT_KEY = 77;

// ---- protobuf, only as much as this test needs ----

type PbValue = number | string | Uint8Array;
type PbFields = Map<number, (number | Uint8Array)[]>;

/** Encodes fields in order: numbers as varints, strings as UTF-8, bytes and nested messages length-delimited. */
function pb(...fields: [number, PbValue][]): Uint8Array {
  const out: number[] = [];
  const varint = (n: number): void => {
    let v = n;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  };
  for (const [no, value] of fields) {
    if (typeof value === 'number') {
      varint(no * 8);
      varint(value);
    } else {
      const bytes = typeof value === 'string' ? utf8(value) : value;
      varint(no * 8 + 2);
      varint(bytes.length);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}

/** Decodes one message: varints as numbers, length-delimited (and fixed-width) fields as bytes. */
function pbDecode(bytes: Uint8Array): PbFields {
  const fields: PbFields = new Map();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = bytes[pos++];
      result += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80);
    return result;
  };
  while (pos < bytes.length) {
    const key = varint();
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2 || wire === 1 || wire === 5) {
      const length = wire === 2 ? varint() : wire === 1 ? 8 : 4;
      value = bytes.subarray(pos, pos + length);
      pos += length;
    } else throw new Error(`protobuf wire type ${wire} at ${pos}`);
    const no = Math.floor(key / 8);
    fields.set(no, [...(fields.get(no) ?? []), value]);
  }
  return fields;
}

function pbNumber(fields: PbFields, no: number): number {
  const value = fields.get(no)?.[0];
  if (typeof value !== 'number') throw new Error(`field ${no} is not a varint`);
  return value;
}

function pbBytes(fields: PbFields, no: number): Uint8Array {
  const value = fields.get(no)?.[0];
  if (!(value instanceof Uint8Array)) throw new Error(`field ${no} is not length-delimited`);
  return value;
}

/** An ASCII field as a string (locations, IDs). */
const pbText = (fields: PbFields, no: number): string => String.fromCharCode(...pbBytes(fields, no));

// ---- the access hub's framing ----

interface Frame {
  type: number;
  streamID: number;
  body: Uint8Array;
}

function parseFrame(bytes: Uint8Array): Frame {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0xaf) throw new Error(`not an access hub frame: first byte ${bytes[0]}`);
  return {
    type: view.getUint16(2),
    streamID: view.getUint32(8),
    body: bytes.subarray(13, 13 + view.getUint32(4)),
  };
}

function frame(type: number, streamID: number, body: Uint8Array): ArrayBuffer {
  const bytes = new Uint8Array(13 + body.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0xaf;
  view.setUint16(2, type);
  view.setUint32(4, body.length);
  view.setUint32(8, streamID);
  bytes.set(body, 13);
  return bytes.buffer;
}

/** A room service message inside a PC upward/downward payload. */
interface RoomPacket {
  cmd: number;
  seq: number;
  body: Uint8Array;
  /** The access hub stream it travelled on. */
  streamID: number;
  /** Its frame's index in socket.sent. */
  index: number;
}

function roomPayload(cmd: number, seq: number, body: Uint8Array): Uint8Array {
  const header = pb([1, cmd], [2, seq], [6, CONTEXT_KEY]);
  const bytes = new Uint8Array(7 + header.length + body.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x31;
  view.setUint16(1, header.length);
  view.setUint32(3, body.length);
  bytes.set(header, 7);
  bytes.set(body, 7 + header.length);
  return bytes;
}

/** ZEGO's side of the socket: reads what the SDK sent and answers it the way the access hub would. */
class FakeAccessHub {
  private readonly answered = new Set<number>();

  constructor(private readonly socket: FakeSocketTask) {}

  frames(from = 0): Frame[] {
    return this.socket.sent.slice(from).map(parseFrame);
  }

  roomPackets(from = 0): RoomPacket[] {
    return this.frames()
      .map((f, index) => ({ f, index }))
      .filter(({ f, index }) => index >= from && f.type === MSG.PC_UPWARD)
      .map(({ f, index }) => {
        const payload = pbBytes(pbDecode(f.body), 8);
        const headerLength = (payload[1] << 8) | payload[2];
        const header = pbDecode(payload.subarray(7, 7 + headerLength));
        return {
          cmd: pbNumber(header, 1),
          seq: pbNumber(header, 2),
          body: payload.subarray(7 + headerLength),
          streamID: f.streamID,
          index,
        };
      });
  }

  /** Locations of the SDK's HTTP requests (stream dispatch), in order. */
  httpLocations(): string[] {
    return this.frames()
      .filter((f) => f.type === MSG.HTTP_REQUEST)
      .map((f) => pbText(pbDecode(f.body), 9));
  }

  /** Answers the GetAppConfigRequest: a publish config with one RTMP template (and the speedlog config it needs). */
  answerAppConfig(): void {
    const [request] = this.unanswered(MSG.GET_APPCONFIG_REQUEST);
    const serviceInfo = pb([2, 1 /* RTMP */], [3, `rtmp://publish.zego.test/${APP}/{stream}`]);
    const resourceInfo = pb([1, 1 /* RTC */], [2, serviceInfo]);
    const mediaConfig = pb([2, pb([2, resourceInfo])]);
    const initConfig = pb([4, pb([1, 1])], [5, mediaConfig]);
    const txid = pbNumber(pbDecode(request.body), 1);
    // code 0 written out: the SDK copies only the fields present on the wire, and checks `code === 0`.
    const data = pb([1, txid], [2, initConfig], [4, 1]);
    this.send(MSG.GET_APPCONFIG_RESPONSE, request.streamID, pb([1, 0], [3, data]));
  }

  /** Tells the SDK its room link (the PC stream the login went out on) is established. */
  establishRoomLink(): void {
    const [login] = this.roomPackets().filter((p) => p.cmd === CMD.LoginRoomReq);
    this.send(MSG.PC_ESTABLISHED, login.streamID, pb([1, 1]));
  }

  /** Answers the last unanswered room request `requestCmd` with `responseCmd` and `body`. */
  answerRoom(requestCmd: number, responseCmd: number, body: Uint8Array): RoomPacket {
    const request = this.roomPackets()
      .filter((p) => p.cmd === requestCmd && !this.answered.has(p.index))
      .pop();
    if (!request) throw new Error(`the SDK sent no room command ${requestCmd}`);
    this.answered.add(request.index);
    this.send(
      MSG.PC_DOWNWARD,
      request.streamID,
      pb([1, roomPayload(responseCmd, request.seq, body)], [2, 1]),
    );
    return request;
  }

  /** Answers every stream dispatch request: one host for push, one for pull. */
  answerDispatch(): void {
    for (const request of this.unanswered(MSG.HTTP_REQUEST)) {
      const fields = pbDecode(request.body);
      const host = pbText(fields, 9).includes('/push/') ? PUSH_HOST : PULL_HOST;
      const json = utf8(JSON.stringify({ code: 0, hosts: [host] }));
      this.send(MSG.HTTP_RESPONSE, request.streamID, pb([1, pbNumber(fields, 1)], [3, 200], [4, json]));
    }
  }

  private unanswered(type: number): (Frame & { index: number })[] {
    const found = this.frames()
      .map((f, index) => ({ ...f, index }))
      .filter((f) => f.type === type && !this.answered.has(f.index));
    if (found.length === 0) throw new Error(`the SDK sent no message of type ${type}`);
    found.forEach((f) => this.answered.add(f.index));
    return found;
  }

  private send(type: number, streamID: number, body: Uint8Array): void {
    this.socket.fireMessage(frame(type, streamID, body));
  }
}

// ---- the call ----

type Proto = Record<string, (...args: unknown[]) => unknown>;
const proto = ZegoExpressEngine.prototype as unknown as Proto;

/** The SDK methods a call goes through, spied on the prototype (what the SDK itself receives). */
const SDK_METHODS = [
  'loginRoom',
  'startPublishingStream',
  'startPlayingStream',
  'updatePlayerState',
  'updatePlayerNetStatus',
  'stopPublishingStream',
  'stopPlayingStream',
  'logoutRoom',
] as const;

const PUSHER_STARTED: NativeLiveEvent = { detail: { code: 1002, message: 'push started' } };
const PLAYER_STARTED: NativeLiveEvent = { detail: { code: 2004, message: 'play started' } };
const PUSHER_NET: NativeLiveEvent = {
  detail: { info: { videoBitrate: 800, audioBitrate: 48, videoFPS: 15, videoWidth: 360, videoHeight: 640 } },
};
const PLAYER_NET: NativeLiveEvent = {
  detail: { info: { videoBitrate: 500, audioBitrate: 32, videoFPS: 20, videoWidth: 720, videoHeight: 1280 } },
};

/**
 * LoginRoomRsp: rsp_head {code 0}, user_id, the room heartbeat interval and timeout in ms (0 would make the SDK send
 * HbReq without pause), online_count, anchor_info (read unconditionally), token_remain_time in s.
 */
const LOGIN_RSP = pb([1, pb([1, 0])], [5, 5], [8, 30_000], [9, 100_000], [10, 1], [11, pb()], [15, 3600]);
/** AddStreamRsp: rsp_head {code 0}, stream_seq, stream_sid (the SDK's DeleteStreamReq names it). */
const ADD_STREAM_RSP = pb([1, pb([1, 0])], [2, 1], [3, OWN_STREAM_SID]);

/** A handler whose every method is a jest mock. */
function mockHandler(): jest.Mocked<RtcEventHandler> {
  const handler = {} as Record<string, jest.Mock>;
  for (const name of RTC_EVENT_NAMES) handler[name] = jest.fn();
  return handler as unknown as jest.Mocked<RtcEventHandler>;
}

/** Marks a promise as handled (a rejection still fails the `await` on it later) so Node does not abort the run. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Lets the SDK's promises and short timers run. */
async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.resolve();
    jest.advanceTimersByTime(10);
  }
}

interface Call {
  handler: jest.Mocked<RtcEventHandler>;
  hub: FakeAccessHub;
  pushURL: string;
  playURL: string;
  /** socket.sent.length just before logoutRoom, and once logout had settled. */
  sentBeforeLogout: number;
  sentAfterLogout: number;
  /** Every call the SDK prototype received, in order: [method, first argument (streamID or roomID)]. */
  sdkCalls: () => [string, unknown][];
  sdkSpy: (name: (typeof SDK_METHODS)[number]) => jest.SpyInstance;
}

/** The whole call, the way the stores drive it, with the access hub answering. */
async function runCall(): Promise<Call> {
  const spies = new Map(SDK_METHODS.map((name) => [name, jest.spyOn(proto, name)]));
  const sdkCalls = (): [string, unknown][] =>
    [...spies]
      .flatMap(([name, spy]) =>
        spy.mock.calls.map((args, i) => ({ name, arg: args[0], order: spy.mock.invocationCallOrder[i] })),
      )
      .sort((a, b) => a.order - b.order)
      .map(({ name, arg }): [string, unknown] => [name, arg]);

  const engine = createRtcEngine(CONFIG, QUIET);
  const handler = mockHandler();
  engine.setEventHandler(handler);

  const login = handled(engine.loginRoom(ROOM, TOKEN, USER));
  await flush();
  expect(fake.sockets).toHaveLength(1);
  const socket = fake.sockets[0];
  socket.fireOpen();
  await flush();
  const hub = new FakeAccessHub(socket);
  hub.answerAppConfig();
  hub.establishRoomLink();
  hub.answerRoom(CMD.LoginRoomReq, CMD.LoginRoomRsp, LOGIN_RSP);
  await flush();
  await expect(login).resolves.toBeUndefined();

  const publishing = handled(engine.startPublishingStream(OWN));
  const playing = handled(engine.startPlayingStream(PEER));
  await flush();
  hub.answerDispatch();
  await flush();
  const [{ url: pushURL }, { url: playURL }] = await Promise.all([publishing, playing]);

  engine.updatePlayerState(OWN, PUSHER_STARTED);
  engine.updatePlayerState(PEER, PLAYER_STARTED);
  engine.updatePlayerNetStatus(OWN, PUSHER_NET);
  engine.updatePlayerNetStatus(PEER, PLAYER_NET);
  await flush();
  hub.answerRoom(CMD.AddStreamReq, CMD.AddStreamRsp, ADD_STREAM_RSP);
  await flush();

  engine.stopPublishingStream(OWN);
  engine.stopPlayingStream(PEER);
  await flush();
  const sentBeforeLogout = socket.sent.length;
  engine.logoutRoom(ROOM);
  await flush();

  return {
    handler,
    hub,
    pushURL,
    playURL,
    sentBeforeLogout,
    sentAfterLogout: socket.sent.length,
    sdkCalls,
    sdkSpy: (name) => spies.get(name)!,
  };
}

let fake: FakeWx;

useSdkRig(() => {
  fake = installFakeWx();
});

describe('1v1 call: publish own stream and play the peer in one login', () => {
  test('the real SDK under jsdom publishes and plays in one login (both calls reach it in order)', async () => {
    const call = await runCall();

    expect(call.sdkCalls()).toEqual([
      ['loginRoom', ROOM],
      ['startPublishingStream', OWN],
      ['startPlayingStream', PEER],
      ['updatePlayerState', OWN],
      ['updatePlayerState', PEER],
      ['updatePlayerNetStatus', OWN],
      ['updatePlayerNetStatus', PEER],
      ['stopPublishingStream', OWN],
      ['stopPlayingStream', PEER],
      ['logoutRoom', ROOM],
    ]);
    expect(call.sdkSpy('loginRoom')).toHaveBeenCalledWith(
      ROOM,
      TOKEN,
      USER,
      expect.objectContaining({ userUpdate: true }),
    );
    // The native events reach the SDK as they are.
    expect(call.sdkSpy('updatePlayerState').mock.calls.map((args) => args[1])).toEqual([
      PUSHER_STARTED,
      PLAYER_STARTED,
    ]);
    expect(call.sdkSpy('updatePlayerNetStatus').mock.calls.map((args) => args[1])).toEqual([
      PUSHER_NET,
      PLAYER_NET,
    ]);

    // One socket, one login on it: publishing and playing did not log in again.
    expect(fake.sockets.map((s) => s.url)).toEqual(['wss://accesshub-wss.zego.im/accesshub']);
    const logins = call.hub.roomPackets().filter((p) => p.cmd === CMD.LoginRoomReq);
    expect(logins).toHaveLength(1);
    for (const text of [ROOM, USER.userID, TOKEN]) {
      expect(indexOfBytes(logins[0].body, utf8(text))).toBeGreaterThanOrEqual(0);
    }

    // Logged in for real: the SDK handed out a push URL and a play URL for the two streams.
    expect(call.pushURL).toMatch(new RegExp(`^rtmp://${PUSH_HOST}/${APP}/${OWN}(\\?|$)`));
    expect(call.playURL).toMatch(new RegExp(`^rtmp://${PULL_HOST}/${APP}/${PEER}(\\?|$)`));
  });

  test('on the wire: one dispatch per stream, the own stream added and deleted, LogoutRoomReq the last room message', async () => {
    const call = await runCall();

    expect(call.hub.httpLocations()).toEqual([
      expect.stringMatching(new RegExp(`^/v1/jsrtmp/dispatch/${APP}/${OWN}/push/`)),
      expect.stringMatching(new RegExp(`^/v1/jsrtmp/dispatch/${APP}/${PEER}/pull/`)),
    ]);
    expect(call.hub.roomPackets().map((p) => p.cmd)).toEqual([
      CMD.LoginRoomReq,
      CMD.GetUserlistReq, // userUpdate: true
      CMD.AddStreamReq,
      CMD.DeleteStreamReq,
      CMD.LogoutRoomReq,
    ]);
    const [added] = call.hub.roomPackets().filter((p) => p.cmd === CMD.AddStreamReq);
    expect(pbText(pbDecode(added.body), 1)).toBe(OWN);
    const [deleted] = call.hub.roomPackets().filter((p) => p.cmd === CMD.DeleteStreamReq);
    expect(pbText(pbDecode(deleted.body), 1)).toBe(OWN_STREAM_SID);
    expect(pbText(pbDecode(deleted.body), 2)).toBe(OWN);

    // logoutRoom sends exactly the LogoutRoomReq...
    const logoutFrames = call.hub.frames(call.sentBeforeLogout);
    expect(logoutFrames.map((f) => f.type)).toEqual([MSG.PC_UPWARD]);
    expect(call.hub.roomPackets(call.sentBeforeLogout).map((p) => p.cmd)).toEqual([CMD.LogoutRoomReq]);

    // ...and later only the access hub link's own heartbeats follow: no room message, no new socket, no login.
    jest.advanceTimersByTime(60_000);
    await flush();
    const later = call.hub.frames(call.sentAfterLogout);
    expect(later.filter((f) => f.type !== MSG.HB_REQUEST)).toEqual([]);
    expect(call.hub.roomPackets(call.sentAfterLogout)).toEqual([]);
    expect(fake.sockets).toHaveLength(1);
  });

  test('our handler sees the SDK states: CONNECTED, PUBLISHING and PLAYING, then NO_PUBLISH, NO_PLAY, DISCONNECTED', async () => {
    const { handler } = await runCall();

    expect(handler.roomStateUpdate.mock.calls.map(([p]) => [p.roomID, p.state])).toEqual([
      [ROOM, 'CONNECTING'],
      [ROOM, 'CONNECTED'],
      [ROOM, 'DISCONNECTED'],
    ]);
    expect(handler.publisherStateUpdate.mock.calls.map(([p]) => [p.streamID, p.state, p.errorCode])).toEqual([
      [OWN, 'PUBLISH_REQUESTING', 0],
      [OWN, 'PUBLISHING', 0],
      [OWN, 'NO_PUBLISH', 0],
    ]);
    expect(handler.playerStateUpdate.mock.calls.map(([p]) => [p.streamID, p.state, p.errorCode])).toEqual([
      [PEER, 'PLAY_REQUESTING', 0],
      [PEER, 'PLAYING', 0],
      [PEER, 'NO_PLAY', 0],
    ]);
  });
});
