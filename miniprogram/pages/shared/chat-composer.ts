/**
 * The chat input of the live pages (the anchor's and the viewers'): the draft, and 发送 through the store, which
 * sends it to the service's chat route with the same limits for everyone (POST /api/rooms/:id/messages).
 * `anchorUserID` marks the anchor's lines 「主播」 on both pages.
 */
import { liveSession } from '../stores/index';
import { fireAndForget, liveRoomOf } from './live-room';

const fire = fireAndForget('[chat]');

/** The draft and its send, shared by the anchor's and the audience's page. */
export const chatComposer = Behavior({
  data: {
    /** What the user is typing. */
    draft: '',
    /** The room's anchor (their lines show 「主播」); '' until known. */
    anchorUserID: '',
  },
  methods: {
    onDraftInput(e: WechatMiniprogram.Input) {
      liveRoomOf(this)?.view.set({ draft: e.detail.value });
    },
    onSendChat() {
      const text = (this.data.draft as string).trim();
      if (!text) return;
      fire(liveSession.sendChat(text));
      liveRoomOf(this)?.view.set({ draft: '' });
    },
  },
});
