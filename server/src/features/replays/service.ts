/**
 * Replays: ZEGO cloud recording of a live room into the deployment's bucket, started once the room's anchor stream
 * exists and stopped when the room ends; the files its status callback reports; what the apps play. A recording is
 * best effort: a failure is logged with ZEGO's code and kept for the operator, and never touches the live.
 */
import type { FastifyBaseLogger } from 'fastify';
import { mixStreamIdForRoom, randomId } from '../../lib/ids';
import { ApiError } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { Recording, RecordingReport, Room } from '../../store/types';
import { TASK_GONE_CODES } from '../../zego/cloud-record';
import { zegoFailure, ZegoServerApiError } from '../../zego/server-api';
import { maxIdleSeconds, mayStartRecording, playUrl, reportOfStatus, UPLOAD_CHECK_AFTER_MS } from './rules';

/** Starts the room's recording if it should start now (see mayStartRecording); never throws. */
export async function startRecording(live: LiveContext, log: FastifyBaseLogger, room: Room): Promise<void> {
  const api = live.cloudRecord;
  const config = live.config.recording ?? null;
  if (api === null || config === null) return;
  try {
    const now = live.now();
    const running = (await live.store.recordings.activeForRoom(room.id)) !== null;
    if (!mayStartRecording(room, running, await live.store.recordings.lastFailureAt(room.id), now)) return;
    const claimed = await live.store.recordings.claimStart(`rec_${randomId(live.random, 16)}`, room.id, now);
    if (claimed === null) return; // another instance is starting it
    try {
      const taskId = await api.startRecord({
        roomId: room.id,
        anchorStreamId: room.streamId,
        outputStreamId: mixStreamIdForRoom(room.id),
        maxIdleSeconds: maxIdleSeconds(live.config.heartbeat.endMs),
        outputFolder: config.outputFolder,
        storage: config.storage,
      });
      await live.store.recordings.started(claimed.id, taskId, live.now());
      log.info({ room: room.id, taskId }, 'cloud recording started');
    } catch (error) {
      const code = error instanceof ZegoServerApiError ? error.code : null;
      await live.store.recordings.startFailed(claimed.id, code, failureText(error), live.now());
      log.warn(
        { room: room.id, ...zegoFailure(error) },
        'ZEGO StartRecord failed: the live goes on without a replay',
      );
    }
  } catch (error) {
    log.warn({ room: room.id, err: error }, 'recording start failed');
  }
}

/** What the operator reads about a failure: ZEGO's action, code and kind, never the URL or the keys. */
function failureText(error: unknown): string {
  if (error instanceof ZegoServerApiError) return error.message.slice(0, 200);
  return 'StartRecord: unexpected answer';
}

/** Stops the room's running recording (the room ended); never throws. */
export async function stopRecording(
  live: LiveContext,
  log: FastifyBaseLogger,
  roomId: string,
): Promise<void> {
  const api = live.cloudRecord;
  if (api === null) return;
  try {
    const active = await live.store.recordings.activeForRoom(roomId);
    if (active === null) return;
    if (active.taskId !== null) {
      try {
        await api.stopRecord(active.taskId);
      } catch (error) {
        // A task ZEGO already ended (idle, 24 h) needs no stop; anything else is logged and left to MaxIdleTime.
        const gone = error instanceof ZegoServerApiError && TASK_GONE_CODES.includes(error.code ?? -1);
        if (!gone)
          log.warn({ room: roomId, taskId: active.taskId, ...zegoFailure(error) }, 'ZEGO StopRecord failed');
      }
    }
    await live.store.recordings.stopped(active.id, live.now());
    log.info({ room: roomId, taskId: active.taskId }, 'cloud recording stopped');
  } catch (error) {
    log.warn({ room: roomId, err: error }, 'recording stop failed');
  }
}

/** Applies a status callback's report to its task (idempotent); false when the task is not one of ours. */
export async function applyRecordingReport(
  live: LiveContext,
  log: FastifyBaseLogger,
  taskId: string,
  report: RecordingReport,
): Promise<boolean> {
  const recording = await live.store.recordings.report(taskId, report, live.now());
  if (recording === null) return false;
  if (report.status === 'failed') {
    log.warn(
      { room: recording.roomId, taskId, zegoCode: report.errorCode ?? null },
      'cloud recording failed',
    );
  }
  return true;
}

/**
 * The sweeper's part: asks ZEGO about tasks uploading for longer than UPLOAD_CHECK_AFTER_MS (a lost callback),
 * a few per pass (DescribeRecordStatus allows 10/s per AppID); never throws.
 */
export async function checkUploads(live: LiveContext, log: FastifyBaseLogger, now: number): Promise<void> {
  const api = live.cloudRecord;
  if (api === null) return;
  for (const taskId of await live.store.recordings.uploadingSince(now - UPLOAD_CHECK_AFTER_MS, 5)) {
    try {
      const { status, files } = await api.describeRecordStatus(taskId);
      // Still uploading: noted as asked now, so the next check waits its turn.
      const report = reportOfStatus(status, files) ?? { status: 'uploading' as const };
      await applyRecordingReport(live, log, taskId, report);
    } catch (error) {
      // A task older than ZEGO's 3 days is gone from DescribeRecordStatus: it will not become a replay.
      const gone = error instanceof ZegoServerApiError && error.code === TASK_GONE_CODES[0];
      const report = {
        status: gone ? ('failed' as const) : ('uploading' as const),
        ...(gone ? { errorCode: error.code, error: 'task not found' } : {}),
      };
      await applyRecordingReport(live, log, taskId, report).catch(() => undefined);
      if (!gone) log.warn({ taskId, ...zegoFailure(error) }, 'ZEGO DescribeRecordStatus failed');
    }
  }
}

/** One playable part of a replay. */
export interface ReplayPart {
  url: string;
  durationMs: number;
}

/** A room's replay as the apps see it: its parts in order, its length and how often it was opened. */
export interface Replay {
  parts: ReplayPart[];
  durationMs: number;
  views: number;
}

/** The replay of a room from its shown recordings; null when nothing is playable. */
export function replayOf(recordings: readonly Recording[], playBaseUrl: string | null): Replay | null {
  const ready = recordings.filter((r) => r.status === 'ready' && !r.hidden && r.files.length > 0);
  const parts = ready.flatMap((r) =>
    r.files.map((f) => ({ url: playUrl(f.url, playBaseUrl), durationMs: f.durationMs })),
  );
  if (parts.length === 0) return null;
  return {
    parts,
    durationMs: parts.reduce((sum, p) => sum + p.durationMs, 0),
    views: ready[0].views,
  };
}

/** The room's replay, or 404 REPLAY_NOT_FOUND (none recorded, hidden or deleted, or recording is off). */
export async function loadReplay(live: LiveContext, roomId: string): Promise<Replay> {
  const config = live.config.recording ?? null;
  const recordings =
    config === null ? [] : await live.store.recordings.forRoom(roomId, { includeHidden: false });
  const replay = replayOf(recordings, config?.playBaseUrl ?? null);
  if (replay === null) throw new ApiError(404, 'REPLAY_NOT_FOUND', `Room ${roomId} has no replay`);
  return replay;
}
