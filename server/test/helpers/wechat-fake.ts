import http from 'node:http';

/** A loopback fake of WeChat's jscode2session: code "good-*" signs in openid "o-<rest>", "bad" is 40029, "slow" hangs. */
export interface FakeWechat {
  url: string;
  requests: URL[];
  close(): Promise<void>;
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const requests: URL[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url);
    const code = url.searchParams.get('js_code') ?? '';
    if (url.pathname !== '/sns/jscode2session') {
      res.writeHead(404).end();
    } else if (code === 'slow') {
      hanging.push(res);
    } else if (code === 'http-500') {
      res.writeHead(500).end('oops');
    } else if (code.startsWith('good-')) {
      // WeChat really answers JSON as text/plain.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(JSON.stringify({ openid: `o-${code.slice(5)}`, session_key: 'SESSIONKEY-must-not-leak' }));
    } else if (code === 'busy') {
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(JSON.stringify({ errcode: -1, errmsg: 'system error' }));
    } else {
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
