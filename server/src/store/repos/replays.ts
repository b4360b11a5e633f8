/** Recordings (replays) and OBS push keys, written once for both engines. */
import type { Selectable } from 'kysely';
import type { Engine, Query } from '../engine';
import { isOn } from '../rows';
import type { RecordingFilesTable, RecordingsTable } from '../schema';
import type { Recording, RecordingRepository, RtmpKey, RtmpRepository } from '../replays';

type RecordingRow = Selectable<RecordingsTable>;
type FileRow = Selectable<RecordingFilesTable>;

const toRecording = (r: RecordingRow, files: FileRow[]): Recording => ({
  id: r.id,
  roomId: r.room_id,
  taskId: r.task_id,
  status: r.status,
  startedAt: Number(r.started_at),
  stoppedAt: r.stopped_at === null ? null : Number(r.stopped_at),
  updatedAt: Number(r.updated_at),
  errorCode: r.error_code === null ? null : Number(r.error_code),
  error: r.error,
  hidden: isOn(r.hidden),
  views: Number(r.views),
  files: files
    .filter((f) => f.task_id === r.task_id)
    .map((f) => ({
      fileId: f.file_id,
      url: f.url,
      durationMs: Number(f.duration_ms),
      sizeBytes: Number(f.size_bytes),
    })),
});

/** The rows with their files, in one more query. */
async function withFiles(q: Query, rows: RecordingRow[]): Promise<Recording[]> {
  const tasks = rows.map((r) => r.task_id).filter((t): t is string => t !== null);
  const files =
    tasks.length === 0
      ? []
      : await q
          .selectFrom('recording_files')
          .selectAll()
          .where('task_id', 'in', tasks)
          .orderBy('added_at')
          .orderBy('file_id')
          .execute();
  return rows.map((r) => toRecording(r, files));
}

