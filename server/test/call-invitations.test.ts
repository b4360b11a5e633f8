/**
 * Calling a person: an invitation rings every device of the callee through the event channel and ends in one
 * outcome both parties hear and both records keep: accepted (on one device of two), declined, cancelled, busy (two
 * callers at once), timeout (a fake clock; the missed-call message against the loopback WeChat fake). Only people in
 * one's records or who shared a card may be called.
 */
import { decodeToken04 } from './helpers/token04';
import { eventually, openEventSocket, describeTwoInstances, type EventSocket } from './helpers/event-socket';
import {
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { ENGINES } from './helpers/services';
import { startFakeWechat, type FakeWechat } from './helpers/wechat-fake';

const T0 = Date.UTC(2026, 11, 8, 2, 0, 0);
const RING_MS = 30_000;
const TEMPLATE_ID = 'missed-call-template-0001';

interface Person {
  token: string;
  userId: string;
}
interface InvitationBody {
  id: string;
  state: string;
  media: string;
  roomId: string;
  caller: { id: string; nickname: string };
  callee: { id: string };
}
interface RecordBody {
  id: string;
  direction: string;
  outcome: string;
  media: string;
  other: { id: string };
  at: number;
  durationMs: number | null;
}

const updated = (id: string, state: string) => (f: Record<string, unknown>) =>
  f.type === 'call.updated' &&
  (f.invitation as InvitationBody).id === id &&
  (f.invitation as InvitationBody).state === state;

for (const engine of ENGINES)
  engine.describe(`call invitations on ${engine.name}`, () => {
    const db = tempDbFile();
    let cleanup: () => Promise<void> = async () => undefined;
    let server: TestServer;
    let wechat: FakeWechat;
    let now = T0;
    let n = 0;
    const sockets: EventSocket[] = [];

    beforeAll(async () => {
      wechat = await startFakeWechat({ appid: WECHAT_APPID, secret: WECHAT_SECRET });
      wechat.templateId = TEMPLATE_ID;
      const opened = await engine.open();
      cleanup = opened.cleanup;
      server = await startServer(
        testConfig(db.file, {
          WECHAT_APPID,
          WECHAT_SECRET,
          WECHAT_API_BASE: wechat.url,
          WECHAT_CALL_TEMPLATE_ID: TEMPLATE_ID,
          AUTH_MODE: 'dev',
        }),
        { now: () => now, wechatTimeoutMs: 1000, store: opened.store },
      );
    });
    afterEach(async () => {
      await Promise.all(sockets.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await server.close();
      await wechat.close();
      await cleanup();
      db.cleanup();
    });

    const person = (name: string): Promise<Person> => devLogin(server, `${name}-${(n += 1)}`);
    const listen = async (who: Person): Promise<EventSocket> => {
      const socket = await openEventSocket(server.url, who.token);
      sockets.push(socket);
      return socket;
    };
    const card = async (sharer: Person): Promise<string> =>
      (await server.request<{ card: string }>('POST', '/api/calls/cards', { token: sharer.token })).body.card;
    /** caller calls callee through the callee's card. */
    const call = async (caller: Person, callee: Person, media = 'video', viaCard = true) =>
      server.request<{ invitation: InvitationBody; error?: { code: string } }>('POST', '/api/calls', {
        token: caller.token,
        body: { calleeId: callee.userId, media, ...(viaCard ? { card: await card(callee) } : {}) },
      });
    const move = (who: Person, id: string, what: string) =>
      server.request<{ invitation: InvitationBody; error?: { code: string; message: string } }>(
        'POST',
        `/api/calls/${id}/${what}`,
        { token: who.token },
      );
    const records = async (who: Person) =>
      (
        await server.request<{ records: RecordBody[]; unseenMissed: number; nextCursor: string | null }>(
          'GET',
          '/api/calls?limit=50',
          { token: who.token },
        )
      ).body;

    test('a stranger cannot be called; the sharer of a card can, and then either may call the other back', async () => {
      const [ana, bo] = [await person('ana'), await person('bo')];
      const refused = await call(ana, bo, 'video', false);
      expect([refused.status, refused.body.error?.code]).toEqual([403, 'CALL_NOT_ALLOWED']);
      // A card of someone else's does not let ana call bo.
      const other = await person('cy');
      const wrongCard = await server.request<{ error: { code: string } }>('POST', '/api/calls', {
        token: ana.token,
        body: { calleeId: bo.userId, media: 'video', card: await card(other) },
      });
      expect(wrongCard.body.error.code).toBe('CALL_NOT_ALLOWED');
      const rang = await call(ana, bo);
      expect(rang.body.invitation).toMatchObject({ state: 'ringing', media: 'video' });
      await move(ana, rang.body.invitation.id, 'cancel');
      // Now they have a record: bo calls ana back without a card.
      const back = await call(bo, ana, 'audio', false);
      expect(back.body.invitation).toMatchObject({ state: 'ringing', media: 'audio' });
      await move(bo, back.body.invitation.id, 'cancel');
    });

    test('answered on one of two devices: both stop ringing, the other device is told, both get their tokens', async () => {
      const [ana, bo] = [await person('ana'), await person('bo')];
      const anaPhone = await listen(ana);
      const boPhone = await listen(bo);
      const boPad = await listen({
        ...bo,
        token: (await devLogin(server, (await records(bo)) && `bo-${n}`)).token,
      });
      const { invitation } = (await call(ana, bo)).body;
      for (const device of [boPhone, boPad]) {
        const rung = await device.next((f) => f.type === 'call.invited');
        expect(rung.invitation).toMatchObject({
          id: invitation.id,
          media: 'video',
          caller: { id: ana.userId },
        });
      }
      const accepted = await move(bo, invitation.id, 'accept');
      expect(accepted.body.invitation.state).toBe('accepted');
      for (const device of [boPhone, boPad, anaPhone]) await device.next(updated(invitation.id, 'accepted'));
      // The pad answers too late: the invitation is already accepted (it shows 「已在其他设备接听」).
      const late = await move(bo, invitation.id, 'accept');
      expect([late.status, late.body.error?.code]).toEqual([409, 'INVITATION_ENDED']);
      expect(late.body.error?.message).toMatch(/accepted/);
      // Into the call room: each publishes its own stream only.
      for (const who of [ana, bo]) {
        const token = await server.request<{ token: string; streamID: string }>(
          'POST',
          `/api/rooms/${invitation.roomId}/token`,
          { token: who.token, body: { role: 'call' } },
        );
        expect(token.status).toBe(200);
        expect(JSON.parse(decodeToken04(token.body.token, ZEGO_SECRET).payload)).toMatchObject({
          stream_id_list: [`${invitation.roomId}_${who.userId}`],
        });
      }
      // A third person cannot answer someone else's call.
      expect((await move(await person('eve'), invitation.id, 'decline')).status).toBe(403);
      // Switching to audio mid-call: the other side hears it.
      await server.request('POST', `/api/calls/${invitation.id}/media`, {
        token: ana.token,
        body: { media: 'audio' },
      });
      expect(await boPhone.next((f) => f.type === 'call.media')).toEqual({
        type: 'call.media',
        roomId: invitation.roomId,
        media: 'audio',
        by: ana.userId,
      });
      // The call lasts 95 s: both records say answered, with the duration.
      now += 95_000;
      await server.request('POST', `/api/rooms/${invitation.roomId}/end`, { token: ana.token });
      const [mine, theirs] = [(await records(ana)).records[0], (await records(bo)).records[0]];
      expect(mine).toMatchObject({
        id: invitation.id,
        direction: 'outgoing',
        outcome: 'answered',
        durationMs: 95_000,
      });
      expect(theirs).toMatchObject({ direction: 'incoming', outcome: 'answered', other: { id: ana.userId } });
    });

    test('declined and cancelled: both parties hear it; the caller cannot decline nor the callee cancel', async () => {
      const [ana, bo] = [await person('ana'), await person('bo')];
      const anaPhone = await listen(ana);
      const boPhone = await listen(bo);
      const first = (await call(ana, bo)).body.invitation;
      expect((await move(ana, first.id, 'decline')).status).toBe(403);
      expect((await move(bo, first.id, 'decline')).body.invitation.state).toBe('declined');
      await anaPhone.next(updated(first.id, 'declined'));
      now += 1000;
      const second = (await call(ana, bo)).body.invitation;
      expect((await move(bo, second.id, 'cancel')).status).toBe(403);
      expect((await move(ana, second.id, 'cancel')).body.invitation.state).toBe('cancelled');
      await boPhone.next(updated(second.id, 'cancelled'));
      // The call rooms of calls that never happened are ended.
      const room = await server.request<{ room: { status: string } }>('GET', `/api/rooms/${second.roomId}`);
      expect(room.body.room.status).toBe('ended');
      // Records: the caller's side and the callee's (a cancelled call is missed for the callee: the badge).
      expect((await records(ana)).records.map((r) => r.outcome)).toEqual(['cancelled', 'declined']);
      const boRecords = await records(bo);
      expect(boRecords.records.map((r) => r.outcome)).toEqual(['missed', 'declined']);
      expect(boRecords.unseenMissed).toBe(1);
      await server.request('POST', '/api/calls/seen', { token: bo.token });
      expect((await records(bo)).unseenMissed).toBe(0);
    });

    test('two callers ring one callee at once: one rings, the other is told busy at once', async () => {
      const [ana, cy, bo] = [await person('ana'), await person('cy'), await person('bo')];
      const boCard = await card(bo);
      const both = await Promise.all(
        [ana, cy].map((caller) =>
          server.request<{ invitation: InvitationBody }>('POST', '/api/calls', {
            token: caller.token,
            body: { calleeId: bo.userId, media: 'video', card: boCard },
          }),
        ),
      );
      expect(both.map((a) => a.body.invitation.state).sort()).toEqual(['busy', 'ringing']);
      // And while bo is in the answered call, a third caller is busy too.
      const ringing = both.find((a) => a.body.invitation.state === 'ringing')!.body.invitation;
      await move(bo, ringing.id, 'accept');
      expect((await call(await person('di'), bo)).body.invitation.state).toBe('busy');
    });

    test('nobody answers: after CALL_RING_TIMEOUT_MS both hear the timeout and the callee gets 「未接来电」', async () => {
      const ana = await person('ana');
      const signedIn = await server.request<{ sessionToken: string; user: { id: string } }>(
        'POST',
        '/api/auth/wechat',
        {
          body: { code: `good-missed${n}`, nickname: '小波' },
        },
      );
      const bo = { token: signedIn.body.sessionToken, userId: signedIn.body.user.id };
      const config = await server.request<{ callTemplateId: string | null }>('GET', '/api/config');
      expect(config.body.callTemplateId).toBe(TEMPLATE_ID);
      const anaPhone = await listen(ana);
      const calledAt = new Date(now + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
      const { invitation } = (await call(ana, bo)).body;
      // A device that connects while it rings still rings.
      now += RING_MS - 1000;
      const boPhone = await listen(bo);
      await boPhone.next((f) => f.type === 'call.invited');
      now += 1000;
      await server.app.sweeper.sweep();
      await anaPhone.next(updated(invitation.id, 'timeout'));
      await boPhone.next(updated(invitation.id, 'timeout'));
      const late = await move(bo, invitation.id, 'accept');
      expect([late.status, late.body.error?.code]).toEqual([409, 'INVITATION_ENDED']);
      await eventually(() => wechat.sends.length === 1);
      expect(wechat.sends[0].body).toMatchObject({
        touser: `o-missed${n}`,
        template_id: TEMPLATE_ID,
        page: 'pages/calls/index',
        data: { thing1: { value: expect.stringContaining('ana') }, time2: { value: calledAt } },
      });
      expect((await records(ana)).records[0].outcome).toBe('no_answer');
      expect((await records(bo)).records[0]).toMatchObject({ outcome: 'missed', direction: 'incoming' });
    });

    test('an answer after the ring time is refused even before the sweep, and the timeout is announced', async () => {
      const [ana, bo] = [await person('ana'), await person('bo')];
      const anaPhone = await listen(ana);
      const { invitation } = (await call(ana, bo)).body;
      now += RING_MS;
      const late = await move(bo, invitation.id, 'accept');
      expect(late.body.error?.message).toMatch(/timeout/);
      await anaPhone.next(updated(invitation.id, 'timeout'));
    });
  });

describeTwoInstances('call-invitations.test.ts', 'a call across two instances', (servers) => {
  test('the caller on instance A rings the callee whose socket is on B; B’s accept reaches the caller on A', async () => {
    const ana = await devLogin(servers.a, 'ana-across');
    const bo = await devLogin(servers.b, 'bo-across');
    const anaSocket = await openEventSocket(servers.a.url, ana.token);
    const boSocket = await openEventSocket(servers.b.url, bo.token);
    const card = (await servers.b.request<{ card: string }>('POST', '/api/calls/cards', { token: bo.token }))
      .body.card;
    const rang = await servers.a.request<{ invitation: InvitationBody }>('POST', '/api/calls', {
      token: ana.token,
      body: { calleeId: bo.userId, media: 'audio', card },
    });
    await boSocket.next((f) => f.type === 'call.invited');
    await servers.b.request('POST', `/api/calls/${rang.body.invitation.id}/accept`, { token: bo.token });
    await anaSocket.next(updated(rang.body.invitation.id, 'accepted'));
    await Promise.all([anaSocket.close(), boSocket.close()]);
  });
});
