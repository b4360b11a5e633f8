/**
 * The room's social side on a live page: the bound fields' first values (the announcement, the admins, the gifts;
 * liveFields keeps them current), the audience's gift panel (the catalogue, the viewer's points, 赠送 with its combo
 * ×N) and the 贡献榜 sheet both pages open. Banners and the full-screen effect only render what the store says.
 */
import type { GiftView, LeaderboardView } from '@zego-live/contract/schemas';
import type { GiftEffectView } from '../stores/gift-effects';
import type { GiftBanner } from '../stores/room-gifts';
import { liveSession } from '../stores/index';
import { fireAndForget, liveRoomOf } from './live-room';

const fire = fireAndForget('[gifts]');

/** The panel's choice and the sheets, shared by the anchor's and the audience's page. */
export const giftPanel = Behavior({
  data: {
    /** The pinned announcement ('' for none) and the admins' IDs as keys (their 房管 badge). */
    announcement: '',
    admins: {} as Record<string, true>,
    // The gifts (see liveFields).
    giftCatalogue: [] as GiftView[],
    points: null as number | null,
    giftPanelOpen: false,
    giftCombo: 0,
    giftBanners: [] as GiftBanner[],
    giftEffect: null as GiftEffectView | null,
    leaderboard: { givers: [], total: 0 } as LeaderboardView,
    /** The gift picked in the panel (0: none yet; the cheapest is picked when it opens). */
    giftPicked: 0,
    /** The 贡献榜 sheet is open. */
    leaderboardOpen: false,
  },
  methods: {
    onOpenGifts() {
      const first = liveSession.social.gifts.catalogue[0];
      if (!this.data.giftPicked && first) liveRoomOf(this)?.view.set({ giftPicked: first.id });
      liveSession.social.gifts.openPanel(true);
    },
    onCloseGifts() {
      liveSession.social.gifts.openPanel(false);
    },
    onPickGift(e: WechatMiniprogram.TouchEvent) {
      liveRoomOf(this)?.view.set({ giftPicked: Number(e.currentTarget.dataset.giftId) });
    },
    onSendGift() {
      const picked = this.data.giftPicked as number;
      if (picked) fire(liveSession.social.gifts.send(picked));
    },
    onOpenLeaderboard() {
      liveRoomOf(this)?.view.set({ leaderboardOpen: true });
    },
    onCloseLeaderboard() {
      liveRoomOf(this)?.view.set({ leaderboardOpen: false });
    },
  },
});
