import { createHash } from 'node:crypto';
import http from 'node:http';

/** One request the fake received, with the verdict on its signature. */
export interface ZegoCall {
  action: string;
  method: string;
  query: URLSearchParams;
  /** The parsed JSON body of a POST (undefined for GET). */
  body: unknown;
  contentType: string | undefined;
  signatureOk: boolean;
}

/** How an action should fail: ZEGO answers a non-zero Code, the gateway answers an HTTP status, or nothing comes. */
export type ZegoFailure = { code: number; message?: string } | { status: number } | { hang: true };

/** A loopback fake of ZEGO's server API that checks every request's signature the way ZEGO does. */
export interface FakeZegoServerApi {
  url: string;
  calls: ZegoCall[];
  /** Calls of one action, in order. */
  of(action: string): ZegoCall[];
  /** Makes an action fail until cleared (fail(action, null)). */
  fail(action: string, failure: ZegoFailure | null): void;
  /** What DescribeRecordStatus answers for a task (default: still recording). */
  recordStatus: Map<string, unknown>;
  /** Forgets the calls and the failures. */
  reset(): void;
  close(): Promise<void>;
}

const ACTIONS = new Set([
  'SendCustomCommand',
  'SendBroadcastMessage',
  'KickoutUser',
  'ForbidRTCStream',
  'ResumeRTCStream',
  'StartMix',
  'StopMix',
  // Cloud recording (cloudrecord-api.zego.im: same signature, every action a POST) and RTMP ingest.
  'StartRecord',
  'StopRecord',
  'DescribeRecordStatus',
  'RTMPDispatchV2',
  'AddStream',
  'DeleteStream',
]);
const POST_ACTIONS = new Set(['StartMix', 'StopMix', 'StartRecord', 'StopRecord', 'DescribeRecordStatus']);

/** Starts the fake for one project (appId and its ServerSecret, which it uses only to recompute signatures). */
export async function startFakeZegoServerApi(
  appId: number,
  serverSecret: string,
): Promise<FakeZegoServerApi> {
  const calls: ZegoCall[] = [];
  const failures = new Map<string, ZegoFailure>();
  const recordStatus = new Map<string, unknown>();
  const hanging: http.ServerResponse[] = [];
  let requestNumber = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = url.searchParams;
      const action = query.get('Action') ?? '';
      const nonce = query.get('SignatureNonce') ?? '';
      const timestamp = query.get('Timestamp') ?? '';
      const expected = createHash('md5').update(`${appId}${nonce}${serverSecret}${timestamp}`).digest('hex');
      const signatureOk =
        query.get('AppId') === String(appId) &&
        query.get('SignatureVersion') === '2.0' &&
        /^[0-9a-f]{16}$/.test(nonce) &&
        /^\d+$/.test(timestamp) &&
        Math.abs(Number(timestamp) - Date.now() / 1000) <= 600 &&
        query.get('Signature') === expected;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (req.method === 'POST') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      calls.push({
        action,
        method: req.method ?? '',
        query,
        body,
        contentType: req.headers['content-type'],
        signatureOk,
      });
      requestNumber += 1;
      const answer = (code: number, message: string, data: unknown = null): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ Code: code, Message: message, RequestId: `req-${requestNumber}`, Data: data }),
        );
      };
      if (!signatureOk) return answer(100000005, 'signature wrong');
      if (!ACTIONS.has(action)) return answer(100000007, 'unsupported Action');
      if (POST_ACTIONS.has(action) !== (req.method === 'POST')) return answer(2, 'wrong method');
      const failure = failures.get(action);
      if (failure && 'hang' in failure) {
        hanging.push(res);
        return undefined;
      }
      if (failure && 'status' in failure) {
        res.writeHead(failure.status).end('gateway error');
        return undefined;
      }
      if (failure) return answer(failure.code, failure.message ?? 'failed');
      if (action === 'SendCustomCommand') return answer(0, 'success', { FailUsers: [] });
      if (action === 'SendBroadcastMessage') return answer(0, 'success', { MessageId: requestNumber });
      if (action === 'StartRecord')
        return answer(0, 'succeed', { TaskId: `task${String(requestNumber).padStart(12, '0')}` });
      if (action === 'DescribeRecordStatus')
        return answer(
          0,
          'succeed',
          recordStatus.get((body as { TaskId?: string })?.TaskId ?? '') ?? { Status: 2 },
        );
      if (action === 'RTMPDispatchV2') {
        const stream = query.get('StreamId') ?? '';
        return answer(0, 'success', [`rtmp://203.0.113.7:1935/${appId}/${stream}`]);
      }
      return answer(0, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    recordStatus,
    of: (action) => calls.filter((c) => c.action === action),
    fail: (action, failure) => {
      if (failure === null) failures.delete(action);
      else failures.set(action, failure);
    },
    reset: () => {
      calls.length = 0;
      failures.clear();
      recordStatus.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
