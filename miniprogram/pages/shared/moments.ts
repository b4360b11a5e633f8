/**
 * Moments (朋友圈): a live page shared to Moments opens in WeChat's single-page mode (scene 1154), where there is no
 * sign-in (wx.login is unavailable), no navigation (navigateTo, redirectTo, reLaunch, navigateBack), no
 * `<button open-type>`, no live-pusher, and storage apart from the mini-program's. The page then shows only a card of
 * the room, read without a session (GET /api/rooms/:id is public), and points to WeChat's own bottom bar
 * 「前往小程序」, which opens the same page as the full mini-program. The share menu still works there.
 */
import { roomDirectory } from '../../stores/index';
import type { ApiRoom } from '../../stores/rooms';
import { describeServiceError } from '../../utils/error-catalog';
import { plannedStartText } from '../../utils/planned-time';

/** The scene of a page opened from Moments (WeChat's single-page mode). */
export const SINGLE_PAGE_SCENE = 1154;

/** True when this page was opened from Moments, in single-page mode (the last entry, else the launch). */
export function inSinglePageMode(): boolean {
  try {
    const options =
      typeof wx.getEnterOptionsSync === 'function'
        ? wx.getEnterOptionsSync()
        : typeof wx.getLaunchOptionsSync === 'function'
          ? wx.getLaunchOptionsSync()
          : null;
    return options?.scene === SINGLE_PAGE_SCENE;
  } catch {
    return false;
  }
}

/** The room's card in single-page mode, as the page renders it. */
export interface MomentsCard {
  /** Still reading the room. */
  loading: boolean;
  title: string;
  anchorName: string;
  /** The room's cover, '' when it has none (the placeholder shows `initial`). */
  coverUrl: string;
  initial: string;
  /** idle | live | paused | ended (a class name), '' when the room could not be read. */
  status: string;
  /** 直播中 / 未开播 (or a planned room's 「12月3日 20:00 开播」) / 主播暂时离开 / 已结束. */
  statusText: string;
  /** What to do now: always the way to the full mini-program (WeChat's bottom bar). */
  hint: string;
  /** The room could not be read for a reason that may pass: offer to read it again. */
  retry: boolean;
}

/** WeChat's bottom bar in single-page mode reads 「前往小程序」. */
const GO_TO_APP = '点击下方「前往小程序」';

const STATUS_TEXT: Readonly<Record<string, string>> = {
  live: '直播中',
  idle: '未开播',
  paused: '主播暂时离开',
  ended: '已结束',
};

const HINT: Readonly<Record<string, string>> = {
  live: `${GO_TO_APP}观看直播`,
  paused: `${GO_TO_APP}，主播回来就能继续观看`,
  ended: `直播已经结束，${GO_TO_APP}看看其他直播`,
};

/** The room's cover URL when it has one. */
function coverOf(room: ApiRoom): string {
  const cover = room.coverUrl;
  return typeof cover === 'string' && /^https?:\/\/\S+$/.test(cover) ? cover : '';
}

/** An idle room with a planned start reads 「12月3日 20:00 开播」; any other room, its status. */
function statusTextOf(room: ApiRoom, now: number): string {
  if (room.status === 'idle' && typeof room.plannedStartAt === 'number')
    return plannedStartText(room.plannedStartAt, now);
  return STATUS_TEXT[room.status] ?? '未开播';
}

/** The card shown while the room is read. */
export function loadingCard(): MomentsCard {
  return {
    loading: true,
    title: '',
    anchorName: '',
    coverUrl: '',
    initial: '',
    status: '',
    statusText: '',
    hint: '',
    retry: false,
  };
}

/** The card of a room the service answered. */
export function momentsCard(room: ApiRoom, now: number = Date.now()): MomentsCard {
  const title = room.title || room.id;
  const anchorName = room.anchor?.nickname ?? '';
  return {
    loading: false,
    title,
    anchorName,
    coverUrl: coverOf(room),
    initial: (anchorName || title).slice(0, 1),
    status: room.status,
    statusText: statusTextOf(room, now),
    hint: HINT[room.status] ?? `${GO_TO_APP}，开播后就能观看`,
    retry: false,
  };
}

/** The card when the room cannot be shown: why (the error catalog's Chinese), and still the way to the app. */
export function failedCard(title: string, message: string, retry: boolean): MomentsCard {
  return {
    ...loadingCard(),
    loading: false,
    title,
    initial: '!',
    statusText: '',
    hint: `${message}。${GO_TO_APP}打开完整的小程序`,
    retry,
  };
}

/** Reads the room without a session (nothing here signs in) and answers its card, or why there is none. */
export async function loadMomentsCard(roomID: string): Promise<{ card: MomentsCard; room: ApiRoom | null }> {
  try {
    const room = await roomDirectory.getRoom(roomID);
    return { card: momentsCard(room), room };
  } catch (error) {
    const shown = describeServiceError(error, {
      refine: { NOT_FOUND: { message: '找不到这个直播间，可能已被删除', action: 'leave' } },
    });
    const title = shown.action === 'leave' ? '无法打开这个直播间' : '直播间信息加载失败';
    return {
      card: failedCard(title, shown.message.replace(/[。，！]$/, ''), shown.action !== 'leave'),
      room: null,
    };
  }
}
