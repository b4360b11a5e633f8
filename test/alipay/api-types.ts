/**
 * Type test for the Alipay app, checked by `npm run typecheck` (tsc -p test/alipay/tsconfig.json): its API types
 * are the service's schemas too (see test/types/api-contract.ts).
 */
import type { AlipayApi, ApiRoom, RtcRoomParams } from '../../alipay/services/api';
import type { RoomView, RtcRoomView } from '@zego-live/contract/schemas';

/** true only when A and B are the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const derived: [Same<RtcRoomParams, RtcRoomView>, Same<ApiRoom, RoomView>] = [true, true];

declare const alipayApi: AlipayApi;

export function misuses(): unknown[] {
  return [
    // @ts-expect-error the rtc-room parameters carry no push URL (the component's extraInfo does)
    alipayApi.getRtcRoomParams('call_1').then((params) => params.pushUrl),
    // @ts-expect-error a call's members are users, not user IDs
    alipayApi.getRoom('call_1').then(({ room }) => room.members[0].startsWith('u')),
  ];
}
