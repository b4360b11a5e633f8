/**
 * The live service on Alipay: the shared routes (api-client) over my.request, plus the two Alipay-only ones
 * (sign-in with my.getAuthCode's code, and the rtc-room parameters of a call).
 */
import { createApi, createRequester, type ApiSession } from '../../miniprogram/services/api-client';
import type { RtcRoomView } from '@zego-live/contract/schemas';
import { API_BASE_URL } from '../config';
import { alipayTransport } from './transport';

export * from '../../miniprogram/services/api-client';

/** What `<rtc-room>` needs besides the push/pull URLs (from Alipay's business contact, kept by the service). */
export type RtcRoomParams = RtcRoomView;

const { request } = createRequester(alipayTransport, API_BASE_URL);

/** The live service's routes on Alipay. */
export const alipayApi = {
  ...createApi(alipayTransport, API_BASE_URL),
  /** Signs in with my.getAuthCode's code (the service exchanges it with Alipay). */
  signInWithAlipay: (authCode: string, nickname?: string, avatarUrl?: string) =>
    request<ApiSession>('POST', '/api/auth/alipay', { authCode, nickname, avatarUrl }),
  /** The rtc-room parameters for a member of this call. */
  getRtcRoomParams: (roomID: string) =>
    request<RtcRoomParams>('GET', `/api/rooms/${encodeURIComponent(roomID)}/rtc-room`),
};

/** The Alipay api's type, for injection in tests. */
export type AlipayApi = typeof alipayApi;
