/**
 * Sign in and pick a room: nickname, avatar (chooseAvatar), role (主播/观众) and room ID. An anchor without a room
 * creates one. Validates the room ID before going anywhere; after signing in, goes to the anchor or audience page
 * (or back to the page that sent the user here, `redirect`).
 */
import { roomDirectory, userStore } from '../../stores/index';
import { isUnauthorized } from '../../stores/rooms';
import { isLocalAvatar, type ApiUser } from '../../stores/user';
import type { Role, SessionError } from '../../stores/session-types';
import { describeServiceError } from '../../utils/error-catalog';
import { validateRoomID } from '../../utils/validate';
import { PageView, forwardPageLifetimes } from '../shared/view-port';

/** UserStore fields this page renders (data key -> store field). */
const FIELDS = { user: 'user', signingIn: 'signingIn', signInError: 'error' } as const;

interface PageState {
  view: PageView<typeof userStore>;
  /** Where to go after signing in (only our own pages). */
  redirect: string | null;
}

const pages = new WeakMap<object, PageState>();

/** Only paths of this mini-program's pages are followed after sign-in. */
const safeRedirect = (value: string | undefined): string | null => {
  if (!value) return null;
  let path: string;
  try {
    path = decodeURIComponent(value);
  } catch {
    return null;
  }
  return /^\/pages\/(anchor|audience|rooms|call)\/index(\?[A-Za-z0-9_\-=&%.~]*)?$/.test(path) ? path : null;
};

