/**
 * The event channel and the ring on Alipay: my.connectSocket as the shared client's SocketOpener, and a ring of
 * my.vibrateLong buzzes (Alipay has no project ringtone player here; the screen says who calls).
 */
import type { SocketPort } from '../../miniprogram/services/event-socket';
import { RING_EVERY_MS, type Ringer } from '../../miniprogram/services/ringer-types';

/** A message's text: SocketTask gives the string, older base libraries wrap it as { data: { data } }. */
function textOf(data: unknown): string | null {
  if (typeof data === 'string') return data;
  const inner = (data as { data?: unknown } | null)?.data;
  return typeof inner === 'string' ? inner : null;
}

/** The close code (the service's unauthorized / signed-out codes end retries): on the event or in its data, else 1006 (abnormal). */
function closeCode(res: unknown): number {
  const event = res as { code?: number; data?: { code?: number } } | null;
  return event?.code ?? event?.data?.code ?? 1006;
}

/** Opens a socket with my.connectSocket (its own SocketTask, so it never shares the SDK's). */
export function openMySocket(url: string): SocketPort {
  const task = my.connectSocket({ url, multiple: true });
  return {
    send: (text) => task.send({ data: text }),
    close: (code) => task.close({ code: code ?? 1000 }),
    onOpen: (listener) => task.onOpen(() => listener()),
    onMessage: (listener) =>
      task.onMessage((res) => {
        const text = textOf(res.data);
        if (text !== null) listener(text);
      }),
    onClose: (listener) => task.onClose((res) => listener(closeCode(res))),
    onError: (listener) => task.onError(() => listener()),
  };
}

/** The ring on Alipay: a long buzz every RING_EVERY_MS until stopped. */
export function createMyRinger(): Ringer {
  let buzz: ReturnType<typeof setInterval> | null = null;
  return {
    start() {
      if (buzz !== null) return;
      my.vibrateLong();
      buzz = setInterval(() => my.vibrateLong(), RING_EVERY_MS);
    },
    stop() {
      if (buzz !== null) clearInterval(buzz);
      buzz = null;
    },
  };
}
