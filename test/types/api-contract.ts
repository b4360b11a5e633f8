/**
 * Type test, checked by `npm run typecheck` (tsc -p test/tsconfig.json; nothing runs): the apps' API types are the
 * service's schemas, not copies. Each `@ts-expect-error` is a misuse of a response field that must stay an error:
 * if a schema change made it compile, tsc fails on the unused directive. The app code itself (miniprogram/; alipay/ in
 * test/alipay/api-types.ts) is compiled against the same derived types by the same command.
 */
import type {
  Api,
  ApiConfig,
  ApiRoom,
  ApiRoomToken,
  RoomStatus,
} from '../../miniprogram/services/api-client';
import type {
  ConfigView,
  RoomStatus as ServiceRoomStatus,
  RoomTokenView,
  RoomView,
} from '@zego-live/contract/schemas';

/** true only when A and B are the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const derived: [
  Same<ApiRoom, RoomView>,
  Same<RoomStatus, ServiceRoomStatus>,
  Same<ApiRoomToken, RoomTokenView>,
  Same<ApiConfig, ConfigView>,
] = [true, true, true, true];

declare const room: ApiRoom;
declare const api: Api;

export function misuses(): unknown[] {
  return [
    // @ts-expect-error a status the service never sends
    ((): RoomStatus => 'started')(),
    // @ts-expect-error startedAt is epoch milliseconds or null, never a date string
    ((): string => room.startedAt)(),
    // @ts-expect-error an unclaimed room has no anchor: the app must handle null
    room.anchor.nickname,
    // @ts-expect-error the service sends no such field
    room.viewerCount,
    // @ts-expect-error stats.viewers is a number
    room.stats.viewers.toUpperCase(),
    // @ts-expect-error a role the service does not issue tokens for
    api.getRoomToken('room_1', 'host'),
    // @ts-expect-error the anchor reports all three counters
    api.reportStats('room_1', { viewers: 1 }),
  ];
}
