/**
 * The anchor's viewer list: who came to the room (nickname and avatar, the newest first, at most the service's
 * cap), as the service records them from their tokens. Opened as a panel; read from the service each time it opens.
 * A viewer the anchor removes leaves the list at once.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { ApiRoomViewer } from '../../services/api-client';
import { ApiError } from '../../services/api-client';
import type { SessionContext } from './session-context';

/** The panel as the anchor page shows it. */
export interface ViewerListView {
  open: boolean;
  loading: boolean;
  viewers: ApiRoomViewer[];
  /** How many the service lists at most (the newest). */
  limit: number;
  /** Why the list could not be read (Chinese), or ''. */
  error: string;
}

const CLOSED: ViewerListView = { open: false, loading: false, viewers: [], limit: 0, error: '' };

/** The anchor's viewer list of one visit. */
export class ViewerList {
  view: ViewerListView = CLOSED;
  private reads = 0;

  constructor(
    private readonly ctx: SessionContext,
    private readonly roomID: () => string,
  ) {
    makeAutoObservable<ViewerList, 'ctx' | 'roomID' | 'reads'>(
      this,
      { ctx: false, roomID: false, reads: false },
      { autoBind: true },
    );
  }

  /** Opens the panel and reads the list from the service. */
  async open(): Promise<void> {
    const read = (this.reads += 1);
    const epoch = this.ctx.epoch;
    this.view = { ...this.view, open: true, loading: true, error: '' };
    try {
      const { viewers, limit } = await this.ctx.deps.api.getViewers(this.roomID());
      if (this.ctx.isStale(epoch) || read !== this.reads) return;
      this.loaded(viewers, limit);
    } catch (error) {
      if (this.ctx.isStale(epoch) || read !== this.reads) return;
      this.failed(
        error instanceof ApiError && error.status === 0 ? '网络不可用，稍后再试' : '观众列表加载失败',
      );
    }
  }

  private loaded(viewers: ApiRoomViewer[], limit: number): void {
    this.view = { ...this.view, loading: false, viewers, limit };
  }

  private failed(message: string): void {
    this.view = { ...this.view, loading: false, error: message };
  }

  /** A viewer the anchor removed leaves the list. */
  removed(userID: string): void {
    if (!this.view.viewers.some((v) => v.userId === userID)) return;
    this.view = { ...this.view, viewers: this.view.viewers.filter((v) => v.userId !== userID) };
  }

  close(): void {
    this.reads += 1;
    this.view = CLOSED;
  }

  /** A new visit: closed and empty. */
  reset(): void {
    this.close();
  }
}
