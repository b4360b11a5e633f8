/**
 * A database with a row in every table, and everything the Store interface reads back from it. The fixtures in
 * test/fixtures/ were made with this seed by the store as it was before the one-store rewrite (see their README);
 * the migration test reads them with today's store and compares the snapshot.
 */
import { eventCounts, noCounts } from '../../src/counters/counts';
import type { Room, Store } from '../../src/store/types';

/** The fixed clock of the seed (2026-12-01 10:00 UTC). */
export const SEED_T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
/** Session hashes the seed signs in (they live for ten years). */
export const SEED_SESSIONS = { anchor: 'hash-anchor', viewer: 'hash-viewer', revoked: 'hash-revoked' };
/** Room IDs of the seed. */
export const SEED_ROOMS = {
  live: 'rlive0001',
  planned: 'rplan0002',
  unowned: 'rfree0003',
  claimed: 'rclaim0004',
  ended: 'rend0005',
  call: 'rcall0006',
};

const YEARS_10 = 10 * 365 * 86_400_000;

/** Deterministic user IDs for a store's `newUserId` option. */
export function seedUserIds(): () => string {
  let n = 0;
  return () => `useed${(n += 1).toString().padStart(4, '0')}`;
}

function room(id: string, overrides: Partial<Room> = {}): Room {
  return {
    id,
    title: `房间 ${id}`,
    kind: 'live',
    status: 'idle',
    ownerId: null,
    streamId: `${id}_main`,
    createdAt: SEED_T0,
    startedAt: null,
    endedAt: null,
    stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
    plannedStartAt: null,
    coverUrl: null,
    liveMs: 0,
    liveSince: null,
    ...overrides,
  };
}

/** Writes one of everything through the Store interface. */
export async function seedEverything(store: Store): Promise<void> {
  const t = (ms: number): number => SEED_T0 + ms;
  const anchor = await store.users.upsertDev('anchor', t(0));
  const viewer = await store.users.upsertDev('viewer', t(1));
  const wechat = await store.users.upsertByOpenid(
    'openid-w',
    { nickname: '微信', avatarUrl: 'https://a/w.png' },
    t(2),
  );
  const alipay = await store.users.upsertByOpenid('alipay:2088', { nickname: '支付宝' }, t(3));
  await store.users.setAvatar(viewer.id, '/avatars/viewer.png');
  await store.sessions.create(SEED_SESSIONS.anchor, anchor.id, t(10), t(YEARS_10));
  await store.sessions.create(SEED_SESSIONS.viewer, viewer.id, t(11), t(YEARS_10));
  await store.sessions.create(SEED_SESSIONS.revoked, wechat.id, t(12), t(YEARS_10));
  await store.sessions.revoke(SEED_SESSIONS.revoked, t(13));

  await store.rooms.create(room(SEED_ROOMS.live, { ownerId: anchor.id, createdAt: t(20) }));
  await store.rooms.setStatus(SEED_ROOMS.live, 'live', t(1_000));
  await store.rooms.heartbeat(SEED_ROOMS.live, t(2_000));
  await store.rooms.create(room(SEED_ROOMS.planned, { ownerId: anchor.id, createdAt: t(21) }));
  await store.rooms.updatePlan(SEED_ROOMS.planned, {
    plannedStartAt: t(3_600_000),
    coverUrl: '/covers/p.png',
  });
  await store.rooms.create(room(SEED_ROOMS.unowned, { createdAt: t(22) }));
  await store.invites.create({
    code: 'INVITEFREE',
    roomId: SEED_ROOMS.unowned,
    createdAt: t(22),
    expiresAt: t(YEARS_10),
    usedAt: null,
    usedBy: null,
  });
  await store.rooms.create(room(SEED_ROOMS.claimed, { createdAt: t(23) }));
  await store.invites.create({
    code: 'INVITEUSED',
    roomId: SEED_ROOMS.claimed,
    createdAt: t(23),
    expiresAt: t(YEARS_10),
    usedAt: null,
    usedBy: null,
  });
  await store.invites.claim(SEED_ROOMS.claimed, 'INVITEUSED', wechat.id, t(30));
  await store.rooms.create(room(SEED_ROOMS.ended, { ownerId: wechat.id, createdAt: t(24) }));
  await store.rooms.setStatus(SEED_ROOMS.ended, 'live', t(100));
  await store.rooms.setStatus(SEED_ROOMS.ended, 'paused', t(700));
  await store.rooms.setStatus(SEED_ROOMS.ended, 'ended', t(900));
  await store.rooms.create(
    room(SEED_ROOMS.call, { kind: 'call', ownerId: wechat.id, createdAt: t(25) }),
    'call_w',
  );
  await store.rooms.joinCall(SEED_ROOMS.call, alipay.id, 'call_a', t(40));
  await store.rooms.memberHeartbeat(SEED_ROOMS.call, alipay.id, t(50));

  await store.stats.add(SEED_ROOMS.live, eventCounts({ kind: 'viewers', viewers: 7, at: t(60_000) }), 0);
  await store.stats.add(SEED_ROOMS.live, eventCounts({ kind: 'viewers', viewers: 4, at: t(120_000) }), 0);
  await store.stats.add(SEED_ROOMS.live, { ...noCounts(), likes: 5 }, 0);
  await store.viewers.record(SEED_ROOMS.live, viewer.id, t(61_000), t(1_000));
  await store.cohosts.request(SEED_ROOMS.live, viewer.id, t(70_000), 3);
  await store.cohosts.accept(SEED_ROOMS.live, viewer.id, t(71_000), t(0), 3);
  await store.cohosts.setStreamForbidden(SEED_ROOMS.live, viewer.id, true);
  await store.cohosts.request(SEED_ROOMS.live, wechat.id, t(72_000), 3);
  await store.cohosts.setMix(SEED_ROOMS.live, 'rlive0001_mix', t(73_000));

  await store.chat.setCommentsOff(SEED_ROOMS.live, true);
  await store.chat.mute(SEED_ROOMS.live, wechat.id, t(YEARS_10));
  await store.chat.remove(SEED_ROOMS.live, alipay.id, t(80_000));
  await store.chat.record({
    roomId: SEED_ROOMS.live,
    action: 'mute',
    actorKind: 'anchor',
    actorId: anchor.id,
    targetId: wechat.id,
    until: t(YEARS_10),
    detail: null,
    at: t(80_001),
  });
  await store.chat.record({
    roomId: SEED_ROOMS.live,
    action: 'held',
    actorKind: 'content_check',
    actorId: null,
    targetId: viewer.id,
    until: null,
    detail: '违规 (risky)',
    at: t(80_002),
  });
  await store.chat.keepLine(
    { roomId: SEED_ROOMS.live, userId: viewer.id, nickname: 'viewer', text: '你好', sentAt: t(81_000) },
    50,
  );
  await store.chat.keepLine(
    { roomId: SEED_ROOMS.live, userId: wechat.id, nickname: '微信', text: 'hi 👋', sentAt: t(82_000) },
    50,
  );
  await store.stats.add(SEED_ROOMS.live, { ...noCounts(), messages: 1 }, 0);

  await store.reminders.subscribe(SEED_ROOMS.planned, viewer.id, t(90_000));
  await store.reminders.subscribe(SEED_ROOMS.planned, wechat.id, t(90_001));
  await store.reminders.subscribe(SEED_ROOMS.live, wechat.id, t(90_002));
  await store.reminders.claimPending(SEED_ROOMS.live, t(91_000), t(0));
  await store.reminders.finish(
    SEED_ROOMS.live,
    wechat.id,
    { state: 'refused', errcode: 43101, attempts: 1 },
    t(92_000),
  );
  await store.callbackNonces.claim('nonce-seen', t(95_000), 0);
}

