/**
 * The ring screen and 通话记录 as a person uses them: an incoming call shows the caller and rings (the ringtone
 * looped, the phone vibrating) until accepted, declined or ended elsewhere; the caller's 「正在呼叫…」 and each
 * outcome in words; an accepted call opens the call page (audio-only when it is); the records list each call's
 * outcome, media, duration and time, tap to call back, the badge seen, the missed-call message asked for.
 */
import type { AppEvent, InvitationState } from '@zego-live/contract';
import { api, ApiError, type ApiInvitation } from '../../miniprogram/services/api';
import { OUTCOME_CLOSE_MS } from '../../miniprogram/utils/call-outcome';
import { callStore, userStore } from '../../miniprogram/stores/index';
import { installWxFakes, openPage, settle, type WxFakes } from '../helpers/page-harness';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());

const mockedApi = api as jest.Mocked<typeof api>;
const ANA = { id: 'u_ana', nickname: '小明', avatarUrl: '' };
const BO = { id: 'u_bo', nickname: '小红', avatarUrl: '' };

const invitation = (state: InvitationState, media: 'video' | 'audio' = 'video'): ApiInvitation => ({
  id: `c_${media}`,
  state,
  media,
  caller: ANA,
  callee: BO,
  roomId: 'r_call',
  ringUntil: Date.now() + 30_000,
});
const event = (type: 'call.invited' | 'call.updated', inv: ApiInvitation): AppEvent => ({
  type,
  invitation: inv,
});

let wxFakes: WxFakes;
const signInAs = (user: typeof ANA): void => {
  (userStore as unknown as { user: typeof ANA | null }).user = user;
};

beforeEach(() => {
  jest.useFakeTimers();
  wxFakes = installWxFakes();
});
afterEach(() => {
  callStore.hide();
  jest.useRealTimers();
});

describe('the ring screen, called', () => {
  it('shows the caller and rings until accepted; accepting opens the call page; the ring stops', async () => {
    signInAs(BO);
    callStore.receive(event('call.invited', invitation('ringing')));
    const page = await openPage('ring');
    expect(page.text('#peer-name')).toBe('小明');
    expect(page.text('#status')).toBe('邀请你视频通话');
    // The ringtone is the project's own tone, written once to the app's files: a WAV the phone can play.
    expect(wxFakes.audios[0]).toMatchObject({ src: 'wxfile://usr/ringtone.wav', playing: true });
    const wav = new Uint8Array(wxFakes.userFiles?.get('wxfile://usr/ringtone.wav') as ArrayBuffer);
    expect(String.fromCharCode(...wav.slice(0, 4), ...wav.slice(8, 12))).toBe('RIFFWAVE');
    expect(wav.length).toBe(44 + 4000);
    expect(Math.max(...wav.slice(44))).toBeGreaterThan(200);
    expect(wx.vibrateLong).toHaveBeenCalledTimes(1);
    // It rings again every 1.5 s: the tone and a buzz.
    jest.advanceTimersByTime(3000);
    expect(wx.vibrateLong).toHaveBeenCalledTimes(3);
    expect(wxFakes.audios[0].play).toHaveBeenCalledTimes(3);
    mockedApi.answerCall.mockResolvedValueOnce({ invitation: invitation('accepted') });
    await page.tap('#accept');
    await settle();
    expect(mockedApi.answerCall).toHaveBeenCalledWith('c_video', 'accept');
    expect(wxFakes.audios[0].playing).toBe(false);
    expect(wxFakes.redirectTo.mock.calls[0][0].url).toBe(
      '/pages/call/index?roomID=r_call&invitation=c_video&media=video',
    );
    page.unload();
  });

  it.each([
    ['cancelled', '对方已取消'],
    ['timeout', '未接来电'],
    ['accepted', '已在其他设备接听'],
  ] as const)(
    '%s while ringing: the ring stops, it reads %s, and the screen closes a moment later',
    async (state, text) => {
      signInAs(BO);
      callStore.receive(event('call.invited', invitation('ringing', 'audio')));
      const page = await openPage('ring');
      expect(page.text('#status')).toBe('邀请你语音通话');
      callStore.receive(event('call.updated', invitation(state, 'audio')));
      await settle();
      expect(page.text('#status')).toBe(text);
      expect(wxFakes.audios[0].playing).toBe(false);
      expect(page.exists('#accept')).toBe(false);
      jest.advanceTimersByTime(OUTCOME_CLOSE_MS);
      expect(wxFakes.navigateBack).toHaveBeenCalled();
      page.unload();
    },
  );

  it('declining says 已拒绝; hiding the page stops the ring', async () => {
    signInAs(BO);
    callStore.receive(event('call.invited', invitation('ringing')));
    const page = await openPage('ring');
    await page.hide();
    expect(wxFakes.audios[0].playing).toBe(false);
    await page.show();
    mockedApi.answerCall.mockResolvedValueOnce({ invitation: invitation('declined') });
    await page.tap('#decline');
    await settle();
    expect(page.text('#status')).toBe('已拒绝');
    page.unload();
  });
});

