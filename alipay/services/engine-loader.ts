/**
 * The engine on Alipay: created once, with the app ID and server from our service's /api/config, on ZEGO's Alipay
 * SDK file (alipay/libs/, downloaded from ZEGO; the build stops without it).
 */
import type { RtcEngine } from '../../miniprogram/services/rtc-types';
import { ZegoExpressEngine } from '../libs/ZegoExpressAlipayMiniProgram.js';
import { alipayApi } from './api';
import { createAlipayRtcEngine } from './rtc-engine';

let engine: Promise<RtcEngine> | null = null;

/** The one engine of the app (a failed load is tried again next time). */
export function loadAlipayEngine(): Promise<RtcEngine> {
  if (!engine) {
    engine = alipayApi.config().then(
      (config) =>
        createAlipayRtcEngine(
          ZegoExpressEngine,
          { appID: config.appID, server: config.server },
          // so checkSystemRequirements reports 10002 (the SDK itself never does): the page then offers my.openSetting
          {
            readAuthSetting: () =>
              new Promise((resolve, reject) =>
                my.getSetting({ success: (res) => resolve({ ...res.authSetting }), fail: reject }),
              ),
          },
        ),
      (error: unknown) => {
        engine = null;
        throw error;
      },
    );
  }
  return engine;
}
