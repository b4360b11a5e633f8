/**
 * The error catalog: every code a user can meet reads as Chinese with an action; unknown codes still name the code;
 * every code of the service (its runtime list) has a row, and no row outlives its code.
 */
import { ERROR_CODES } from '@zego-live/contract';
import { ApiError } from '../../miniprogram/services/api-client';
import {
  ACTION_TEXT,
  ERROR_CATALOG,
  KICKOUT_CODES,
  SERVICE_ERROR_CATALOG,
  describeError,
  describeServiceError,
  isKickout,
  TOKEN_CODES,
} from '../../miniprogram/utils/error-catalog';

const LISTED = [
  // SDK parameters
  1000014, 1000015, 1000016,
  // login / token
  1002005, 1002011, 1002012, 1002013, 1002033, 1102016, 1102018,
  // kicked out
  1002050, 63000001,
  // publish / play
  1003028, 1103001,
  // live-pusher
  -1301, -1302, -1305, -1306, -1307, -1308, -1309, 1021, 3001, 3002, 3003, 3004, 3005, 5000, 5001,
  // live-player
  -2301, -2302, 2101, 2102, 2103, 2104, 2105,
  // checkSystemRequirements
  10001, 10002,
];

const ACTIONS = Object.keys(ACTION_TEXT);
const CHINESE = /[\u4e00-\u9fa5]/;

describe('describeError', () => {
  it.each(LISTED)('%i has a Chinese message and an action', (code) => {
    const error = describeError(code);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(CHINESE);
    expect(ACTIONS).toContain(error.action);
  });

  it('every row of the table is well formed', () => {
    for (const [code, row] of Object.entries(ERROR_CATALOG)) {
      expect(Number.isInteger(Number(code))).toBe(true);
      expect(row.message).toMatch(CHINESE);
      expect(ACTIONS).toContain(row.action);
    }
  });

  it('maps the actions the user needs', () => {
    expect(describeError(10001).action).toBe('upgradeWechat');
    expect(describeError(10002).action).toBe('openSetting');
    expect(describeError(-1301).action).toBe('openSetting');
    expect(describeError(-1302).action).toBe('openSetting');
    expect(describeError(-1307).action).toBe('retry');
    expect(describeError(1002050).action).toBe('leave');
    expect(describeError(1002012).action).toBe('leave');
  });

  it('an unknown code falls back to a generic message that includes the code', () => {
    expect(describeError(4242424)).toEqual({
      code: 4242424,
      message: expect.stringContaining('4242424'),
      action: 'retry',
    });
    expect(describeError(4242424).message).toMatch(CHINESE);
  });

  it('knows kick-out and token codes', () => {
    for (const code of KICKOUT_CODES) expect(isKickout(code)).toBe(true);
    expect(isKickout(1002053)).toBe(false);
    expect(TOKEN_CODES).toContain(1102018);
    expect(TOKEN_CODES).not.toContain(1002031);
  });

  it('labels each action button in Chinese', () => {
    expect(ACTION_TEXT).toEqual({
      retry: '重试',
      openSetting: '去设置',
      upgradeWechat: '升级微信',
      leave: '离开',
      none: '',
    });
  });
});

describe("the service codes (the contract's ERROR_CODES)", () => {
  // The service's own list at run time: a code added there and not here (or left here after it went) fails.
  const catalogued = Object.keys(SERVICE_ERROR_CATALOG).sort();

  it('the catalog has a row for every code the service can answer', () => {
    const missing = ERROR_CODES.filter((code) => !catalogued.includes(code));
    expect(missing).toEqual([]);
  });

  it('the catalog has no row for a code the service does not have', () => {
    const extra = catalogued.filter((code) => !(ERROR_CODES as readonly string[]).includes(code));
    expect(extra).toEqual([]);
  });

  it.each([...ERROR_CODES])(
    '%s reads as Chinese with an action, and never as the service’s English',
    (code) => {
      const english = `Something went wrong with ${code}; see the service log`;
      const shown = describeServiceError(new ApiError(code, english, 400));
      expect(shown.code).toBe(code);
      expect(shown.message).toMatch(CHINESE);
      expect(shown.message).not.toMatch(/Something|went wrong|service log/);
      expect(shown.message).not.toContain(code);
      expect(ACTIONS).toContain(shown.action);
    },
  );

  it('an unknown code is read by its HTTP status, still in Chinese', () => {
    expect(describeServiceError(new ApiError('SOMETHING_NEW', 'New failure', 429))).toEqual({
      code: 'SOMETHING_NEW',
      message: SERVICE_ERROR_CATALOG.RATE_LIMITED.message,
      action: 'retry',
    });
    expect(describeServiceError(new ApiError('HTTP_502', '服务返回了错误（HTTP 502）', 502)).message).toBe(
      '服务暂时不可用，请稍后重试',
    );
    expect(describeServiceError(new ApiError('HTTP_500', '服务返回了错误（HTTP 500）', 500)).message).toBe(
      '服务出错了，请稍后重试',
    );
  });

  it('a network failure keeps the api-client’s Chinese text; a refinement and a lead word the call site', () => {
    const network = new ApiError('NETWORK', '连接不上直播服务，请检查网络后重试（request:fail）', 0);
    expect(describeServiceError(network)).toEqual({
      code: 'NETWORK',
      message: network.message,
      action: 'retry',
    });
    const forbidden = new ApiError('FORBIDDEN', 'Only the anchor of this room may do this', 403);
    expect(
      describeServiceError(forbidden, { refine: { FORBIDDEN: { message: '只有主播可以这样做' } } }),
    ).toEqual({
      code: 'FORBIDDEN',
      message: '只有主播可以这样做',
      action: SERVICE_ERROR_CATALOG.FORBIDDEN.action,
    });
    expect(describeServiceError(forbidden, { lead: '创建失败：' }).message).toBe(
      `创建失败：${SERVICE_ERROR_CATALOG.FORBIDDEN.message}`,
    );
  });

  it('what is not a service failure gets the call site’s fallback', () => {
    const fallback = { code: 'X', message: '加载失败', action: 'retry' as const };
    expect(describeServiceError(new Error('boom'), { fallback })).toBe(fallback);
    expect(describeServiceError(undefined).message).toMatch(CHINESE);
  });
});
