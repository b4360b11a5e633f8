import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';

/** An RSA key pair as the PEM texts the service and the fake are configured with. */
export interface RsaPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

export function rsaPair(): RsaPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** The base64 body of a PEM (what Alipay's key tool shows: no header lines, no line breaks). */
export function bareBase64(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('');
}

/** One request the fake received: every parameter (URL and form body merged) and what was wrong with it. */
export interface GatewayCall {
  params: Record<string, string>;
  /** Where each parameter came from. */
  inQuery: string[];
  inBody: string[];
  problems: string[];
}

export interface FakeAlipay {
  /** The gateway URL to configure as ALIPAY_GATEWAY. */
  url: string;
  calls: GatewayCall[];
  close(): Promise<void>;
}

/** What the fake hands out with a success answer; a test checks it never leaks. */
export const FAKE_ACCESS_TOKEN = 'authusrB-ACCESS-TOKEN-must-not-leak';

/**
 * A loopback fake of Alipay's OpenAPI gateway (gateway.do, protocol v2) for alipay.system.oauth.token.
 *
 * It checks what alipay-sdk sends, as Alipay would: the method, app_id, sign_type RSA2, grant_type and code, and the
 * RSA2 signature over the sorted parameters with the app's public key (a failure answers 40002
 * isv.invalid-signature and is recorded). Answers are signed with `alipayKey` like Alipay's, over the JSON text
 * of the response object. Codes: `good-<name>` signs in user_id `2088<name>`; `openid-<name>` answers only an
 * open_id; `bad` 40002 isv.code-invalid; `busy` 20000 isp.unknow-error; `forged` a success signed with another
 * key; `http-500` an HTTP 500; `slow` never answers.
 */
export async function startFakeAlipay(options: {
  appId: string;
  appPublicKey: KeyObject;
  alipayKey: KeyObject;
}): Promise<FakeAlipay> {
  const calls: GatewayCall[] = [];
  const hanging: http.ServerResponse[] = [];
  const forger = rsaPair().privateKey;

  function signed(res: http.ServerResponse, key: string, payload: object, signer = options.alipayKey): void {
    const inner = JSON.stringify(payload);
    const sign = createSign('RSA-SHA256').update(inner, 'utf8').sign(signer, 'base64');
    // Alipay answers JSON with a text/html content type.
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', trace_id: 'fake-trace-id' });
    res.end(`{"${key}":${inner},"sign":"${sign}"}`);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(url.searchParams);
      const type = req.headers['content-type'] ?? '';
      const bodyText = Buffer.concat(chunks).toString('utf8');
      const body = type.includes('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(bodyText))
        : {};
      const params: Record<string, string> = { ...query, ...body };
      const call: GatewayCall = {
        params,
        inQuery: Object.keys(query),
        inBody: Object.keys(body),
        problems: [],
      };
      calls.push(call);
      const problem = (text: string): void => {
        call.problems.push(text);
      };

      if (req.method !== 'POST') problem(`method ${req.method}`);
      if (url.pathname !== '/gateway.do') problem(`path ${url.pathname}`);
      if (!type.includes('application/x-www-form-urlencoded')) problem(`content-type ${type}`);
      if (params.method !== 'alipay.system.oauth.token') problem(`method param ${params.method}`);
      if (params.app_id !== options.appId) problem(`app_id ${params.app_id}`);
      if (params.sign_type !== 'RSA2') problem(`sign_type ${params.sign_type}`);
      if (params.charset !== 'utf-8') problem(`charset ${params.charset}`);
      if (params.version !== '1.0') problem(`version ${params.version}`);
      if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(params.timestamp ?? '')) problem('timestamp');
      if (params.grant_type !== 'authorization_code') problem(`grant_type ${params.grant_type}`);
      if (!params.code) problem('no code');
      if ('biz_content' in params) problem('oauth.token takes no biz_content');

      // Alipay's v2 signature: every parameter but sign (and sign_type is included), sorted, `k=v` joined by &.
      const content = Object.keys(params)
        .filter((key) => key !== 'sign' && params[key] !== '')
        .sort()
        .map((key) => `${key}=${params[key]}`)
        .join('&');
      const signatureOk =
        typeof params.sign === 'string' &&
        createVerify('RSA-SHA256')
          .update(content, 'utf8')
          .verify(options.appPublicKey, params.sign, 'base64');
      if (!signatureOk) problem('request signature does not verify with the app public key');

      if (call.problems.length > 0) {
        signed(res, 'error_response', {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: signatureOk ? 'isv.invalid-parameter' : 'isv.invalid-signature',
          sub_msg: call.problems.join('; '),
        });
        return;
      }

      const code = params.code;
      if (code === 'slow') {
        hanging.push(res);
      } else if (code === 'http-500') {
        res.writeHead(500).end('Internal Server Error');
      } else if (code === 'bad') {
        signed(res, 'error_response', {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.code-invalid',
          sub_msg: '授权码code无效',
        });
      } else if (code === 'busy') {
        signed(res, 'error_response', {
          code: '20000',
          msg: 'Service Currently Unavailable',
          sub_code: 'isp.unknow-error',
          sub_msg: '系统繁忙',
        });
      } else if (code.startsWith('good-') || code.startsWith('openid-') || code === 'forged') {
        const identity = code.startsWith('good-')
          ? { user_id: `2088${code.slice(5)}` }
          : code.startsWith('openid-')
            ? { open_id: `074a${code.slice(7)}` }
            : { user_id: '2088forged' };
        signed(
          res,
          'alipay_system_oauth_token_response',
          {
            ...identity,
            access_token: FAKE_ACCESS_TOKEN,
            expires_in: 1296000,
            refresh_token: 'authusrB-REFRESH-must-not-leak',
            re_expires_in: 2592000,
            auth_start: '2026-12-01 10:00:00',
          },
          code === 'forged' ? forger : options.alipayKey,
        );
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/gateway.do`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