/** The recordings and recording_files tables. */
export function recordingRepository(engine: Engine): RecordingRepository {
  const { db } = engine;
  const one = async (id: string): Promise<Recording | null> => {
    const row = await db
      .selectFrom('recordings')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? (await withFiles(db, [row]))[0] : null;
  };
  return {
    claimStart: async (id, roomId, now) => {
      // active_room_id is unique: a second start of the same room conflicts and inserts nothing.
      const row = await db
        .insertInto('recordings')
        .values({
          id,
          room_id: roomId,
          active_room_id: roomId,
          status: 'starting',
          started_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('active_room_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toRecording(row, []) : null;
    },
    started: async (id, taskId, now) => {
      await db
        .updateTable('recordings')
        .set({ task_id: taskId, status: 'recording', updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'starting')
        .execute();
    },
    startFailed: async (id, code, error, now) => {
      await db
        .updateTable('recordings')
        .set({
          status: 'failed',
          active_room_id: null,
          error_code: code,
          error,
          stopped_at: now,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },
    activeForRoom: async (roomId) => {
      const row = await db
        .selectFrom('recordings')
        .selectAll()
        .where('active_room_id', '=', roomId)
        .executeTakeFirst();
      return row ? (await withFiles(db, [row]))[0] : null;
    },
    lastFailureAt: async (roomId) => {
      const row = await db
        .selectFrom('recordings')
        .select((eb) => eb.fn.max('updated_at').as('at'))
        .where('room_id', '=', roomId)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return row?.at === null || row?.at === undefined ? null : Number(row.at);
    },
    stopped: async (id, now) => {
      await db
        .updateTable('recordings')
        .set({ status: 'uploading', active_room_id: null, stopped_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', ['starting', 'recording'])
        .execute();
    },
    report: (taskId, report, now) =>
      engine.transaction(async (q) => {
        const row = await q
          .selectFrom('recordings')
          .selectAll()
          .where('task_id', '=', taskId)
          .executeTakeFirst();
        if (!row) return null;
        for (const f of report.files ?? []) {
          await q
            .insertInto('recording_files')
            .values({
              task_id: taskId,
              file_id: f.fileId,
              url: f.url,
              duration_ms: f.durationMs,
              size_bytes: f.sizeBytes,
              added_at: now,
            })
            .onConflict((oc) =>
              oc.columns(['task_id', 'file_id']).doUpdateSet({
                url: f.url,
                duration_ms: f.durationMs,
                size_bytes: f.sizeBytes,
              }),
            )
            .execute();
        }
        // A ready task stays ready (a late 'stopped' or a retried failure does not take its replay away).
        const status = row.status === 'ready' && report.status !== 'ready' ? 'ready' : report.status;
        const ends = status !== 'recording' && status !== 'starting';
        await q
          .updateTable('recordings')
          .set({
            status,
            updated_at: now,
            ...(ends ? { active_room_id: null, stopped_at: row.stopped_at ?? now } : {}),
            ...(report.errorCode !== undefined ? { error_code: report.errorCode } : {}),
            ...(report.error !== undefined ? { error: report.error } : {}),
          })
          .where('id', '=', row.id)
          .execute();
        const updated = await q
          .selectFrom('recordings')
          .selectAll()
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        return (await withFiles(q, [updated]))[0];
      }),
    uploadingSince: async (before, limit) => {
      const rows = await db
        .selectFrom('recordings')
        .select('task_id')
        .where('status', '=', 'uploading')
        .where('task_id', 'is not', null)
        .where('updated_at', '<=', before)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.flatMap((r) => (r.task_id === null ? [] : [r.task_id]));
    },
    forRoom: async (roomId, { includeHidden }) => {
      const rows = await db
        .selectFrom('recordings')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('deleted_at', 'is', null)
        .$if(!includeHidden, (qb) => qb.where('hidden', '=', engine.flag(false)))
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      return withFiles(db, rows);
    },
    get: one,
    setHidden: async (id, hidden, now) => {
      await db
        .updateTable('recordings')
        .set({ hidden: engine.flag(hidden), updated_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .execute();
      return one(id);
    },
    remove: async (id, now) => {
      const { numUpdatedRows } = await db
        .updateTable('recordings')
        .set({ deleted_at: now, updated_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return numUpdatedRows === 1n;
    },
    countView: async (roomId) => {
      // The count lives on the room's first shown recording: one replay, one figure.
      const first = await db
        .selectFrom('recordings')
        .select('id')
        .where('room_id', '=', roomId)
        .where('status', '=', 'ready')
        .where('deleted_at', 'is', null)
        .where('hidden', '=', engine.flag(false))
        .orderBy('started_at')
        .executeTakeFirst();
      if (!first) return 0;
      const row = await db
        .updateTable('recordings')
        .set((eb) => ({ views: eb('views', '+', 1) }))
        .where('id', '=', first.id)
        .returning('views')
        .executeTakeFirstOrThrow();
      return Number(row.views);
    },
    roomsWithReplay: async (limit) => {
      const rows = await db
        .selectFrom('recordings')
        .select('room_id')
        .select((eb) => eb.fn.max('started_at').as('newest'))
        .where('status', '=', 'ready')
        .where('deleted_at', 'is', null)
        .where('hidden', '=', engine.flag(false))
        .groupBy('room_id')
        .orderBy('newest', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.room_id);
    },
  };
}

const toKey = (r: Selectable<import('../schema').RoomRtmpTable>): RtmpKey => ({
  roomId: r.room_id,
  streamId: r.stream_id,
  issuedAt: Number(r.issued_at),
  publishing: isOn(r.publishing),
});

/** The room_rtmp table; issuing a key also renames the room's stream. */
export function rtmpRepository(engine: Engine): RtmpRepository {
  const { db } = engine;
  return {
    get: async (roomId) => {
      const row = await db
        .selectFrom('room_rtmp')
        .selectAll()
        .where('room_id', '=', roomId)
        .executeTakeFirst();
      return row ? toKey(row) : null;
    },
    issue: (roomId, streamId, now) =>
      engine.transaction(async (q) => {
        await q.updateTable('rooms').set({ stream_id: streamId }).where('id', '=', roomId).execute();
        const row = await q
          .insertInto('room_rtmp')
          .values({ room_id: roomId, stream_id: streamId, issued_at: now, publishing: engine.flag(false) })
          .onConflict((oc) =>
            oc
              .column('room_id')
              .doUpdateSet({ stream_id: streamId, issued_at: now, publishing: engine.flag(false) }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toKey(row);
      }),
    setPublishing: async (streamId, publishing) => {
      const row = await db
        .updateTable('room_rtmp')
        .set({ publishing: engine.flag(publishing) })
        .where('stream_id', '=', streamId)
        .returningAll()
        .executeTakeFirst();
      return row ? toKey(row) : null;
    },
    publishingRooms: async () => {
      const rows = await db
        .selectFrom('room_rtmp')
        .select('room_id')
        .where('publishing', '=', engine.flag(true))
        .execute();
      return rows.map((r) => r.room_id);
    },
  };
}
