/**
 * Requests sent in one moment: a keep-alive connection is opened for each first, then every request is written in
 * the same turn, so the service reads them together (as a crowd's reach a busy server), even from this process.
 */
import http from 'node:http';

/** One POST of the burst. */
export interface BurstRequest {
  path: string;
  token: string;
  body: unknown;
}

/** An answer of the burst: its status and JSON body. */
export interface BurstAnswer {
  status: number;
  body: unknown;
}

/** One request on the agent; resolves with the status and body once the answer is read. */
function send(agent: http.Agent, url: URL, method: string, headers: http.OutgoingHttpHeaders, body?: string) {
  return new Promise<BurstAnswer>((resolve, reject) => {
    const request = http.request(url, { agent, method, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Sends the POSTs at once (after opening a connection for each); their answers, in order. */
export async function burst(base: string, requests: readonly BurstRequest[]): Promise<BurstAnswer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: requests.length });
  try {
    await Promise.all(requests.map(() => send(agent, new URL('/healthz', base), 'GET', {})));
    return await Promise.all(
      requests.map((r) => {
        const body = JSON.stringify(r.body);
        return send(
          agent,
          new URL(r.path, base),
          'POST',
          {
            authorization: `Bearer ${r.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          body,
        );
      }),
    );
  } finally {
    agent.destroy();
  }
}