/** Everything the Store reads back of the seed (plain JSON, so a file can hold it). */
export async function snapshot(store: Store): Promise<Record<string, unknown>> {
  const t = (ms: number): number => SEED_T0 + ms;
  const ids = Object.values(SEED_ROOMS);
  const users = await Promise.all(
    ['anchor', 'viewer'].map((name) => store.users.upsertDev(name, t(999_999))),
  );
  const [anchor, viewer] = users;
  const tokenAsks = Object.values(SEED_SESSIONS).flatMap((tokenHash) =>
    ids.map((roomId) => ({ tokenHash, roomId, now: t(100_000) })),
  );
  return {
    rooms: await Promise.all(ids.map((id) => store.rooms.get(id))),
    byStream: await store.rooms.findByStreamId('rlive0001_main'),
    list: await store.rooms.list({ limit: 10 }),
    lobby: await store.rooms.list({ limit: 10, lobby: true }),
    members: await store.rooms.members(SEED_ROOMS.call),
    tokenFacts: await store.rooms.getForSessions(tokenAsks),
    sessionUser: await store.sessions.findUser(SEED_SESSIONS.anchor, t(100_000)),
    users: await store.users.getMany(users.map((u) => u.id)),
    openid: await Promise.all(users.map((u) => store.users.wechatOpenid(u.id))),
    invite: await store.invites.activeForRoom(SEED_ROOMS.unowned, t(100_000)),
    series: await store.stats.series(SEED_ROOMS.live, 10),
    viewers: await store.viewers.list(SEED_ROOMS.live, 10),
    cohosts: await store.cohosts.list(SEED_ROOMS.live, t(0)),
    cohostOfViewer: await store.cohosts.get(SEED_ROOMS.live, viewer.id),
    mix: await store.cohosts.mix(SEED_ROOMS.live),
    standing: await Promise.all(
      (await store.users.getMany([anchor.id, viewer.id])).map((u) =>
        store.chat.standing(SEED_ROOMS.live, u.id, t(100_000)),
      ),
    ),
    commentsOff: await store.chat.commentsOff(SEED_ROOMS.live),
    log: await store.chat.log(null, 10),
    lines: await store.chat.recentLines(SEED_ROOMS.live, 10),
    mutes: await store.chat.runningMutes(SEED_ROOMS.live, t(100_000)),
    reminderOfViewer: await store.reminders.get(SEED_ROOMS.planned, viewer.id),
    reminderCounts: [
      await store.reminders.counts(SEED_ROOMS.planned),
      await store.reminders.counts(SEED_ROOMS.live),
    ],
    nonceSeenAgain: await store.callbackNonces.claim('nonce-seen', t(100_000), 0),
  };
}
