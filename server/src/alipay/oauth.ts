import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig } from '../config';
import { ApiError } from '../lib/errors';

/** The method that turns a my.getAuthCode code into the user's identity (OpenAPI v2, gateway.do). */
export const OAUTH_TOKEN_METHOD = 'alipay.system.oauth.token';
const RESPONSE_KEY = 'alipay_system_oauth_token_response';

/** Who Alipay says is behind an auth code: user_id (2088...) or, for apps switched to OpenID, open_id. */
export type AlipayIdentity = { kind: 'user_id'; value: string } | { kind: 'open_id'; value: string };

/** Why an exchange failed, for one log line (never the code, the key, Alipay's raw answer or tokens). */
export type AlipayFailure = 'unreachable' | 'bad_answer' | 'bad_signature' | 'rejected';
export type FailureLog = (failure: AlipayFailure, detail: string) => void;

/** Sub-codes that blame the service's own setup (key, signature, app ID), not the user's code. */
const SETUP_SUB_CODE =
  /^isv\.(invalid|missing)-(signature|sign|app-id|signature-type|signature-key|signature-config)/i;

/**
 * An error answer of Alipay as an API error: 401 for a bad code (40002 isv.code-invalid: wrong, used, expired or
 * another app's code), 503 when Alipay blames the service's setup or is down (20000 isp.unknow-error).
 */
function fromAlipayError(code: string | undefined, subCode: string | undefined): ApiError {
  const setup = subCode !== undefined && SETUP_SUB_CODE.test(subCode);
  if (!setup && (code === '40002' || code === '40004')) {
    return new ApiError(
      401,
      'ALIPAY_CODE_INVALID',
      'The Alipay auth code is invalid, expired or already used; call my.getAuthCode again',
    );
  }
  if (setup || code === '40001' || code === '40006' || code === '20001') {
    return new ApiError(
      503,
      'ALIPAY_UNAVAILABLE',
      'Alipay rejected the service credentials (check ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY and the app key in the Alipay console)',
    );
  }
  return unavailable();
}

function unavailable(): ApiError {
  return new ApiError(503, 'ALIPAY_UNAVAILABLE', 'Alipay login service is unavailable, please try again');
}

/** The JSON of a raw answer, or null. */
function parse(raw: string | undefined): Record<string, unknown> | null {
  if (raw === undefined) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Alipay sign-in through alipay-sdk: one client per service instance (it holds the parsed keys). */
export class AlipayAuth {
  private readonly sdk: AlipaySdk;

  constructor(config: AlipayConfig, timeoutMs = 5000) {
    this.sdk = new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey,
      keyType: 'PKCS8',
      signType: 'RSA2',
      alipayPublicKey: config.alipayPublicKey,
      gateway: config.gateway,
      timeout: timeoutMs,
    });
  }

  /**
   * Exchanges a my.getAuthCode code (grant_type authorization_code) for the user's identity. A success answer
   * must carry Alipay's valid signature; the access token it also carries is not kept (we need no user API).
   */
  async exchange(authCode: string, onFailure?: FailureLog): Promise<AlipayIdentity> {
    let result: Record<string, unknown>;
    try {
      // alipay.system.oauth.token takes grant_type and code as top-level parameters, not in biz_content.
      result = (await this.sdk.exec(
        OAUTH_TOKEN_METHOD,
        { grantType: 'authorization_code', code: authCode },
        { validateSign: true },
      )) as unknown as Record<string, unknown>;
    } catch (error) {
      throw fromThrown(error, onFailure);
    }
    const code = typeof result.code === 'string' ? result.code : undefined;
    const subCode = typeof result.subCode === 'string' ? result.subCode : undefined;
    if ((code !== undefined && code !== '10000') || subCode !== undefined) {
      onFailure?.('rejected', `code=${code ?? '?'} sub_code=${subCode ?? '?'}`);
      throw fromAlipayError(code, subCode);
    }
    if (typeof result.userId === 'string' && result.userId !== '')
      return { kind: 'user_id', value: result.userId };
    if (typeof result.openId === 'string' && result.openId !== '')
      return { kind: 'open_id', value: result.openId };
    onFailure?.('bad_answer', 'no user_id or open_id in the answer');
    throw unavailable();
  }
}

/** Maps what alipay-sdk threw; its messages quote URLs and answers, so they are never passed on or logged. */
function fromThrown(error: unknown, onFailure?: FailureLog): ApiError {
  if (!(error instanceof AlipayRequestError)) {
    onFailure?.('unreachable', error instanceof Error ? error.name : 'unknown');
    return unavailable();
  }
  const body = parse(error.responseDataRaw);
  if (body === null) {
    // No answer (refused, timed out, reset), an HTTP error status or a body that is not JSON.
    onFailure?.(error.responseDataRaw === undefined ? 'unreachable' : 'bad_answer', 'no JSON answer');
    return unavailable();
  }
  // alipay-sdk verifies an error_response against the success key and so always reports it as a bad signature.
  // An unverified error answer can only refuse this sign-in, never grant one: take its code.
  const answer = (body.error_response ?? body[RESPONSE_KEY]) as Record<string, unknown> | undefined;
  if (answer === undefined || answer === null || typeof answer !== 'object') {
    onFailure?.('bad_answer', 'neither error_response nor the method response in the answer');
    return unavailable();
  }
  const code = typeof answer.code === 'string' ? answer.code : undefined;
  const subCode = typeof answer.sub_code === 'string' ? answer.sub_code : undefined;
  if (code !== undefined && code !== '10000') {
    onFailure?.('rejected', `code=${code} sub_code=${subCode ?? '?'}`);
    return fromAlipayError(code, subCode);
  }
  // A success answer whose signature does not verify: a wrong ALIPAY_PUBLIC_KEY, or not Alipay answering.
  onFailure?.('bad_signature', "the answer's signature does not verify with ALIPAY_PUBLIC_KEY");
  return new ApiError(
    503,
    'ALIPAY_UNAVAILABLE',
    "Alipay's answer could not be verified (check ALIPAY_PUBLIC_KEY: Alipay's public key, not the app's)",
  );
}
