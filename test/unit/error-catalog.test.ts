/** The error catalog: every code a user can meet reads as Chinese with an action; unknown codes still name the code. */
import {
  ACTION_TEXT,
  ERROR_CATALOG,
  KICKOUT_CODES,
  describeError,
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