Component({
  data: {
    // Bound from the user store.
    user: null as ApiUser | null,
    signingIn: false,
    signInError: null as SessionError | null,
    // The form.
    nickname: '',
    avatarUrl: '',
    role: 'audience' as Role,
    roomID: '',
    title: '',
    nicknameError: '',
    roomIDError: '',
    createError: '',
    creating: false,
    /** A planned start for the new room (picker values, local time): date 'YYYY-MM-DD', time 'HH:mm'; '' = now. */
    plannedDate: '',
    plannedTime: '',
    /** The chosen cover's local path ('' = none). */
    coverPath: '',
  },

  lifetimes: {
    created() {
      pages.set(this, { view: new PageView(this, userStore, FIELDS), redirect: null });
    },
    attached() {
      pages.get(this)?.view.attach();
    },
    detached() {
      pages.get(this)?.view.destroy();
    },
  },

  pageLifetimes: forwardPageLifetimes(),

  methods: {
    onShow() {
      pages.get(this)?.view.show();
    },
    onHide() {
      pages.get(this)?.view.hide();
    },

    /** `roomID` and `role` prefill the form; `redirect` is where to go back after signing in. */
    onLoad(query: Record<string, string | undefined>) {
      const state = pages.get(this);
      if (!state) return;
      state.redirect = safeRedirect(query?.redirect);
      if (!userStore.user) userStore.restore();
      state.view.set({
        roomID: query?.roomID && !validateRoomID(query.roomID) ? query.roomID : '',
        role: query?.role === 'anchor' ? 'anchor' : 'audience',
        nickname: userStore.user?.nickname ?? '',
        avatarUrl: userStore.user?.avatarUrl ?? '',
      });
    },

    onChooseAvatar(e: WechatMiniprogram.CustomEvent<{ avatarUrl: string }>) {
      this.setForm({ avatarUrl: e.detail.avatarUrl });
    },
    onNicknameInput(e: WechatMiniprogram.Input) {
      this.setForm({ nickname: e.detail.value, nicknameError: '' });
    },
    /** type="nickname" inputs report WeChat's nickname on blur. */
    onNicknameBlur(e: WechatMiniprogram.InputBlur) {
      if (e.detail.value !== this.data.nickname)
        this.setForm({ nickname: e.detail.value, nicknameError: '' });
    },
    onRoleChange(e: WechatMiniprogram.RadioGroupChange) {
      this.setForm({
        role: e.detail.value === 'anchor' ? 'anchor' : 'audience',
        roomIDError: '',
        createError: '',
      });
    },
    onRoomIDInput(e: WechatMiniprogram.Input) {
      this.setForm({ roomID: e.detail.value.trim(), roomIDError: '' });
    },
    onTitleInput(e: WechatMiniprogram.Input) {
      this.setForm({ title: e.detail.value });
    },

    onPlannedDateChange(e: WechatMiniprogram.PickerChange) {
      this.setForm({ plannedDate: String(e.detail.value), createError: '' });
    },
    onPlannedTimeChange(e: WechatMiniprogram.PickerChange) {
      this.setForm({ plannedTime: String(e.detail.value), createError: '' });
    },
    /** 选择封面: one photo from the album or the camera (uploaded once the room exists). */
    async onChooseCover() {
      const path = await roomDirectory.pickCover();
      if (path) this.setForm({ coverPath: path });
    },

    setForm(data: Record<string, unknown>) {
      pages.get(this)?.view.set(data);
    },

    /**
     * Signs in unless the same user already is, and uploads a newly chosen avatar; false (with the error on
     * screen) when the sign-in fails. A failed avatar upload only toasts: the user goes on without it.
     */
    async ensureSignedIn(): Promise<boolean> {
      const nickname = this.data.nickname.trim();
      if (!nickname) {
        this.setForm({ nicknameError: '请输入昵称' });
        return false;
      }
      const avatarUrl = this.data.avatarUrl;
      if (userStore.user && userStore.user.nickname === nickname) {
        if (isLocalAvatar(avatarUrl)) await userStore.uploadAvatar(avatarUrl);
      } else if (!(await userStore.signIn(nickname, avatarUrl))) {
        return false;
      }
      if (userStore.avatarError) {
        wx.showToast({ title: userStore.avatarError.message, icon: 'none', duration: 2500 });
      } else if (isLocalAvatar(avatarUrl) && userStore.user) {
        // Uploaded: the service's URL replaces the temp file, so entering again does not upload again.
        this.setForm({ avatarUrl: userStore.user.avatarUrl });
      }
      return true;
    },

    /** 进入房间: validate the room ID (the error shows under the field), sign in, open the room. */
    async onEnter() {
      const invalid = validateRoomID(this.data.roomID);
      const nicknameError = this.data.nickname.trim() ? '' : '请输入昵称';
      this.setForm({ roomIDError: invalid ? invalid.message : '', nicknameError });
      if (invalid || nicknameError) return;
      if (!(await this.ensureSignedIn())) return;
      const redirect = pages.get(this)?.redirect;
      if (redirect) {
        wx.redirectTo({ url: redirect });
        return;
      }
      wx.navigateTo({ url: `/pages/${this.data.role}/index?roomID=${encodeURIComponent(this.data.roomID)}` });
    },

    /**
     * 创建房间 (anchor): a new room owned by the signed-in user (planned, with its cover, when chosen), then its
     * anchor page. A cover that fails to upload only toasts: the room is there.
     */
    async onCreateRoom() {
      if (this.data.creating) return;
      const planned = plannedStartOf(this.data.plannedDate, this.data.plannedTime);
      if (planned === 'past') {
        this.setForm({ createError: '开播时间需要晚于现在' });
        return;
      }
      if (!(await this.ensureSignedIn())) return;
      const title = this.data.title.trim() || `${this.data.nickname.trim()}的直播间`;
      this.setForm({ creating: true, createError: '' });
      try {
        const room = await roomDirectory.createRoom(title, planned ?? undefined);
        if (this.data.coverPath) {
          await roomDirectory.uploadCover(room.id, this.data.coverPath).catch(() => {
            wx.showToast({ title: '封面上传失败，可稍后再试', icon: 'none', duration: 2500 });
          });
        }
        this.setForm({ creating: false });
        wx.navigateTo({ url: `/pages/anchor/index?roomID=${encodeURIComponent(room.id)}` });
      } catch (error) {
        this.setForm({ creating: false, createError: createFailure(error) });
      }
    },

    /** 发起视频通话: a new call owned by the signed-in user, then its call page (with the invite card to share). */
    async onStartCall() {
      if (this.data.creating) return;
      if (!(await this.ensureSignedIn())) return;
      this.setForm({ creating: true, createError: '' });
      try {
        const room = await roomDirectory.createCall(`${this.data.nickname.trim()}的视频通话`);
        this.setForm({ creating: false });
        wx.navigateTo({ url: `/pages/call/index?roomID=${encodeURIComponent(room.id)}` });
      } catch (error) {
        this.setForm({ creating: false, createError: createFailure(error) });
      }
    },

    onOpenRooms() {
      wx.navigateTo({ url: '/home/rooms/index' });
    },

    onSignOut() {
      userStore.signOut();
      this.setForm({ nickname: '', avatarUrl: '' });
    },
  },
});

/** The planned start of the pickers' date and time (local), null when none is set, 'past' when it is not ahead. */
function plannedStartOf(date: string, time: string): number | null | 'past' {
  if (!date) return null;
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = (time || '20:00').split(':').map(Number);
  const at = new Date(year, month - 1, day, hour, minute).getTime();
  return Number.isFinite(at) && at > Date.now() ? at : 'past';
}

/** Why creating a room or a call failed, for the line under the button (a 401 has signed the user out already). */
function createFailure(error: unknown): string {
  if (isUnauthorized(error)) return '登录已失效，请重新登录';
  return describeServiceError(error, {
    lead: '创建失败：',
    fallback: { code: 'CREATE_FAILED', message: '创建失败，请稍后重试', action: 'retry' },
  }).message;
}
