/** The pictures' states of calling a person: the ring screen (called, calling, each outcome) and 通话记录. */
import type { InvitationState } from '@zego-live/contract';
import type { ApiInvitation } from '../../miniprogram/services/api';
import { callStore, userStore } from '../../miniprogram/stores/index';
import type { PageHarness } from '../helpers/page-harness';
import { PEOPLE, ROOM, type Rig } from './rig';
import type { PictureState } from './states';

const invitation = (state: InvitationState, media: 'video' | 'audio' = 'video'): ApiInvitation => ({
  id: 'c_1',
  state,
  media,
  caller: PEOPLE.caller,
  callee: PEOPLE.callee,
  roomId: 'call_1',
  ringUntil: Date.now() + 30_000,
});

/** Signs `who` in with no call of anyone before's left over. */
function as(rig: Rig, who: typeof PEOPLE.caller): void {
  callStore.reset();
  rig.signIn(who);
  userStore.restore();
}

/** The callee's phone rings. */
async function called(rig: Rig, media: 'video' | 'audio' = 'video'): Promise<PageHarness> {
  as(rig, PEOPLE.callee);
  callStore.receive({ type: 'call.invited', invitation: invitation('ringing', media) });
  return rig.open('ring');
}

/** The caller has placed the call. */
async function calling(rig: Rig, answer: InvitationState = 'ringing'): Promise<PageHarness> {
  as(rig, PEOPLE.caller);
  rig.api.callPerson.mockResolvedValue({ invitation: invitation(answer) });
  await callStore.call(PEOPLE.callee.id, 'video');
  return rig.open('ring');
}

/** An outcome arrives on the ring screen. */
async function ended(rig: Rig, page: PageHarness, state: InvitationState): Promise<PageHarness> {
  callStore.receive({ type: 'call.updated', invitation: invitation(state) });
  await rig.wait(0);
  return page;
}

const at = (hours: number, minutes: number, daysAgo = 0): number => {
  const when = new Date(Date.now());
  when.setDate(when.getDate() - daysAgo);
  when.setHours(hours, minutes, 0, 0);
  return when.getTime();
};

/** The ring screen's and the records page's states. */
export const CALLS_STATES: PictureState[] = [
  { name: 'ring-incoming-video', page: 'ring', arrange: (rig) => called(rig) },
  { name: 'ring-incoming-audio', page: 'ring', arrange: (rig) => called(rig, 'audio') },
  { name: 'ring-calling', page: 'ring', arrange: (rig) => calling(rig) },
  { name: 'ring-busy', page: 'ring', arrange: (rig) => calling(rig, 'busy') },
  { name: 'ring-no-answer', page: 'ring', arrange: async (rig) => ended(rig, await calling(rig), 'timeout') },
  { name: 'ring-declined', page: 'ring', arrange: async (rig) => ended(rig, await calling(rig), 'declined') },
  { name: 'ring-missed', page: 'ring', arrange: async (rig) => ended(rig, await called(rig), 'timeout') },
  {
    name: 'ring-cancelled',
    page: 'ring',
    arrange: async (rig) => ended(rig, await called(rig), 'cancelled'),
  },
  {
    name: 'ring-answered-elsewhere',
    page: 'ring',
    arrange: async (rig) => ended(rig, await called(rig), 'accepted'),
  },
  {
    name: 'calls-records',
    page: 'calls',
    arrange: async (rig) => {
      as(rig, PEOPLE.callee);
      const other = (nickname: string, id: string) => ({ id, nickname, avatarUrl: '' });
      rig.api.listCalls.mockResolvedValue({
        records: [
          {
            id: 'c5',
            direction: 'incoming',
            outcome: 'missed',
            media: 'video',
            other: PEOPLE.caller,
            at: at(11, 42),
            durationMs: null,
          },
          {
            id: 'c4',
            direction: 'outgoing',
            outcome: 'answered',
            media: 'audio',
            other: other('阿杰', 'u_j'),
            at: at(9, 5),
            durationMs: 754_000,
          },
          {
            id: 'c3',
            direction: 'outgoing',
            outcome: 'busy',
            media: 'video',
            other: other('小李', 'u_l'),
            at: at(21, 30, 1),
            durationMs: null,
          },
          {
            id: 'c2',
            direction: 'outgoing',
            outcome: 'no_answer',
            media: 'video',
            other: PEOPLE.caller,
            at: at(20, 12, 2),
            durationMs: null,
          },
          {
            id: 'c1',
            direction: 'incoming',
            outcome: 'declined',
            media: 'video',
            other: other('一个名字特别特别长的朋友', 'u_long'),
            at: at(8, 0, 3),
            durationMs: null,
          },
        ],
        nextCursor: null,
        unseenMissed: 1,
      });
      rig.api.markCallsSeen.mockResolvedValue({ unseenMissed: 0 });
      rig.api.config.mockResolvedValue({
        appID: 1,
        server: [],
        configured: true,
        authMode: 'wechat',
        callTemplateId: 'tmpl-missed',
      });
      const page = await rig.open('calls');
      await rig.wait(0);
      return page;
    },
  },
  {
    name: 'calls-empty',
    page: 'calls',
    arrange: async (rig) => {
      as(rig, PEOPLE.callee);
      rig.api.listCalls.mockResolvedValue({ records: [], nextCursor: null, unseenMissed: 0 });
      rig.api.config.mockResolvedValue({ appID: 1, server: [], configured: true, authMode: 'dev' });
      const page = await rig.open('calls');
      await rig.wait(0);
      return page;
    },
  },
  {
    name: 'calls-from-card',
    page: 'calls',
    arrange: async (rig) => {
      as(rig, PEOPLE.caller);
      rig.api.listCalls.mockResolvedValue({ records: [], nextCursor: null, unseenMissed: 0 });
      rig.api.newCallCard.mockResolvedValue({ card: 'card_1' });
      const page = await rig.open('calls', { card: 'card_2', from: PEOPLE.callee.id, name: '小红' });
      await rig.wait(0);
      return page;
    },
  },
  {
    name: 'rooms-missed-calls',
    page: 'rooms',
    arrange: async (rig) => {
      as(rig, PEOPLE.callee);
      rig.api.listLobby.mockResolvedValue({ rooms: [ROOM], nextCursor: null });
      rig.api.listCalls.mockResolvedValue({ records: [], nextCursor: null, unseenMissed: 3 });
      const page = await rig.open('rooms');
      await rig.wait(0);
      return page;
    },
  },
];
