/**
 * Gifts in the room: the catalogue and this viewer's points (the gift panel), sending through the service (one
 * idempotency key per tap, kept for its retry, so a retried tap is never paid twice), and what the room's gifts look
 * like on screen: a chat line each, a slide-in banner for small gifts that counts a combo (×N), the full-screen
 * effect for big ones (one at a time, gift-effects.ts), and the room's 贡献榜. Gifts arrive in the room feed's
 * flush, so they cost no render of their own.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { GiftContent } from '@zego-live/contract';
import type { GiftView, LeaderboardView } from '@zego-live/contract/schemas';
import { ApiError } from '../../services/api-client';
import { describeServiceError } from '../../utils/error-catalog';
import type { ChatLine } from '../../stores/session-types';
import { EffectQueue, type GiftEffectView } from './gift-effects';
import type { SessionContext } from './session-context';
import type { SessionStatus } from './session-status';

/** A banner stays this long after its last gift; the same giver's same gift within it adds to its combo. */
export const BANNER_MS = 3000;
/** At most this many banners on screen (the newest). */
export const BANNERS_MAX = 2;
/** The 贡献榜 shows this many givers on the live screen. */
export const GIVERS_SHOWN = 3;

/** A slide-in banner: who sent what, and the combo so far. */
export interface GiftBanner {
  key: string;
  nickname: string;
  giftName: string;
  iconUrl: string;
  combo: number;
  until: number;
}

