/**
 * Going live from OBS, for the anchor page: the room's push address and stream key as the service hands them to the
 * room's anchor (a new key makes the old one stop working), in a sheet with copy buttons. Pure view state.
 */
import { describeServiceError } from '../../utils/error-catalog';
import type { Api } from '../../services/api-client';

/** The OBS sheet as the page renders it. */
export interface ObsSheetView {
  open: boolean;
  loading: boolean;
  server: string;
  streamKey: string;
  /** 「服务器地址 2 小时内有效」 … */
  note: string;
  error: string;
}

/** The sheet closed. */
export const CLOSED_OBS_SHEET: ObsSheetView = {
  open: false,
  loading: false,
  server: '',
  streamKey: '',
  note: '',
  error: '',
};

/** Asks the service for the room's address; each answer replaces the sheet (never deep-mutated). */
export class ObsPush {
  constructor(
    private readonly api: Pick<Api, 'getRtmpAddress'>,
    private readonly show: (sheet: ObsSheetView) => void,
  ) {}

  /** Opens the sheet with the room's current key (renew: a new one, the old stops working). */
  async open(roomID: string, renew = false): Promise<void> {
    this.show({ ...CLOSED_OBS_SHEET, open: true, loading: true });
    try {
      const address = await this.api.getRtmpAddress(roomID, renew);
      this.show({
        ...CLOSED_OBS_SHEET,
        open: true,
        server: address.server,
        streamKey: address.streamKey,
        note: renew ? '已换新密钥，旧密钥不能再推流' : '服务器地址 2 小时内有效，过期后重新打开这里获取',
      });
    } catch (error) {
      const shown = describeServiceError(error, {
        fallback: { code: 'RTMP', message: '暂时拿不到推流地址，请稍后重试', action: 'retry' },
      });
      this.show({ ...CLOSED_OBS_SHEET, open: true, error: shown.message });
    }
  }

  /** Closes the sheet. */
  close(): void {
    this.show(CLOSED_OBS_SHEET);
  }
}
