/** wx.connectSocket as the event channel's SocketOpener (a SocketTask of its own: WeChat allows 5 at once). */
import type { SocketPort } from './event-socket';

/** Opens a socket with wx.connectSocket. */
export function openWxSocket(url: string): SocketPort {
  const task = wx.connectSocket({ url, timeout: 10_000 });
  return {
    send: (text) => task.send({ data: text }),
    close: (code) => task.close({ code: code ?? 1000 }),
    onOpen: (listener) => task.onOpen(() => listener()),
    onMessage: (listener) => task.onMessage((res) => typeof res.data === 'string' && listener(res.data)),
    onClose: (listener) => task.onClose((res) => listener(res.code)),
    onError: (listener) => task.onError(() => listener()),
  };
}
