/**
 * The SDK's callbacks, each routed to the part whose job it is (one MobX action per callback, so one callback is
 * one render). The remote side of a call lives here too: the peer's stream or user going away ends the call.
 */
import { action } from 'mobx-miniprogram';
import type { RtcEventHandler, RtcEvents } from '../../services/rtc-types';
import type { SessionCore } from './session-core';
import { ACTIVE_PHASES, RUNNING_PHASES } from './session-table';

/** What the routes reach of the session's core. */
export type RoutedParts = Pick<
  SessionCore,
  | 'ctx'
  | 'machine'
  | 'entry'
  | 'publishing'
  | 'watching'
  | 'recovery'
  | 'interruptions'
  | 'renewal'
  | 'room'
  | 'call'
  | 'signals'
  | 'cohost'
  | 'finish'
  | 'checkRoomEnded'
>;

/** The one handler the session installs on the engine. */
export function sdkRoutes(s: RoutedParts): RtcEventHandler {
  /** The other member left: the call is over for us too. */
  const peerLeft = () => {
    if (!s.machine.in(...ACTIVE_PHASES)) return;
    const roomID = s.entry.roomID;
    s.call.end('peerLeft');
    s.finish('ended', null);
    // best effort, so a call whose hang-up request was lost does not stay open on the service
    s.ctx.deps.api.endRoom(roomID).catch(() => undefined);
  };

  const routes: RtcEventHandler = {
    roomStateUpdate: (p) => s.entry.onRoomStateUpdate(p),
    roomStateChanged: (p) => s.entry.onRoomStateChanged(p),
    roomStreamUpdate: (p: RtcEvents['roomStreamUpdate']) => {
      if (p.roomID !== s.entry.roomID) return;
      const callOver = s.entry.role === 'call' && s.call.onRoomStreamUpdate(p);
      const canPlay = s.machine.in(...RUNNING_PHASES);
      s.cohost.onRoomStreamUpdate(p);
      const gone = s.watching.onRoomStreamUpdate(p, canPlay, s.interruptions.hidden);
      if (callOver) peerLeft();
      else if (gone.length > 0 && s.entry.role === 'audience' && s.watching.streams.length === 0) {
        void s.checkRoomEnded(s.ctx.epoch);
      }
    },
    roomUserUpdate: (p) => {
      if (p.roomID !== s.entry.roomID) return;
      s.room.onRoomUserUpdate(p);
      if (s.entry.role === 'call' && s.call.onRoomUserUpdate(p)) peerLeft();
    },
    roomOnlineUserCountUpdate: (p) => s.room.onRoomOnlineUserCountUpdate(p),
    publisherStateUpdate: (p) =>
      s.publishing.onPublisherStateUpdate(p, () => {
        if (s.machine.in('preview')) s.machine.send('published');
        else s.recovery.streamBack();
      }),
    publishQualityUpdate: (p) => s.room.onPublishQualityUpdate(p),
    playerStateUpdate: (p) => {
      const playing = s.watching.onPlayerStateUpdate(p);
      if (playing && s.entry.role === 'call') s.call.connected();
    },
    playQualityUpdate: (p) => s.room.onPlayQualityUpdate(p),
    IMRecvBroadcastMessage: (p) => s.room.onBroadcastMessages(p),
    IMRecvBarrageMessage: (p) => s.room.onBarrageMessages(p),
    IMRecvCustomCommand: (p) => s.signals.onCustomCommand(p),
    roomExtraInfoUpdate: (p) => s.signals.onRoomExtraInfo(p),
    tokenWillExpire: (p) => {
      if (p.roomID === s.entry.roomID) void s.renewal.renew();
    },
  };
  for (const name of Object.keys(routes) as (keyof RtcEventHandler)[]) {
    (routes as Record<string, unknown>)[name] = action(name, routes[name] as (p: unknown) => void);
  }
  return routes;
}
