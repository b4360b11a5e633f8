import http from 'node:http';

/** One msg_sec_check request the fake received: the access token it carried and the JSON body. */
export interface MsgSecCheckCall {
  accessToken: string | null;
  body: Record<string, unknown>;
}

/** One subscribeMessage.send request the fake received: the access token it carried and the JSON body. */
export interface SubscribeSendCall {
  accessToken: string | null;
  body: Record<string, unknown>;
}

/**
 * A loopback fake of WeChat's server API. jscode2session: code "good-*" signs in openid "o-<rest>", "bad" is 40029,
 * "slow" hangs. stable_token: checks appid and secret (the credentials it was started with, when given).
 * msg_sec_check: checks the access token and the v2 body; text containing "RISKY" is risky (label 20001),
 * "REVIEW" is review (label 20002), "WXBUSY" answers errcode -1, anything else passes.
 * message/subscribe/send: checks the access token, template_id (the `templateId` set on the fake), a page of this
 * mini-program, touser and data ({key: {value}}); openid "o-refuse*" answers 43101, "o-busy*" errcode -1 (every time),
 * "o-busyonce*" -1 the first time only, anything else is sent.
 */
export interface FakeWechat {
  url: string;
  requests: URL[];
  /** stable_token requests answered. */
  tokenCalls: number;
  checks: MsgSecCheckCall[];
  /** subscribe/send requests, in order of arrival. */
  sends: SubscribeSendCall[];
  /** The template ID send accepts (40037 for any other). */
  templateId: string;
  /** How long a content check takes to answer, by its text (default 0 ms). */
  checkDelay: (content: string) => number;
  /** Content checks being answered now, and the most at once. */
  checksInFlight: number;
  maxChecksInFlight: number;
  close(): Promise<void>;
}

export async function startFakeWechat(credentials?: { appid: string; secret: string }): Promise<FakeWechat> {
  const requests: URL[] = [];
  const hanging: http.ServerResponse[] = [];
  const fake: FakeWechat = {
    url: '',
    requests,
    tokenCalls: 0,
    checks: [],
    sends: [],
    templateId: '',
    checkDelay: () => 0,
    checksInFlight: 0,
    maxChecksInFlight: 0,
    close: async () => undefined,
  };
  const json = (res: http.ServerResponse, body: unknown): void => {
    // WeChat really answers JSON as text/plain.
    res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      requests.push(url);
      let body: Record<string, unknown>;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      if (url.pathname === '/cgi-bin/stable_token' && req.method === 'POST') {
        fake.tokenCalls += 1;
        const ok =
          body.grant_type === 'client_credential' &&
          (credentials === undefined ||
            (body.appid === credentials.appid && body.secret === credentials.secret));
        json(
          res,
          ok
            ? { access_token: `ACCESS_TOKEN_${fake.tokenCalls}`, expires_in: 7200 }
            : { errcode: 40013, errmsg: 'invalid appid' },
        );
        return;
      }
      if (url.pathname === '/wxa/msg_sec_check' && req.method === 'POST') {
        // Answered after checkDelay (WeChat's own latency); counted while in flight.
        const delay = fake.checkDelay(typeof body.content === 'string' ? body.content : '');
        fake.checksInFlight += 1;
        fake.maxChecksInFlight = Math.max(fake.maxChecksInFlight, fake.checksInFlight);
        const answer = (verdict: unknown): void => {
          setTimeout(() => {
            fake.checksInFlight -= 1;
            json(res, verdict);
          }, delay);
        };
        const accessToken = url.searchParams.get('access_token');
        fake.checks.push({ accessToken, body });
        if (accessToken === null || !/^ACCESS_TOKEN_\d+$/.test(accessToken)) {
          answer({ errcode: 40001, errmsg: 'invalid credential' });
          return;
        }
        const content = typeof body.content === 'string' ? body.content : '';
        if (body.version !== 2 || ![1, 2, 3, 4].includes(body.scene as number) || content === '') {
          answer({ errcode: 47001, errmsg: 'data format error' });
          return;
        }
        if (typeof body.openid !== 'string' || !body.openid.startsWith('o-')) {
          answer({ errcode: 40003, errmsg: 'invalid openid' });
          return;
        }
        if (content.includes('WXBUSY')) {
          answer({ errcode: -1, errmsg: 'system error' });
          return;
        }
        const [suggest, label] = content.includes('RISKY')
          ? ['risky', 20001]
          : content.includes('REVIEW')
            ? ['review', 20002]
            : ['pass', 100];
        answer({
          errcode: 0,
          errmsg: 'ok',
          trace_id: `trace-${fake.checks.length}`,
          result: { suggest, label },
          detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: 90 }],
        });
        return;
      }
      if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
        const accessToken = url.searchParams.get('access_token');
        fake.sends.push({ accessToken, body });
        json(res, subscribeAnswer(fake, accessToken, body));
        return;
      }
      const code = url.searchParams.get('js_code') ?? '';
      if (url.pathname !== '/sns/jscode2session') {
        res.writeHead(404).end();
      } else if (code === 'slow') {
        hanging.push(res);
      } else if (code === 'http-500') {
        res.writeHead(500).end('oops');
      } else if (code.startsWith('good-')) {
        json(res, { openid: `o-${code.slice(5)}`, session_key: 'SESSIONKEY-must-not-leak' });
      } else if (code === 'busy') {
        json(res, { errcode: -1, errmsg: 'system error' });
      } else {
        json(res, { errcode: 40029, errmsg: 'invalid code' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  fake.url = `http://127.0.0.1:${address.port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** What the fake's subscribe/send answers to one request. */
function subscribeAnswer(
  fake: FakeWechat,
  accessToken: string | null,
  body: Record<string, unknown>,
): { errcode: number; errmsg: string } {
  if (accessToken === null || !/^ACCESS_TOKEN_\d+$/.test(accessToken))
    return { errcode: 40001, errmsg: 'invalid credential' };
  const touser = typeof body.touser === 'string' ? body.touser : '';
  if (!touser.startsWith('o-')) return { errcode: 40003, errmsg: 'invalid openid' };
  if (body.template_id !== fake.templateId) return { errcode: 40037, errmsg: 'invalid template_id' };
  if (typeof body.page !== 'string' || !/^(pages|home)\/[a-z-]+\/index(\?.*)?$/.test(body.page))
    return { errcode: 41030, errmsg: 'invalid page' };
  const data = body.data as Record<string, { value?: unknown }> | undefined;
  const values = data && typeof data === 'object' ? Object.entries(data) : [];
  if (values.length === 0 || !values.every(([, v]) => typeof v?.value === 'string' && v.value !== ''))
    return { errcode: 47003, errmsg: 'argument invalid! data.value invalid' };
  if (touser.startsWith('o-refuse')) return { errcode: 43101, errmsg: 'user refuse to accept the msg' };
  const earlier = fake.sends.filter((call) => call.body.touser === touser).length;
  if (touser.startsWith('o-busyonce') ? earlier === 1 : touser.startsWith('o-busy'))
    return { errcode: -1, errmsg: 'system error' };
  return { errcode: 0, errmsg: 'ok' };
}
