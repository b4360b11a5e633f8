/**
 * What the live session writes into the app's log ring for a problem report: every SDK callback with its codes and
 * states (never its whole payload: a line carries only the fields below, and the ring redacts even those).
 */
import type { RtcEventHandler } from '../../services/rtc-types';
import type { LiveSessionDeps } from './session-context';
import { appLog } from '../../utils/log-ring';

/** The payload fields worth a line: states, codes, what changed. */
const FIELDS = ['roomID', 'streamID', 'state', 'updateType', 'errorCode', 'reason', 'count', 'code'] as const;

/** One line's text for a callback: its name and the FIELDS it carries. */
export function describeCallback(name: string, payload: unknown): string {
  const parts = [name];
  if (payload !== null && typeof payload === 'object') {
    const record = payload as Record<string, unknown>;
    for (const field of FIELDS) {
      const value = record[field];
      if (typeof value === 'string' || typeof value === 'number') parts.push(`${field}=${value}`);
    }
    if (Array.isArray(record.streams)) parts.push(`streams=${record.streams.length}`);
  }
  return parts.join(' ');
}

/** The same handler, each callback first written to the log ring. */
export function loggedHandler(handler: RtcEventHandler): RtcEventHandler {
  const logged = {} as Record<string, (payload: unknown) => void>;
  for (const [name, route] of Object.entries(handler) as [string, (payload: unknown) => void][]) {
    logged[name] = (payload) => {
      appLog.add('sdk', describeCallback(name, payload));
      route(payload);
    };
  }
  return logged as RtcEventHandler;
}

/** One line per change of phase: from, to, the event that moved it, the room. */
export function logPhase(from: string, to: string, event: string, roomID: string): void {
  appLog.add('phase', `${from} -> ${to} (${event}) room=${roomID}`);
}

/** The ZEGO SDK this build packs (package.json pins it). */
const ZEGO_SDK_VERSION = '3.6.0';

/**
 * 遇到问题？: sends the user's description with the device's basic info (WeChat version, system, base library, ZEGO
 * SDK) and the log ring's lines (free of secrets as they were written) to the service.
 */
export async function sendProblemReport(
  deps: LiveSessionDeps,
  roomID: string,
  description: string,
): Promise<void> {
  const device = deps.platform().getDeviceInfo();
  await deps.api.sendProblemReport({
    ...(roomID ? { roomId: roomID } : {}),
    description,
    device: {
      wechat: device.version,
      system: device.platform,
      baseLibrary: device.SDKVersion,
      zegoSdk: ZEGO_SDK_VERSION,
    },
    logs: appLog.lines(),
  });
}
