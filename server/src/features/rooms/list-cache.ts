/** How long a page of the public room list is served from memory (ms): a room that goes live is listed within it. */
export const ROOM_LIST_CACHE_MS = 2000;
/** Most pages kept (a page is a status, cursor and limit); the oldest goes first. */
const MAX_PAGES = 256;

/**
 * The public room list (GET /api/rooms, the same for every caller) kept for ROOM_LIST_CACHE_MS per page, already
 * serialised: one database read and one serialisation per page per instance at most every 2 s, however many
 * viewers ask. Concurrent misses of one page share one read. Each instance keeps its own, so any instance lists a
 * change within the lifetime.
 */
export class RoomListCache {
  private readonly pages = new Map<string, { expiresAt: number; body: Promise<string> }>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs = ROOM_LIST_CACHE_MS,
  ) {}

  /** The page's body, from memory while fresh, else from load() (a failed load is not kept). */
  get(key: string, load: () => Promise<string>): Promise<string> {
    const now = this.now();
    const cached = this.pages.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.body;
    if (cached !== undefined) this.pages.delete(key);
    else if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value as string);
    const body = load();
    this.pages.set(key, { expiresAt: now + this.lifetimeMs, body });
    body.catch(() => {
      if (this.pages.get(key)?.body === body) this.pages.delete(key);
    });
    return body;
  }
}
