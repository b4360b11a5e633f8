/**
 * The load side of the service bench: what one autocannon process is asked to do and how it runs (in its own
 * process, bench/service.ts --cannon <file>), saturating with autocannon or paced evenly by bench/paced.ts.
 */
import { paced } from './paced';
import type { CannonResult } from './service-table';

// autocannon ships no types; this is the part of its API the bench uses.
interface CannonRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: CannonRequest) => CannonRequest;
}
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  pipelining?: number;
  requests: CannonRequest[];
}) => Promise<CannonResult>;

/** What one autocannon process is asked to do (bench/service.ts --cannon <file>). */
export interface CannonJob {
  url: string;
  route: RouteName;
  roomId: string;
  sessions: string[];
  connections: number;
  duration: number;
  overallRate?: number;
  /** First octet of this process's client addresses: no two processes (or requests) share one. */
  block: number;
}

/** The hot room's routes (bench/hot-room.ts) besides the service bench's three. */
export type RouteName = 'health' | 'list' | 'token' | 'likes' | 'chat';
export const ROUTES: Array<{ name: RouteName; label: string }> = [
  { name: 'health', label: 'GET /healthz' },
  { name: 'list', label: 'GET /api/rooms?status=live (20 rooms)' },
  { name: 'token', label: 'POST /api/rooms/:id/token (audience)' },
];

const ROUTE_PATHS: Record<RouteName, (roomId: string) => string> = {
  health: () => '/healthz',
  list: () => '/api/rooms?status=live',
  token: (roomId) => `/api/rooms/${roomId}/token`,
  likes: (roomId) => `/api/rooms/${roomId}/likes`,
  chat: (roomId) => `/api/rooms/${roomId}/messages`,
};

/** What each route's requests carry: a viewer's batch of likes, a chat line (none for the others). */
const ROUTE_BODIES: Partial<Record<RouteName, string>> = {
  likes: JSON.stringify({ count: 5 }),
  chat: JSON.stringify({ text: '主播好！' }),
};

/**
 * The headers of each next request of a job: a new client address every time; for a signed-in route (token, likes,
 * chat), the sessions in turn and wx.request's JSON type (a viewer's token request has no body, as the app sends it).
 */
function headersFor(job: CannonJob): () => Record<string, string> {
  let seq = 0;
  let session = 0;
  const client = (): string => {
    seq += 1;
    return `${job.block}.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;
  };
  if (job.route === 'health' || job.route === 'list') return () => ({ 'x-forwarded-for': client() });
  return () => {
    session = (session + 1) % job.sessions.length;
    return {
      'content-type': 'application/json',
      authorization: `Bearer ${job.sessions[session]}`,
      'x-forwarded-for': client(),
    };
  };
}

/** Runs inside the load process: every request a new client address, token requests over many sessions. */
export async function runCannon(job: CannonJob): Promise<CannonResult> {
  const method = job.route === 'health' || job.route === 'list' ? 'GET' : 'POST';
  const path = ROUTE_PATHS[job.route](job.roomId);
  const headers = headersFor(job);
  const body = ROUTE_BODIES[job.route];
  if (job.overallRate) {
    // The fixed offered rate: paced evenly, not autocannon's once-a-second burst (bench/paced.ts says why).
    const result = await paced(
      job.url,
      { method, path, headers, body },
      // A second of the same load first, not counted: the fresh load process compiles its code then.
      { rate: job.overallRate, seconds: job.duration, connections: job.connections, warmupSeconds: 1 },
    );
    return {
      requests: { average: result.rate, total: result.sent },
      latency: { p50: result.p50, p99: result.p99 },
      non2xx: result.failed,
      errors: 0,
      timeouts: 0,
    };
  }
  const request: CannonRequest = { method, path, body, setupRequest: (r) => ({ ...r, headers: headers() }) };
  const { url, connections, duration, overallRate } = job;
  return autocannon({
    url,
    connections,
    duration,
    requests: [request],
    ...(overallRate ? { overallRate } : {}),
  });
}
