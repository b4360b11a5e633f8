/** The store built once over an engine: each repository written once, over the query builder. */
import { defaultRandom, newUserId } from '../lib/ids';
import type { Engine } from './engine';
import { chatRepository } from './repos/chat';
import { cohostRepository } from './repos/cohosts';
import { invitationRepository } from './repos/invitations';
import { inviteRepository } from './repos/invites';
import {
  auditRepository,
  operatorRepository,
  problemReportRepository,
  wallRepository,
} from './repos/operators';
import { callbackNonceRepository, reminderRepository } from './repos/reminders';
import { recordingRepository, rtmpRepository } from './repos/replays';
import { roomRepository } from './repos/rooms';
import { socialRepository } from './repos/social';
import { giftRepository } from './repos/gifts';
import { statsRepository, viewerRepository } from './repos/stats';
import { sessionRepository, userRepository } from './repos/users';
import type { Store } from './types';

/** Options both engines take; newUserId lets tests make user IDs deterministic. */
export interface StoreOptions {
  newUserId?: () => string;
}

/** The Store over an engine whose database is migrated. */
export function buildStore(engine: Engine, options: StoreOptions = {}): Store {
  const profileId = options.newUserId ?? ((): string => newUserId(defaultRandom));
  return {
    users: userRepository(engine, profileId),
    sessions: sessionRepository(engine),
    rooms: roomRepository(engine),
    invites: inviteRepository(engine),
    stats: statsRepository(engine),
    viewers: viewerRepository(engine),
    cohosts: cohostRepository(engine),
    callbackNonces: callbackNonceRepository(engine),
    chat: chatRepository(engine),
    reminders: reminderRepository(engine),
    recordings: recordingRepository(engine),
    rtmp: rtmpRepository(engine),
    social: socialRepository(engine),
    gifts: giftRepository(engine),
    invitations: invitationRepository(engine),
    operators: operatorRepository(engine),
    audit: auditRepository(engine),
    wall: wallRepository(engine),
    reports: problemReportRepository(engine),
    ping: () => engine.ping(),
    close: () => engine.close(),
  };
}
