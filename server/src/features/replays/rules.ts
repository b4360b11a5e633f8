/** The replay decisions, as pure functions: when a recording starts, what a status callback reports. */
import type { RecordingFile, RecordingReport, Room } from '../../store/types';

/** How long after a failed start the next one is tried (a heartbeat every few seconds must not hammer ZEGO). */
export const RECORDING_RETRY_MS = 60_000;

/**
 * Whether the room's recording should start now: a live room (its anchor stream exists: it went live by the stream
 * callback or the anchor's app), none running, and no failed start within RECORDING_RETRY_MS.
 */
export function mayStartRecording(
  room: Pick<Room, 'kind' | 'status'>,
  running: boolean,
  lastFailureAt: number | null,
  now: number,
): boolean {
  if (room.kind !== 'live' || room.status !== 'live' || running) return false;
  return lastFailureAt === null || now - lastFailureAt >= RECORDING_RETRY_MS;
}

/** ZEGO's MaxIdleTime for a room: as long as a silent room may come back before the sweeper ends it (5..86400 s). */
export function maxIdleSeconds(heartbeatEndMs: number): number {
  return Math.min(86_400, Math.max(5, Math.ceil(heartbeatEndMs / 1000)));
}

/** One file of ZEGO's callback `detail.file_info[]`, as far as we read it. */
export interface CallbackFile {
  file_id?: unknown;
  file_url?: unknown;
  duration?: unknown;
  file_size?: unknown;
  status?: unknown;
}

/** The fields of ZEGO's recording status callback we read. */
export interface RecordingEvent {
  event_type: number;
  message?: string;
  detail?: { upload_status?: unknown; quit_reason?: unknown; file_info?: unknown };
}

const UPLOADED = new Set([3, 4]);

const count = (value: unknown): number => {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : 0;
};

/** The files ZEGO says are in the bucket (3) or in its 3-day backup storage (4), playable by URL. */
export function uploadedFiles(fileInfo: unknown): RecordingFile[] {
  if (!Array.isArray(fileInfo)) return [];
  return (fileInfo as CallbackFile[]).flatMap((f) => {
    const url = typeof f.file_url === 'string' ? f.file_url : '';
    const fileId = typeof f.file_id === 'string' && f.file_id !== '' ? f.file_id : url;
    if (!UPLOADED.has(Number(f.status)) || !/^https?:\/\//.test(url)) return [];
    return [{ fileId, url, durationMs: count(f.duration), sizeBytes: count(f.file_size) }];
  });
}

/**
 * What a status callback means for the recording: 1 upload finished (ready, or failed when no file made it), 2 ended
 * abnormally (failed, with ZEGO's quit reason as its code), 5 normal exit and 7 stopped (uploading). Other events
 * (room without streams, paused, live HLS address) change nothing: null.
 */
export function reportOf(event: RecordingEvent): RecordingReport | null {
  const message = typeof event.message === 'string' ? event.message.slice(0, 200) : null;
  switch (event.event_type) {
    case 1: {
      const files = uploadedFiles(event.detail?.file_info);
      return files.length > 0
        ? { status: 'ready', files }
        : {
            status: 'failed',
            files,
            errorCode: count(event.detail?.upload_status) || null,
            error: 'upload failed',
          };
    }
    case 2:
      return {
        status: 'failed',
        errorCode: count(event.detail?.quit_reason) || null,
        error: message ?? 'ended abnormally',
      };
    case 5:
    case 7:
      return { status: 'uploading' };
    default:
      return null;
  }
}

/** The address the apps play: ZEGO's file URL, or the same path under RECORDING_PLAY_BASE_URL (a CDN). */
export function playUrl(fileUrl: string, playBaseUrl: string | null): string {
  if (playBaseUrl === null) return fileUrl;
  return `${playBaseUrl}${new URL(fileUrl).pathname}`;
}

/** How long a stopped task may stay 'uploading' before ZEGO is asked (its callback may have been lost). */
export const UPLOAD_CHECK_AFTER_MS = 5 * 60_000;

/**
 * What DescribeRecordStatus says about a task we hold as uploading: ended (3) with uploaded files: ready; ended
 * abnormally (4), or ended with no file: failed; still running or uploading: null (ask again later).
 */
export function reportOfStatus(status: number, fileInfo: unknown): RecordingReport | null {
  const failed = (error: string): RecordingReport => ({
    status: 'failed',
    files: [],
    errorCode: null,
    error,
  });
  if (status === 4) return failed('ended abnormally (DescribeRecordStatus)');
  if (status !== 3) return null;
  const files = uploadedFiles(fileInfo);
  if (files.length > 0) return { status: 'ready', files };
  const uploading =
    Array.isArray(fileInfo) && (fileInfo as CallbackFile[]).some((f) => [1, 2].includes(Number(f.status)));
  return uploading ? null : failed('no uploaded file (DescribeRecordStatus)');
}
