/** The constants and types the pages and tests read from the live session, in one list (live-session.ts re-exports it). */
export {
  FLUSH_INTERVAL_MS,
  LIKE_SEND_INTERVAL_MS,
  SLOW_INTERVAL_MS,
  USERS_WINDOW,
  decodeLikes,
  encodeLikes,
  toQualityView,
} from './room-feed';
export type { LikePayload } from './room-feed';
export { NOTICE_MS } from './session-status';
export { RECONNECT_BACKOFF_MS, BackoffPolicy } from './recovery';
export type { ReconnectPolicy } from './recovery';
export { STATS_INTERVAL_MS } from './room-report';
export { TOKEN_RENEW_RETRIES, TOKEN_RETRY_MS } from './token-renewal';
export { CHAT_MAX_LENGTH } from '@zego-live/contract';
export { COHOST_HEARTBEAT_MS } from './cohost-stage';
export { COHOST_TEXT } from './cohost-text';
export { COHOST_GRACE_MS, type CohostTile, type CohostTileView } from './cohost-tiles';
export type { StartOptions } from './room-entry';

export type { LiveSessionDeps } from './session-core';