/** A key for one tap's send (the service's pattern: letters, digits, - and _). */
const newKey = (): string => `g${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

/** The gift panel, the banners, the effect and the 贡献榜. */
export class RoomGifts {
  catalogue: GiftView[] = [];
  /** This viewer's points, once read. */
  points: number | null = null;
  panelOpen = false;
  /** The gift last sent from the panel and its combo (taps within BANNER_MS of each other). */
  combo: { giftId: number; count: number; until: number } | null = null;
  banners: GiftBanner[] = [];
  effect: GiftEffectView | null = null;
  leaderboard: LeaderboardView = { givers: [], total: 0 };
  private readonly effects = new EffectQueue((effect) => this.showEffect(effect));
  private bannerTimer: ReturnType<typeof setTimeout> | null = null;
  private comboTimer: ReturnType<typeof setTimeout> | null = null;
  private hidden = false;
  /** Big gifts that came while the page was hidden: shown as lines and counted, their effect skipped. */
  private readonly unseen = new Set<number>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly roomID: () => string,
  ) {
    makeAutoObservable<
      RoomGifts,
      'ctx' | 'status' | 'roomID' | 'effects' | 'bannerTimer' | 'comboTimer' | 'hidden' | 'unseen'
    >(
      this,
      {
        ctx: false,
        status: false,
        roomID: false,
        effects: false,
        bannerTimer: false,
        comboTimer: false,
        hidden: false,
        unseen: false,
      },
      { autoBind: true },
    );
  }

  /** Logged in: the catalogue and the 贡献榜 (everyone), our points (viewers); best effort. */
  async load(viewer: boolean): Promise<void> {
    const epoch = this.ctx.epoch;
    const { api } = this.ctx.deps;
    const [catalogue, board, points] = await Promise.allSettled([
      api.getGifts(),
      api.getLeaderboard(this.roomID()),
      viewer ? api.getPoints() : Promise.reject(new Error('the anchor sends no gifts')),
    ]);
    if (this.ctx.isStale(epoch)) return;
    this.loaded(
      catalogue.status === 'fulfilled' ? catalogue.value.gifts : null,
      board.status === 'fulfilled' ? board.value : null,
      points.status === 'fulfilled' ? points.value.balance : null,
    );
  }

  /** What load read, in one action (what failed stays as it was). */
  private loaded(catalogue: GiftView[] | null, board: LeaderboardView | null, points: number | null): void {
    if (catalogue) this.catalogue = catalogue;
    if (board) this.leaderboard = board;
    if (points !== null) this.points = points;
  }

  openPanel(open: boolean): void {
    this.panelOpen = open;
  }

  /** Sends one of a gift (a tap; taps in a row make a combo); false when the service refused it. */
  async send(giftId: number): Promise<boolean> {
    const gift = this.catalogue.find((g) => g.id === giftId);
    if (!gift) return false;
    if (this.points !== null && this.points < gift.price) {
      this.status.flash('积分不够了，明天会再送你一些');
      return false;
    }
    const epoch = this.ctx.epoch;
    const key = newKey();
    try {
      const answer = await this.sendOnce(giftId, key);
      if (!this.ctx.isStale(epoch)) this.sent(giftId, answer.balance);
      return true;
    } catch (error) {
      if (!this.ctx.isStale(epoch))
        this.status.flash(
          describeServiceError(error, {
            lead: '礼物没有送出：',
            fallback: { code: 'GIFT', message: '礼物没有送出：网络不可用', action: 'none' },
          }).message,
        );
      return false;
    }
  }

  /** The service took a tap: the points it left, and the combo goes on (or starts). */
  private sent(giftId: number, balance: number): void {
    this.points = balance;
    const now = Date.now();
    const going = this.combo !== null && this.combo.giftId === giftId && this.combo.until > now;
    this.combo = { giftId, count: going && this.combo ? this.combo.count + 1 : 1, until: now + BANNER_MS };
    if (this.comboTimer) clearTimeout(this.comboTimer);
    this.comboTimer = setTimeout(() => this.comboEnded(), BANNER_MS);
  }

  /** The combo's window closed: 赠送 again starts a new one. */
  private comboEnded(): void {
    this.comboTimer = null;
    this.combo = null;
  }

  /** One send; a network failure is retried once with the same key (the service makes it the same send). */
  private async sendOnce(giftId: number, key: string) {
    const { api } = this.ctx.deps;
    try {
      return await api.sendGift(this.roomID(), giftId, 1, key);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 0) throw error;
      return api.sendGift(this.roomID(), giftId, 1, key);
    }
  }

  /** Gifts as they arrive (before the feed holds them): those that come while hidden will play no effect. */
  arrived(gifts: GiftContent[]): GiftContent[] {
    if (this.hidden) for (const g of gifts) if (g.effect === 'fullscreen') this.unseen.add(g.i);
    return gifts;
  }

  /** One flush's gifts (in the feed's render): banners, effects, the 贡献榜; the chat lines they make. */
  apply(gifts: readonly GiftContent[]): ChatLine[] {
    const now = Date.now();
    let banners = this.banners;
    for (const g of gifts) {
      this.count(g);
      if (g.effect === 'fullscreen') {
        if (!this.unseen.delete(g.i))
          this.effects.add({ key: `e${g.i}`, nickname: g.n, giftName: g.name, iconUrl: g.icon, count: g.c });
        continue;
      }
      const key = `${g.u}:${g.g}`;
      const same = banners.find((b) => b.key === key && b.until > now);
      const combo = (same?.combo ?? 0) + g.c;
      const banner = { key, nickname: g.n, giftName: g.name, iconUrl: g.icon, combo, until: now + BANNER_MS };
      banners = [...banners.filter((b) => b.key !== key), banner].slice(-BANNERS_MAX);
    }
    if (banners !== this.banners) {
      this.banners = banners;
      this.scheduleBannerSweep();
    }
    return gifts.map((g) => ({
      id: `gift-${g.i}`,
      nickname: g.n,
      text: `送出 ${g.name} ×${g.c}`,
      kind: 'gift' as const,
      userID: g.u,
    }));
  }

  /** The 贡献榜 counts the gift at its catalogue price (the service's figure comes back on the next entry). */
  private count(g: GiftContent): void {
    const price = this.catalogue.find((c) => c.id === g.g)?.price ?? 0;
    if (price === 0) return;
    const points = price * g.c;
    const givers = this.leaderboard.givers.map((v) =>
      v.userId === g.u ? { ...v, points: v.points + points } : v,
    );
    if (!givers.some((v) => v.userId === g.u)) givers.push({ userId: g.u, nickname: g.n, points });
    givers.sort((a, b) => b.points - a.points);
    this.leaderboard = { givers, total: this.leaderboard.total + points };
  }

  /** The top givers the live screen shows. */
  get topGivers(): LeaderboardView['givers'] {
    return this.leaderboard.givers.slice(0, GIVERS_SHOWN);
  }

  private showEffect(effect: GiftEffectView | null): void {
    this.effect = effect;
  }

  /** One timer for the banners: at the first one's end, every banner that ended goes in one change. */
  private scheduleBannerSweep(): void {
    if (this.bannerTimer || this.banners.length === 0) return;
    const first = Math.min(...this.banners.map((b) => b.until));
    this.bannerTimer = setTimeout(() => this.sweepBanners(), Math.max(0, first - Date.now()));
  }

  private sweepBanners(): void {
    this.bannerTimer = null;
    const now = Date.now();
    const left = this.banners.filter((b) => b.until > now);
    if (left.length !== this.banners.length) this.banners = left;
    this.scheduleBannerSweep();
  }

  /** The page hid or showed: no effect plays while hidden (they are skipped, not saved up). */
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    this.effects.setHidden(hidden);
  }

  /** The visit ended: the effect and the banners go, their timers stop (the 贡献榜 stays for the end screen). */
  stop(): void {
    this.effects.clear();
    if (this.comboTimer) clearTimeout(this.comboTimer);
    this.comboTimer = null;
    this.combo = null;
    if (this.bannerTimer) clearTimeout(this.bannerTimer);
    this.bannerTimer = null;
    this.banners = [];
  }

  /** A new visit starts empty. */
  reset(): void {
    this.stop();
    this.unseen.clear();
    this.panelOpen = false;
    this.points = null;
    this.leaderboard = { givers: [], total: 0 };
  }
}
