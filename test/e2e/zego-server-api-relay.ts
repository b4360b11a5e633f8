/**
 * ZEGO's server API as the fake cloud offers it to the live service in the simulated journeys: SendBroadcastMessage
 * reaches the phone in that room (chat goes through the service); every other action answers ZEGO's "service not
 * enabled" (100000017), so the service falls back exactly as without the server API (the apps signal co-hosting
 * themselves, no mix). Signatures are checked by the service's own tests (server/test/helpers).
 */
import * as http from 'node:http';
import type { RtcRoomMessage } from '../../miniprogram/services/rtc-types';

/** The relay on loopback. */
export interface ZegoServerApiRelay {
  url: string;
  close(): Promise<void>;
}

/** Starts the relay; `deliver` hands a broadcast to the room's phones. */
export async function startZegoServerApiRelay(
  deliver: (roomID: string, message: RtcRoomMessage) => void,
): Promise<ZegoServerApiRelay> {
  let messageId = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://relay').searchParams;
      const answer = (body: object): void => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (query.get('Action') !== 'SendBroadcastMessage') {
        answer({ Code: 100000017, Message: 'service not enabled', RequestId: 'relay' });
        return;
      }
      messageId += 1;
      deliver(query.get('RoomId') ?? '', {
        messageID: String(messageId),
        fromUser: { userID: query.get('UserId') ?? '', userName: query.get('UserName') ?? '' },
        message: query.get('MessageContent') ?? '',
        sendTime: Date.now(),
      });
      answer({ Code: 0, Message: 'success', RequestId: 'relay', Data: { MessageId: messageId } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