describe('the ring screen, calling', () => {
  it('「正在呼叫…」 with 取消; busy, no answer, declined and cancelled each read in words', async () => {
    signInAs(ANA);
    mockedApi.callPerson.mockResolvedValueOnce({ invitation: invitation('ringing') });
    await callStore.call(BO.id, 'video');
    const page = await openPage('ring');
    expect(page.text('#peer-name')).toBe('小红');
    expect(page.text('#status')).toBe('正在呼叫…');
    callStore.receive(event('call.updated', invitation('timeout')));
    await settle();
    expect(page.text('#status')).toBe('对方无应答');

    mockedApi.callPerson.mockResolvedValueOnce({ invitation: { ...invitation('busy'), id: 'c_busy' } });
    await callStore.call(BO.id, 'video');
    await settle();
    expect(page.text('#status')).toBe('对方忙线中');

    mockedApi.callPerson.mockResolvedValueOnce({ invitation: { ...invitation('ringing'), id: 'c_d' } });
    await callStore.call(BO.id, 'video');
    callStore.receive(event('call.updated', { ...invitation('declined'), id: 'c_d' }));
    await settle();
    expect(page.text('#status')).toBe('对方已拒绝');

    mockedApi.callPerson.mockResolvedValueOnce({ invitation: { ...invitation('ringing'), id: 'c_c' } });
    await callStore.call(BO.id, 'video');
    await settle();
    mockedApi.answerCall.mockResolvedValueOnce({ invitation: { ...invitation('cancelled'), id: 'c_c' } });
    await page.tap('#cancel');
    await settle();
    expect(mockedApi.answerCall).toHaveBeenCalledWith('c_c', 'cancel');
    expect(page.text('#status')).toBe('已取消');
    page.unload();
  });

  it('accepted by the callee: the caller goes into the call (audio-only for a voice call)', async () => {
    signInAs(ANA);
    mockedApi.callPerson.mockResolvedValueOnce({ invitation: invitation('ringing', 'audio') });
    await callStore.call(BO.id, 'audio');
    const page = await openPage('ring');
    callStore.receive(event('call.updated', invitation('accepted', 'audio')));
    await settle();
    expect(wxFakes.redirectTo.mock.calls[0][0].url).toContain('media=audio');
    page.unload();
  });

  it('a stranger cannot be called: the catalog says whom one may call', async () => {
    signInAs(ANA);
    mockedApi.callPerson.mockRejectedValueOnce(new ApiError('CALL_NOT_ALLOWED', 'You may call…', 403));
    await callStore.call('u_stranger', 'video');
    const page = await openPage('ring');
    expect(page.text('#status')).toBe('只能呼叫通话记录里的人，或分享「和我视频通话」给你的人');
    page.unload();
  });
});

describe('通话记录', () => {
  const at = new Date(Date.now()).setHours(9, 5, 0, 0);
  const records = [
    { id: 'c1', direction: 'incoming', outcome: 'missed', media: 'video', other: ANA, at, durationMs: null },
    {
      id: 'c2',
      direction: 'outgoing',
      outcome: 'answered',
      media: 'audio',
      other: ANA,
      at,
      durationMs: 95_000,
    },
  ] as const;

  it('lists outcome, media, duration and time; the badge is seen; tap calls back; the notice is asked for', async () => {
    signInAs(BO);
    mockedApi.listCalls.mockResolvedValueOnce({ records: [...records], nextCursor: null, unseenMissed: 1 });
    mockedApi.markCallsSeen.mockResolvedValueOnce({ unseenMissed: 0 });
    mockedApi.config.mockResolvedValueOnce({
      appID: 1,
      server: [],
      configured: true,
      authMode: 'wechat',
      callTemplateId: 'tmpl-missed',
    });
    const page = await openPage('calls');
    await settle();
    // A refused call earlier on the ring screen is not this page's failure.
    expect(page.exists('#error')).toBe(false);
    expect(page.text('#call-c1')).toContain('视频 · 未接来电');
    expect(page.text('#call-c1')).toContain('今天 09:05');
    expect(page.text('#call-c2')).toContain('语音 · 已接通 01:35');
    expect(mockedApi.markCallsSeen).toHaveBeenCalled();
    expect(callStore.unseenMissed).toBe(0);
    mockedApi.callPerson.mockResolvedValueOnce({ invitation: { ...invitation('ringing'), callee: ANA } });
    await page.tap('#call-c2');
    expect(mockedApi.callPerson).toHaveBeenCalledWith(ANA.id, 'audio', undefined);
    expect(wxFakes.navigateTo.mock.calls[0][0].url).toBe('/home/ring/index');
    page.unload();
  });

  it('my card is shared from here; a card I opened calls its sharer with the card', async () => {
    signInAs(BO);
    mockedApi.listCalls.mockResolvedValue({ records: [], nextCursor: null, unseenMissed: 0 });
    mockedApi.newCallCard.mockResolvedValueOnce({ card: 'card_bo' });
    const mine = await openPage('calls');
    await settle();
    const share = mine.call<{ title: string; path: string }>('onShareAppMessage');
    expect(share.title).toBe('和我视频通话');
    expect(share.path).toBe(
      `/pages/calls/index?card=card_bo&from=${BO.id}&name=${encodeURIComponent('小红')}`,
    );
    mine.unload();

    callStore.reset();
    signInAs(ANA);
    const opened = await openPage('calls', {
      card: 'card_bo',
      from: BO.id,
      name: encodeURIComponent('小红'),
    });
    await settle();
    expect(opened.text('#card-bar')).toContain('小红 邀请你视频通话');
    mockedApi.callPerson.mockResolvedValueOnce({ invitation: invitation('ringing') });
    await opened.tap('#call-card');
    expect(mockedApi.callPerson).toHaveBeenCalledWith(BO.id, 'video', 'card_bo');
    opened.unload();
  });

  it('no calls yet: says how to get one', async () => {
    signInAs(BO);
    mockedApi.listCalls.mockResolvedValueOnce({ records: [], nextCursor: null, unseenMissed: 0 });
    mockedApi.config.mockResolvedValueOnce({ appID: 1, server: [], configured: true, authMode: 'dev' });
    const page = await openPage('calls');
    await settle();
    expect(page.text('#empty')).toContain('还没有通话记录');
    expect(page.exists('#notice-bar')).toBe(false);
    page.unload();
  });
});
